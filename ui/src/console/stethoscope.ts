/**
 * The stethoscope in the GP's console: the station's `stethoscope` track (its own media
 * stream, told apart by its id) played through WebAudio with no processing at all — a
 * received track has no getUserMedia constraints, and the graph is only
 * source → gain → speakers (plus an analyser that only reads) in a 48 kHz AudioContext.
 * Volume up to +20 dB, a scrolling phonocardiogram (3 s), the level, the state, and the
 * clips the GP records at the station: started and stopped here with a running timer,
 * within the bounds the station sends (10–30 s, decided in `relais_core::auscultation`),
 * received over the data channel and replayable here.
 */
import { clipProgress, formatClock, parseClipBounds, type ClipBounds } from "../lib/clip-timer";
import { h, replace } from "../lib/dom";
import { formatTime, t } from "../lib/i18n";

/** Media stream id of the station's stethoscope track. */
export const STETHOSCOPE_STREAM_ID = "stethoscope";
/** Seconds shown by the waveform. */
export const WAVE_SECONDS = 3;
/** Highest gain, dB. */
export const MAX_GAIN_DB = 20;

export interface StethoscopeStateMessage {
  type: "stethoscopeState";
  on: boolean;
  /** Clip lengths the station accepts; without them, recording is not offered. */
  clip?: ClipBounds;
}
export interface StethoscopeRequestMessage {
  type: "stethoscopeRequest";
}
export interface ClipRequestMessage {
  type: "clipRequest";
  clipId: string;
  seconds: number;
}
export interface ClipStopMessage {
  type: "clipStop";
  clipId: string;
}
export interface ClipStateMessage {
  type: "clipState";
  clipId: string;
  state: "recording" | "stored" | "failed";
  seconds: number;
  code?: string;
}
export interface ClipChunkMessage {
  type: "clipChunk";
  clipId: string;
  mime: string;
  index: number;
  count: number;
  data: string;
}
/** Stethoscope messages of the data channel (mirrors `DataMessage` in crates/protocol). */
export type StethoscopeMessage =
  | StethoscopeStateMessage
  | StethoscopeRequestMessage
  | ClipRequestMessage
  | ClipStopMessage
  | ClipStateMessage
  | ClipChunkMessage;

const CLIP_STATES = ["recording", "stored", "failed"] as const;

/** Parses a stethoscope message (already JSON-decoded); null when it is not one. */
export function parseStethoscopeMessage(v: Record<string, unknown>): StethoscopeMessage | null {
  switch (v.type) {
    case "stethoscopeState": {
      if (typeof v.on !== "boolean") return null;
      const clip = parseClipBounds(v.clip);
      return clip ? { type: "stethoscopeState", on: v.on, clip } : { type: "stethoscopeState", on: v.on };
    }
    case "clipStop":
      return typeof v.clipId === "string" ? { type: "clipStop", clipId: v.clipId } : null;
    case "stethoscopeRequest":
      return { type: "stethoscopeRequest" };
    case "clipRequest":
      return typeof v.clipId === "string" && typeof v.seconds === "number" ? { type: "clipRequest", clipId: v.clipId, seconds: v.seconds } : null;
    case "clipState":
      if (typeof v.clipId !== "string" || typeof v.seconds !== "number" || !CLIP_STATES.includes(v.state as (typeof CLIP_STATES)[number])) return null;
      return {
        type: "clipState",
        clipId: v.clipId,
        state: v.state as ClipStateMessage["state"],
        seconds: v.seconds,
        ...(typeof v.code === "string" ? { code: v.code } : {}),
      };
    case "clipChunk":
      if (typeof v.clipId !== "string" || typeof v.mime !== "string" || typeof v.data !== "string") return null;
      if (!Number.isInteger(v.index) || !Number.isInteger(v.count) || (v.count as number) < 1 || (v.index as number) < 0 || (v.index as number) >= (v.count as number)) return null;
      return { type: "clipChunk", clipId: v.clipId, mime: v.mime, index: v.index as number, count: v.count as number, data: v.data };
    default:
      return null;
  }
}

/** Is this remote stream the stethoscope's? */
export function isStethoscopeStream(stream: MediaStream): boolean {
  return stream.id === STETHOSCOPE_STREAM_ID;
}

/** Linear gain of `db` decibels. */
export function gainOf(db: number): number {
  return Math.pow(10, Math.min(MAX_GAIN_DB, Math.max(-40, db)) / 20);
}

/** Peak and RMS of samples, in dBFS (−96 for silence), and whether they clipped. */
export function levelOf(samples: Float32Array): { peakDb: number; rmsDb: number; clipped: boolean } {
  let peak = 0;
  let sum = 0;
  for (const s of samples) {
    const a = Math.abs(s);
    if (a > peak) peak = a;
    sum += s * s;
  }
  const db = (x: number) => (x > 0 ? Math.max(-96, 20 * Math.log10(x)) : -96);
  const rms = samples.length ? Math.sqrt(sum / samples.length) : 0;
  return { peakDb: db(peak), rmsDb: db(rms), clipped: peak >= 0.998 };
}

/** Assembles a clip's base64 pieces; the whole file once every piece arrived. */
export class ClipAssembler {
  private readonly parts = new Map<string, { mime: string; count: number; pieces: (Uint8Array | undefined)[] }>();

  /** Adds a piece; the clip's bytes and type when it is complete. */
  add(m: ClipChunkMessage): { mime: string; bytes: Uint8Array } | null {
    let p = this.parts.get(m.clipId);
    if (!p || p.count !== m.count) {
      p = { mime: m.mime, count: m.count, pieces: new Array(m.count).fill(undefined) };
      this.parts.set(m.clipId, p);
    }
    const bin = atob(m.data);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    p.pieces[m.index] = bytes;
    if (p.pieces.some((x) => x === undefined)) return null;
    this.parts.delete(m.clipId);
    const all = p.pieces as Uint8Array[];
    const out = new Uint8Array(all.reduce((n, x) => n + x.length, 0));
    let at = 0;
    for (const x of all) {
      out.set(x, at);
      at += x.length;
    }
    return { mime: p.mime, bytes: out };
  }
}

interface Clip {
  clipId: string;
  state: ClipStateMessage["state"];
  seconds: number;
  code?: string;
  at: Date;
  url?: string;
  /** When the station said it records (console clock, ms): the timer starts there. */
  startedMs?: number;
  /** A stop was sent and not answered yet. */
  stopping?: boolean;
}

export interface StethoscopePanelOptions {
  /** Sends a data-channel message to the station; false when the channel is not open. */
  send(message: StethoscopeMessage): boolean;
  /** Clock (tests). */
  now?(): Date;
}

/** What the record button and the timer show for the clip being recorded (or none). */
export function recordControl(
  clip: { startedMs?: number; stopping?: boolean } | null,
  bounds: ClipBounds | null,
  on: boolean,
  nowMs: number,
): { action: "start" | "stop"; disabled: boolean; label: string; timer: string; hint: string; seconds: number } {
  if (!clip) {
    const ready = on && bounds !== null;
    return {
      action: "start",
      disabled: !ready,
      label: t("console.steth.recordStart"),
      timer: "",
      hint: ready && bounds ? t("console.steth.recordBounds", { min: bounds.minSeconds, max: bounds.maxSeconds }) : "",
      seconds: 0,
    };
  }
  if (!bounds || clip.startedMs === undefined) {
    return { action: "stop", disabled: true, label: t("console.steth.recordStop"), timer: formatClock(0), hint: t("console.steth.recordStarting"), seconds: 0 };
  }
  const p = clipProgress(clip.startedMs, nowMs, bounds);
  const timer = `${formatClock(p.seconds)} / ${formatClock(bounds.maxSeconds)}`;
  if (clip.stopping) return { action: "stop", disabled: true, label: t("console.steth.recordStopping"), timer, hint: "", seconds: p.seconds };
  return {
    action: "stop",
    disabled: !p.canStop,
    label: t("console.steth.recordStop"),
    timer,
    hint: p.canStop ? t("console.steth.recordAutoStop", { max: formatClock(bounds.maxSeconds) }) : t("console.steth.recordWait", { n: p.waitSeconds, min: bounds.minSeconds }),
    seconds: p.seconds,
  };
}

/** The GP's stethoscope panel: player, waveform, level, volume, clips. */
export class StethoscopePanel {
  readonly root: HTMLElement;
  private readonly stateEl: HTMLElement;
  private readonly levelBar: HTMLElement;
  private readonly levelText: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly volume: HTMLInputElement;
  private readonly volumeText: HTMLElement;
  private readonly requestBtn: HTMLButtonElement;
  private readonly recordBtn: HTMLButtonElement;
  private readonly timerEl: HTMLElement;
  private readonly hintEl: HTMLElement;
  private readonly clipNotice: HTMLElement;
  private readonly clipList: HTMLElement;
  private readonly clips: Clip[] = [];
  private readonly assembler = new ClipAssembler();
  private ctx: AudioContext | null = null;
  private gain: GainNode | null = null;
  private analyser: AnalyserNode | null = null;
  private keepAlive: HTMLAudioElement | null = null;
  private frame = 0;
  private lastDraw = 0;
  private lastLevel = 0;
  private on = false;
  private bounds: ClipBounds | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly o: StethoscopePanelOptions) {
    this.stateEl = h("p", { class: "steth-state", testid: "steth-state", role: "status", "data-state": "off" });
    this.levelBar = h("span", { class: "steth-level-bar" });
    this.levelText = h("span", { class: "steth-level-text", testid: "steth-level" }, "—");
    this.canvas = h("canvas", { class: "steth-wave", testid: "steth-wave", width: "600", height: "120", role: "img", "aria-label": t("console.steth.wave") });
    this.volume = h("input", {
      type: "range",
      id: "steth-volume",
      class: "steth-volume",
      testid: "steth-volume",
      min: "-20",
      max: String(MAX_GAIN_DB),
      step: "1",
      value: "0",
    });
    this.volumeText = h("output", { class: "steth-volume-text", for: "steth-volume", testid: "steth-volume-value" });
    this.requestBtn = h("button", { type: "button", class: "btn", testid: "steth-request" }, t("console.steth.request"));
    this.recordBtn = h("button", { type: "button", class: "btn btn-primary steth-record", testid: "steth-record", disabled: true, "data-action": "start" }, t("console.steth.recordStart"));
    this.timerEl = h("span", { class: "steth-timer", testid: "steth-timer", role: "timer", "aria-live": "off", hidden: true });
    this.hintEl = h("span", { class: "muted steth-record-hint", testid: "steth-record-hint" });
    this.clipNotice = h("p", { class: "muted steth-clip-notice", testid: "steth-clip-notice", "aria-live": "polite" });
    this.clipList = h("ul", { class: "steth-clips", testid: "steth-clips" });
    this.root = h(
      "section",
      { class: "card gp-call-panel steth-panel", testid: "steth-panel", "aria-labelledby": "steth-title" },
      h("h2", { id: "steth-title", class: "section-title" }, t("console.steth.title")),
      this.stateEl,
      this.canvas,
      h("p", { class: "steth-level" }, h("span", { class: "steth-level-track", "aria-hidden": "true" }, this.levelBar), this.levelText),
      h("div", { class: "steth-volume-row" }, h("label", { for: "steth-volume", class: "field-label" }, t("console.steth.volume")), this.volume, this.volumeText),
      h("div", { class: "actions" }, this.requestBtn, this.recordBtn, this.timerEl),
      this.hintEl,
      this.clipNotice,
      h("h3", { class: "steth-clips-title" }, t("console.steth.clips")),
      this.clipList,
    );
    this.volume.addEventListener("input", () => this.applyVolume());
    this.requestBtn.addEventListener("click", () => {
      void this.ctx?.resume();
      this.notice(this.o.send({ type: "stethoscopeRequest" }) ? t("console.steth.requested") : t("console.steth.notReady"));
    });
    this.recordBtn.addEventListener("click", () => {
      if (this.recordBtn.dataset.action === "stop") this.stopClip();
      else this.startClip();
    });
    this.applyVolume();
    this.render();
  }

  /** Plays the station's stethoscope track (a received track: nothing processes it). */
  attach(stream: MediaStream): void {
    if (!this.ctx) {
      this.ctx = new AudioContext({ sampleRate: 48_000, latencyHint: "interactive" });
      this.gain = this.ctx.createGain();
      this.analyser = this.ctx.createAnalyser();
      this.analyser.fftSize = 4096;
      this.analyser.smoothingTimeConstant = 0;
      this.gain.connect(this.ctx.destination);
    }
    const ctx = this.ctx;
    // Chromium pulls a remote track's audio only while a media element holds it; muted,
    // it outputs nothing (WebAudio plays the sound).
    this.keepAlive ??= new Audio();
    this.keepAlive.muted = true;
    this.keepAlive.srcObject = stream;
    void this.keepAlive.play?.()?.catch?.(() => undefined);
    const source = ctx.createMediaStreamSource(stream);
    if (this.gain) source.connect(this.gain);
    if (this.analyser) source.connect(this.analyser);
    this.applyVolume();
    void ctx.resume?.();
    if (!this.frame) this.frame = requestAnimationFrame((ts) => this.draw(ts));
    this.render();
  }

  /** Handles a stethoscope message from the station; false when `m` is not one. */
  handle(m: { type: string }): boolean {
    const s = m as StethoscopeMessage;
    switch (s.type) {
      case "stethoscopeState":
        this.on = s.on;
        if (s.clip) this.bounds = s.clip;
        this.render();
        return true;
      case "clipState":
        this.clipState(s);
        return true;
      case "clipChunk": {
        const whole = this.assembler.add(s);
        if (whole) {
          const clip = this.clips.find((c) => c.clipId === s.clipId);
          if (clip) {
            clip.url = URL.createObjectURL(new Blob([whole.bytes as BlobPart], { type: whole.mime }));
            this.renderClips();
          }
        }
        return true;
      }
      case "stethoscopeRequest":
      case "clipRequest":
      case "clipStop":
        return true;
      default:
        return false;
    }
  }

  /** Asks the station to start a clip; it stops at `clipStop` or by itself at the longest. */
  startClip(): boolean {
    const b = this.bounds;
    if (!b || !this.on || this.recording()) return false;
    const clipId = `clip-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
    if (!this.o.send({ type: "clipRequest", clipId, seconds: b.maxSeconds })) {
      this.notice(t("console.steth.notReady"));
      return false;
    }
    this.clips.push({ clipId, state: "recording", seconds: b.maxSeconds, at: this.o.now?.() ?? new Date() });
    this.render();
    return true;
  }

  /** Asks the station to stop the clip being recorded (offered once it is long enough). */
  stopClip(): boolean {
    const clip = this.recording();
    if (!clip) return false;
    if (!this.o.send({ type: "clipStop", clipId: clip.clipId })) {
      this.notice(t("console.steth.notReady"));
      return false;
    }
    clip.stopping = true;
    this.render();
    return true;
  }

  private recording(): Clip | undefined {
    return this.clips.find((c) => c.state === "recording");
  }

  private nowMs(): number {
    return (this.o.now?.() ?? new Date()).getTime();
  }

  /** Stops playing (the call ended). */
  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    if (this.keepAlive) this.keepAlive.srcObject = null;
    void this.ctx?.close?.();
    this.ctx = null;
    for (const c of this.clips) if (c.url) URL.revokeObjectURL(c.url);
  }

  private clipState(m: ClipStateMessage) {
    let clip = this.clips.find((c) => c.clipId === m.clipId);
    if (!clip) {
      clip = { clipId: m.clipId, state: m.state, seconds: m.seconds, at: this.o.now?.() ?? new Date() };
      this.clips.push(clip);
    }
    if (m.state === "recording" && m.code === "CLIP_TOO_SHORT") {
      // The stop came too early (clocks apart): the clip goes on.
      clip.stopping = false;
      this.notice(t("console.steth.tooShort", { n: this.bounds?.minSeconds ?? "" }));
      this.render();
      return;
    }
    if (m.state === "recording" && clip.startedMs === undefined) clip.startedMs = this.nowMs();
    clip.state = m.state;
    clip.seconds = m.seconds;
    clip.code = m.code;
    if (m.state !== "recording") clip.stopping = false;
    this.render();
  }

  private notice(text: string) {
    this.clipNotice.textContent = text;
  }

  private applyVolume() {
    const db = Number(this.volume.value);
    if (this.gain) this.gain.gain.value = gainOf(db);
    const text = t("console.steth.volumeValue", { db: db > 0 ? `+${db}` : String(db) });
    this.volumeText.textContent = text;
    this.volume.setAttribute("aria-valuetext", text);
  }

  private render() {
    const state = this.on ? "on" : "off";
    this.root.dataset.state = state;
    this.stateEl.dataset.state = state;
    this.stateEl.textContent = this.on ? t("console.steth.on") : t("console.steth.off");
    const recording = this.recording();
    this.requestBtn.hidden = this.on;
    const tooShort = t("console.steth.tooShort", { n: this.bounds?.minSeconds ?? "" });
    if (recording && !recording.stopping && this.clipNotice.textContent !== tooShort) this.notice(t("console.steth.recording"));
    this.renderRecord();
    if (recording && !this.ticker) this.ticker = setInterval(() => this.renderRecord(), 250);
    if (!recording && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
    this.renderClips();
  }

  private renderRecord() {
    const clip = this.recording() ?? null;
    const c = recordControl(clip, this.bounds, this.on, this.nowMs());
    this.recordBtn.dataset.action = c.action;
    this.recordBtn.classList.toggle("btn-danger", c.action === "stop");
    this.recordBtn.classList.toggle("btn-primary", c.action === "start");
    this.recordBtn.disabled = c.disabled;
    if (this.recordBtn.textContent !== c.label) this.recordBtn.textContent = c.label;
    this.timerEl.hidden = c.action !== "stop";
    this.timerEl.textContent = c.timer;
    this.timerEl.dataset.seconds = String(c.seconds);
    this.hintEl.textContent = c.hint;
  }

  private renderClips() {
    replace(
      this.clipList,
      this.clips.map((c, i) => {
        const time = formatTime(c.at.toISOString());
        const label = c.state === "recording" ? t("console.steth.clipNow", { n: i + 1, time }) : t("console.steth.clip", { n: i + 1, time, seconds: Math.round(c.seconds) });
        let body: HTMLElement;
        if (c.state === "failed") body = h("span", { class: "field-error" }, t("console.steth.clipFailed", { code: c.code ?? "?" }));
        else if (c.state === "recording") body = h("span", { class: "muted" }, t("console.steth.recording"));
        else if (c.url) body = h("audio", { controls: true, preload: "auto", src: c.url, testid: "steth-clip-audio", "aria-label": label });
        else body = h("span", { class: "muted" }, t("console.steth.receiving"));
        return h("li", { class: "steth-clip", testid: "steth-clip", "data-state": c.state, "data-clip-id": c.clipId, "data-seconds": String(c.seconds) }, h("span", { class: "steth-clip-label" }, label), body);
      }),
    );
    if (this.clips.some((c) => c.state === "stored") && !this.recording()) this.notice("");
  }

  private draw(ts: number) {
    this.frame = requestAnimationFrame((n) => this.draw(n));
    const an = this.analyser;
    const g = this.canvas.getContext("2d");
    if (!an || !g) return;
    const w = this.canvas.width;
    const ht = this.canvas.height;
    const pxPerSecond = w / WAVE_SECONDS;
    const elapsed = this.lastDraw ? (ts - this.lastDraw) / 1000 : 0;
    const columns = Math.min(Math.floor(elapsed * pxPerSecond), w);
    const buf = new Float32Array(an.fftSize);
    an.getFloatTimeDomainData(buf);
    if (ts - this.lastLevel >= 100) {
      this.lastLevel = ts;
      const last = buf.subarray(buf.length - 4800 > 0 ? buf.length - 4800 : 0);
      const l = levelOf(last);
      this.levelBar.style.width = `${Math.max(0, Math.min(100, ((l.rmsDb + 60) / 60) * 100))}%`;
      this.levelBar.classList.toggle("steth-level-bar--clip", l.clipped);
      this.levelText.textContent = t("console.steth.levelValue", { peak: l.peakDb.toFixed(0), rms: l.rmsDb.toFixed(0) });
      this.levelText.dataset.rmsDb = l.rmsDb.toFixed(1);
    }
    if (columns < 1) {
      if (!this.lastDraw) this.lastDraw = ts;
      return;
    }
    this.lastDraw += (columns / pxPerSecond) * 1000;
    // Scroll left, then draw the newest samples as min/max columns (phonocardiogram).
    g.drawImage(this.canvas, columns, 0, w - columns, ht, 0, 0, w - columns, ht);
    g.fillStyle = "#0b1f2a";
    g.fillRect(w - columns, 0, columns, ht);
    g.strokeStyle = "rgba(255,255,255,0.15)";
    g.beginPath();
    g.moveTo(w - columns, ht / 2);
    g.lineTo(w, ht / 2);
    g.stroke();
    const perColumn = Math.max(1, Math.floor(48_000 / pxPerSecond));
    const gain = this.gain?.gain.value ?? 1;
    g.strokeStyle = "#7fe3a0";
    g.beginPath();
    for (let c = 0; c < columns; c++) {
      const end = buf.length - (columns - 1 - c) * perColumn;
      const start = Math.max(0, end - perColumn);
      let lo = 0;
      let hi = 0;
      for (let i = start; i < end; i++) {
        const v = (buf[i] ?? 0) * gain;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const x = w - columns + c + 0.5;
      g.moveTo(x, ht / 2 - Math.min(1, hi) * (ht / 2 - 2));
      g.lineTo(x, ht / 2 - Math.max(-1, lo) * (ht / 2 - 2) + 1);
    }
    g.stroke();
  }
}
