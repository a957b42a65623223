/**
 * The stethoscope on the station's call screen: the nurse chooses the audio input of the
 * stethoscope, turns it on or off ("Stéthoscope", also when the GP asks for it), and places
 * it with the level meter (peak and RMS in dBFS, ten times a second, clipping shown). While
 * the GP records a clip, a banner with its running time says so; the clips are listed with
 * a play button. The input chosen is remembered for the station (its record, not this
 * webview) and reopened by the station when it is plugged back during the call; the nurse
 * sees a notice either way. Commands: `stethoscope_inputs_list`,
 * `call_stethoscope_start`, `call_stethoscope_stop`, `call_stethoscope_status`,
 * `stethoscope_clip` (docs/COMMANDS.md); events `stethoscope-status`, `stethoscope-level`.
 */
import { listen } from "@tauri-apps/api/event";
import { call, type ApiError } from "../lib/api";
import { formatClock } from "../lib/clip-timer";
import { h, replace } from "../lib/dom";
import { formatTime, t } from "../lib/i18n";
import "../styles/stethoscope.css";

export type StethoscopeLevel = { peakDbfs: number; rmsDbfs: number; clipped: boolean };
export type ClipInfo = {
  clipId: string;
  state: "recording" | "stored" | "failed";
  seconds: number;
  minSeconds?: number;
  attachmentId?: string;
  code?: string;
  at: string;
};
export type StethNotice = { code: string; message: string };
export type StethoscopeStatus = {
  on: boolean;
  device: string | null;
  requested: boolean;
  lost?: boolean;
  notice?: StethNotice;
  clips: ClipInfo[];
};
export type InputDevice = { id: string; label: string };

export const stethoscopeApi = {
  inputs: () => call<InputDevice[]>("stethoscope_inputs_list"),
  start: (device: string) => call<StethoscopeStatus>("call_stethoscope_start", { device }),
  stop: () => call<StethoscopeStatus>("call_stethoscope_stop"),
  status: () => call<StethoscopeStatus>("call_stethoscope_status"),
  clip: (attachmentId: string) => call<ArrayBuffer>("stethoscope_clip", { attachmentId }),
};

/** Width of the meter for a level in dBFS (−60 → 0 %, 0 → 100 %). */
export function meterPercent(dbfs: number): number {
  return Math.max(0, Math.min(100, ((dbfs + 60) / 60) * 100));
}

/** A level as the nurse reads it: too quiet, good, or too loud. */
export function placement(l: StethoscopeLevel): "quiet" | "good" | "loud" {
  if (l.clipped || l.peakDbfs > -1) return "loud";
  if (l.rmsDbfs < -50) return "quiet";
  return "good";
}

/** The state the panel shows: off, on (sound sent), or on but its input lost. */
export function panelState(s: StethoscopeStatus): "off" | "on" | "lost" {
  if (!s.on) return "off";
  return s.lost ? "lost" : "on";
}

/** The clip being recorded and its running time (station clock), or null. */
export function recordingNow(s: StethoscopeStatus, nowMs: number): { clip: ClipInfo; elapsed: string; limit: string } | null {
  const clip = s.clips.find((c) => c.state === "recording");
  if (!clip) return null;
  const started = Date.parse(clip.at);
  const seconds = Math.min(clip.seconds, Math.max(0, (nowMs - (Number.isFinite(started) ? started : nowMs)) / 1000));
  return { clip, elapsed: formatClock(seconds), limit: formatClock(clip.seconds) };
}

export interface StethoscopePanel {
  el: HTMLElement;
  dispose(): void;
}

export function stethoscopePanel(): StethoscopePanel {
  let status: StethoscopeStatus = { on: false, device: null, requested: false, clips: [] };
  let busyNow = false;
  /** Names of the inputs by id (the state names the input as the list does). */
  const labels = new Map<string, string>();
  const select = h("select", { id: "steth-input", class: "input", testid: "steth-input" });
  const toggle = h("button", { type: "button", class: "btn btn-lg", testid: "steth-toggle", "aria-pressed": "false" }, t("steth.toggle"));
  const stateText = h("p", { class: "nurse-steth-state", testid: "steth-state", role: "status", "data-state": "off" });
  const requested = h("p", { class: "nurse-steth-request", testid: "steth-requested", role: "alert", hidden: true }, t("steth.requested"));
  const bar = h("span", { class: "nurse-steth-bar" });
  const meter = h(
    "div",
    { class: "nurse-steth-meter", role: "meter", "aria-valuemin": "-60", "aria-valuemax": "0", "aria-valuenow": "-60", "aria-label": t("steth.meter"), testid: "steth-meter" },
    bar,
  );
  const levelText = h("p", { class: "nurse-steth-level", testid: "steth-level" }, t("steth.levelNone"));
  const advice = h("p", { class: "nurse-steth-advice", testid: "steth-advice", "aria-live": "polite" });
  const error = h("p", { class: "field-error", testid: "steth-error", role: "alert", hidden: true });
  const notice = h("p", { class: "nurse-steth-notice", testid: "steth-notice", role: "alert", hidden: true });
  const recTime = h("span", { class: "nurse-steth-rec-time", testid: "steth-recording-time" });
  const recording = h(
    "div",
    { class: "nurse-steth-recording", testid: "steth-recording", role: "status", hidden: true },
    h("span", { class: "nurse-steth-rec-dot", "aria-hidden": "true" }),
    h("strong", { class: "nurse-steth-rec-title" }, t("steth.recordingBanner")),
    recTime,
    h("span", { class: "nurse-steth-rec-hint" }, t("steth.recordingHint")),
  );
  const clips = h("ul", { class: "nurse-steth-clips", testid: "steth-clips" });
  const player = h("audio", { class: "nurse-steth-player", controls: true, hidden: true, testid: "steth-player", "aria-label": t("steth.player") });
  const playNote = h("p", { class: "muted", testid: "steth-play-note", hidden: true }, t("steth.playReady"));
  const el = h(
    "section",
    { class: "card call-panel nurse-steth", testid: "steth-panel", "aria-labelledby": "steth-title" },
    h("h2", { class: "section-title", id: "steth-title" }, t("steth.title")),
    requested,
    recording,
    notice,
    h("label", { for: "steth-input", class: "field-label" }, t("steth.input")),
    select,
    h("div", { class: "actions" }, toggle),
    stateText,
    meter,
    levelText,
    advice,
    error,
    h("h3", { class: "nurse-steth-clips-title" }, t("steth.clips")),
    clips,
    player,
    playNote,
  );

  function showError(e: unknown) {
    const err = e as ApiError;
    error.textContent = err?.message ?? t("steth.failed");
    error.hidden = false;
  }

  let ticker: ReturnType<typeof setInterval> | null = null;
  function renderRecording() {
    const r = recordingNow(status, Date.now());
    recording.hidden = r === null;
    el.dataset.recording = r ? "true" : "false";
    recTime.textContent = r ? `${r.elapsed} / ${r.limit}` : "";
    if (r && !ticker) ticker = setInterval(renderRecording, 250);
    if (!r && ticker) {
      clearInterval(ticker);
      ticker = null;
    }
  }

  function render() {
    const state = panelState(status);
    toggle.setAttribute("aria-pressed", String(status.on));
    toggle.textContent = status.on ? t("steth.stop") : t("steth.toggle");
    toggle.classList.toggle("btn-primary", !status.on);
    toggle.classList.toggle("btn-secondary", status.on);
    toggle.disabled = busyNow || (!status.on && select.value === "");
    select.disabled = status.on || busyNow;
    el.dataset.state = state;
    stateText.dataset.state = state;
    const device = status.device ? (labels.get(status.device) ?? status.device) : "";
    stateText.textContent = state === "on" ? t("steth.on", { device }) : state === "lost" ? t("steth.lost") : t("steth.off");
    requested.hidden = !status.requested || status.on;
    notice.hidden = !status.notice;
    notice.textContent = status.notice?.message ?? "";
    notice.dataset.code = status.notice?.code ?? "";
    renderRecording();
    if (state !== "on") {
      bar.style.width = "0%";
      levelText.textContent = t("steth.levelNone");
      advice.textContent = "";
    }
    replace(
      clips,
      status.clips.length === 0
        ? h("li", { class: "muted" }, t("steth.clipsEmpty"))
        : status.clips.map((c, i) => {
            const label =
              c.state === "recording"
                ? t("steth.clipNow", { n: i + 1, time: formatTime(c.at) })
                : t("steth.clip", { n: i + 1, time: formatTime(c.at), seconds: Math.round(c.seconds) });
            const play =
              c.state === "stored" && c.attachmentId
                ? h("button", { type: "button", class: "btn btn-secondary", testid: "steth-clip-play", onclick: () => void playClip(c.attachmentId!) }, t("steth.play"))
                : h("span", { class: c.state === "failed" ? "field-error" : "muted" }, c.state === "failed" ? t("steth.clipFailed", { code: c.code ?? "?" }) : t("steth.recording"));
            return h("li", { class: "nurse-steth-clip", testid: "steth-clip", "data-state": c.state }, h("span", null, label), play);
          }),
    );
  }

  async function playClip(attachmentId: string) {
    try {
      const bytes = await stethoscopeApi.clip(attachmentId);
      if (player.src) URL.revokeObjectURL(player.src);
      player.src = URL.createObjectURL(new Blob([bytes], { type: "audio/wav" }));
      player.hidden = false;
    } catch (e) {
      showError(e);
      return;
    }
    // Without a gesture the webview may refuse to start it: its ▶ button is there.
    playNote.hidden = true;
    await player.play().catch(() => {
      playNote.hidden = false;
      player.focus();
    });
  }

  function showLevel(l: StethoscopeLevel) {
    if (!status.on) return;
    bar.style.width = `${meterPercent(l.rmsDbfs)}%`;
    meter.setAttribute("aria-valuenow", Math.max(-60, Math.min(0, l.rmsDbfs)).toFixed(0));
    const p = placement(l);
    meter.dataset.placement = p;
    levelText.textContent = t("steth.level", { peak: l.peakDbfs.toFixed(0), rms: l.rmsDbfs.toFixed(0) });
    advice.textContent = p === "loud" ? t("steth.tooLoud") : p === "quiet" ? t("steth.tooQuiet") : t("steth.good");
    advice.dataset.placement = p;
  }

  toggle.addEventListener("click", async () => {
    busyNow = true;
    error.hidden = true;
    render();
    try {
      if (status.on) status = await stethoscopeApi.stop();
      else status = await stethoscopeApi.start(select.value);
    } catch (e) {
      showError(e);
    } finally {
      busyNow = false;
      render();
    }
  });
  select.addEventListener("change", render);

  const unlisten: (() => void)[] = [];
  let disposed = false;
  for (const [name, fn] of [
    ["stethoscope-status", (p: unknown) => ((status = p as StethoscopeStatus), render())],
    ["stethoscope-level", (p: unknown) => showLevel(p as StethoscopeLevel)],
  ] as const) {
    void listen(name, (ev) => fn(ev.payload))
      .then((u) => (disposed ? u() : unlisten.push(u)))
      .catch(() => undefined);
  }

  void (async () => {
    try {
      const inputs = await stethoscopeApi.inputs();
      for (const d of inputs) labels.set(d.id, d.label);
      status = await stethoscopeApi.status();
      // The input remembered for this station (its record), or the one in use.
      const saved = status.device;
      replace(
        select,
        h("option", { value: "" }, inputs.length ? t("steth.choose") : t("steth.noInput")),
        inputs.map((d) => h("option", { value: d.id, selected: d.id === saved }, d.label === d.id ? d.label : `${d.label} (${d.id})`)),
      );
    } catch (e) {
      showError(e);
    }
    render();
  })();
  render();

  return {
    el,
    dispose() {
      disposed = true;
      if (ticker) clearInterval(ticker);
      unlisten.forEach((u) => u());
      if (player.src) URL.revokeObjectURL(player.src);
    },
  };
}
