/**
 * One video call with a station, seen from the GP's browser: signaling over the hub's
 * WebSocket, the RTCPeerConnection that answers the station's offers, the data channel
 * (readings and chat), call quality. No DOM here: `call-view.ts` renders what the
 * {@link CallEvents} report, and tests drive this class with fake sockets and peers.
 *
 * Roles (docs/HUB_PROTOCOL.md): the station always offers, the GP always answers, so
 * there is no glare. Offers and remote candidates are handled one after the other on one
 * queue; a candidate that arrives before any remote description waits for it.
 *
 * States:
 * - `connecting` until ICE first connects;
 * - `connected` while ICE is connected or completed;
 * - `reconnecting` when ICE stays `disconnected` for more than 3 s or `failed` (a
 *   `restartRequest` asks the station for an ICE-restart offer, repeated every 10 s), when
 *   the signaling socket drops (re-join with the last `rejoinToken`, backoff 1, 2, 4, 8,
 *   16 s, five tries) or when the hub says the station left;
 * - `ended` after a hang-up on either side, or when the hub cannot be reached again.
 */
import {
  DATA_CHANNEL_LABEL,
  encodeSignal,
  parseDataMessage,
  parseSignal,
  type ApiError,
  type ChatMessage,
  type DataMessage,
  type IceServer,
  type RoomTicket,
  type Signal,
} from "./protocol";
import { classify, sampleStats, type Quality, type QualitySample } from "./quality";

export type CallState = "connecting" | "connected" | "reconnecting" | "ended";
export type EndReason = "local" | "remote" | "signalLost";
/** What the GP sends: camera and microphone, microphone only, or nothing. */
export type MediaMode = "full" | "audioOnly" | "receiveOnly";
/** A message about the other side or the hub, shown next to the state. */
export type Notice = "peerLeft" | "signalLost" | null;

/** The part of a WebSocket the call uses. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** The part of an RTCPeerConnection the call uses. */
export type PeerLike = Pick<
  RTCPeerConnection,
  | "remoteDescription"
  | "localDescription"
  | "iceConnectionState"
  | "setRemoteDescription"
  | "createAnswer"
  | "setLocalDescription"
  | "addIceCandidate"
  | "addTrack"
  | "getTransceivers"
  | "getStats"
  | "close"
  | "onicecandidate"
  | "ontrack"
  | "ondatachannel"
  | "oniceconnectionstatechange"
> & { setConfiguration?(c: RTCConfiguration): void };

/** The part of an RTCDataChannel the call uses. */
export interface ChannelLike {
  readonly label: string;
  readonly readyState: string;
  send(data: string): void;
  close(): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
}

export interface CallDeps {
  createSocket(url: string): SocketLike;
  createPeer(config: RTCConfiguration): PeerLike;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  /** `wss://<host>/ws/signal?token=…` */
  signalUrl(token: string): string;
  now(): number;
}

export interface CallEvents {
  state?(state: CallState): void;
  notice?(notice: Notice): void;
  media?(mode: MediaMode, stream: MediaStream | null): void;
  remoteStream?(stream: MediaStream): void;
  data?(message: DataMessage): void;
  chatReady?(ready: boolean): void;
  quality?(quality: Quality): void;
  error?(error: ApiError): void;
  ended?(info: { reason: EndReason; durationMs: number }): void;
}

export const DISCONNECT_GRACE_MS = 3000;
export const RESTART_REPEAT_MS = 10_000;
export const STATS_INTERVAL_MS = 2000;
export const REJOIN_DELAYS_MS = [1000, 2000, 4000, 8000, 16_000] as const;

const OPEN = 1;

/** Voice processing on, video 1280×720 ideal. */
export const MEDIA_CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: { width: { ideal: 1280 }, height: { ideal: 720 } },
};

export function defaultDeps(): CallDeps {
  return {
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    createPeer: (config) => new RTCPeerConnection(config),
    getUserMedia: (c) =>
      navigator.mediaDevices?.getUserMedia ? navigator.mediaDevices.getUserMedia(c) : Promise.reject(new Error("getUserMedia")),
    signalUrl: (token) => `${location.protocol === "http:" ? "ws" : "wss"}://${location.host}/ws/signal?token=${encodeURIComponent(token)}`,
    now: () => Date.now(),
  };
}

export class Call {
  private _state: CallState = "connecting";
  private readonly deps: CallDeps;
  private ws: SocketLike | null = null;
  private pc: PeerLike | null = null;
  private channel: ChannelLike | null = null;
  private nextToken: string;
  private iceServers: IceServer[];
  private relayOnly: boolean;
  private peerPresent = false;
  private pendingCandidates: RTCIceCandidateInit[] = [];
  private queue: Promise<void> = Promise.resolve();
  private local: MediaStream | null = null;
  private mediaReady: Promise<void> = Promise.resolve();
  private remote: MediaStream | null = null;
  private disconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private rejoinAttempts = 0;
  private troubleReported = false;
  private startedAt = 0;
  private connectedAt: number | null = null;
  private lastSample: QualitySample | null = null;
  private _media: MediaMode = "receiveOnly";
  private _notice: Notice = null;

  constructor(
    readonly ticket: RoomTicket,
    private readonly events: CallEvents = {},
    deps: Partial<CallDeps> = {},
  ) {
    this.deps = { ...defaultDeps(), ...deps };
    this.nextToken = ticket.joinToken;
    this.iceServers = ticket.iceServers;
    this.relayOnly = ticket.relayOnly;
  }

  /** A method, not a narrowed field read: the state changes across awaits. */
  isEnded(): boolean {
    return this._state === "ended";
  }

  get state(): CallState {
    return this._state;
  }
  get media(): MediaMode {
    return this._media;
  }
  get notice(): Notice {
    return this._notice;
  }
  get localStream(): MediaStream | null {
    return this.local;
  }

  /** Ask for camera and microphone, and join the room. */
  start(): void {
    this.startedAt = this.deps.now();
    this.mediaReady = this.acquireMedia();
    this.openSocket();
    this.statsTimer = setInterval(() => void this.pollStats(), STATS_INTERVAL_MS);
  }

  /** End the call from this side: tell the hub, close everything. */
  hangup(): void {
    if (this.isEnded()) return;
    this.send({ type: "hangup" });
    this.end("local");
  }

  /** Microphone on or off; false when there is no microphone. */
  setMicEnabled(on: boolean): boolean {
    const tracks = this.local?.getAudioTracks() ?? [];
    tracks.forEach((tr) => (tr.enabled = on));
    return tracks.length > 0;
  }

  /** Camera on or off; false when there is no camera. */
  setCameraEnabled(on: boolean): boolean {
    const tracks = this.local?.getVideoTracks() ?? [];
    tracks.forEach((tr) => (tr.enabled = on));
    return tracks.length > 0;
  }

  /** Send a chat line over the data channel; null when the channel is not open. */
  sendChat(text: string): ChatMessage | null {
    const ch = this.channel;
    const clean = text.trim();
    if (!ch || ch.readyState !== "open" || clean === "" || this.isEnded()) return null;
    const message: ChatMessage = { type: "chat", from: "gp", text: clean, at: new Date(this.deps.now()).toISOString() };
    ch.send(JSON.stringify(message));
    return message;
  }

  /** Send any data-channel message (stethoscope requests); false when the channel is not open. */
  sendData(message: { type: string }): boolean {
    const ch = this.channel;
    if (!ch || ch.readyState !== "open" || this.isEnded()) return false;
    ch.send(JSON.stringify(message));
    return true;
  }

  // ---- Media ---------------------------------------------------------------------------

  private async acquireMedia(): Promise<void> {
    let stream: MediaStream | null = null;
    let mode: MediaMode = "receiveOnly";
    try {
      stream = await this.deps.getUserMedia(MEDIA_CONSTRAINTS);
      mode = stream.getVideoTracks().length > 0 ? "full" : "audioOnly";
    } catch {
      try {
        stream = await this.deps.getUserMedia({ audio: MEDIA_CONSTRAINTS.audio, video: false });
        mode = "audioOnly";
      } catch {
        stream = null;
      }
    }
    if (this.isEnded()) {
      stream?.getTracks().forEach((tr) => tr.stop());
      return;
    }
    this.local = stream;
    this._media = mode;
    if (mode !== "full") this.send({ type: "incident", kind: "DEVICE_FAILED", detail: mode });
    this.events.media?.(mode, stream);
  }

  /**
   * Attaches every local track that no live transceiver sends yet. Runs at each offer: a
   * renegotiation may bring a new m-line for a kind (the station switching codec recycles
   * its video m-line), and `addTrack` then reuses the offered transceiver.
   */
  private attachLocalTracks(pc: PeerLike): void {
    if (!this.local) return;
    const sent = new Set(
      pc
        .getTransceivers()
        .filter((t) => t.currentDirection !== "stopped" && t.direction !== "stopped")
        .map((t) => t.sender.track)
        .filter((tr): tr is MediaStreamTrack => tr !== null),
    );
    for (const track of this.local.getTracks()) {
      if (sent.has(track)) continue;
      try {
        pc.addTrack(track, this.local);
      } catch {
        // Still attached to a transceiver being stopped: the next offer attaches it.
      }
    }
  }

  // ---- Signaling -----------------------------------------------------------------------

  private openSocket(): void {
    const ws = this.deps.createSocket(this.deps.signalUrl(this.nextToken));
    this.ws = ws;
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      const signal = parseSignal(ev.data);
      if (signal) this.onSignal(signal);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.onSocketLost();
    };
    ws.onerror = () => undefined; // a close follows
  }

  private send(signal: Signal): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return false;
    ws.send(encodeSignal(signal));
    return true;
  }

  private onSocketLost(): void {
    if (this.isEnded()) return;
    if (this.rejoinAttempts >= REJOIN_DELAYS_MS.length) {
      this.end("signalLost");
      return;
    }
    this.setState("reconnecting");
    this.setNotice("signalLost");
    const delay = REJOIN_DELAYS_MS[this.rejoinAttempts];
    this.rejoinAttempts += 1;
    this.rejoinTimer = setTimeout(() => {
      this.rejoinTimer = undefined;
      if (this._state !== "ended") this.openSocket();
    }, delay);
  }

  private onSignal(s: Signal): void {
    if (this.isEnded()) return;
    switch (s.type) {
      case "welcome": {
        this.nextToken = s.rejoinToken;
        this.rejoinAttempts = 0;
        this.iceServers = s.iceServers;
        this.relayOnly = s.relayOnly;
        this.peerPresent = s.peerPresent;
        if (this.pc) {
          try {
            this.pc.setConfiguration?.(this.rtcConfig());
          } catch {
            // Some browsers refuse a policy change: the old servers stay in use.
          }
        } else this.ensurePeer();
        this.setNotice(s.peerPresent || this.connectedAt === null ? null : "peerLeft");
        break;
      }
      case "peerJoined":
        this.peerPresent = true;
        this.setNotice(null);
        break;
      case "peerLeft":
        this.peerPresent = false;
        this.setNotice("peerLeft");
        if (this.connectedAt !== null) this.setState("reconnecting");
        break;
      case "offer":
        this.enqueue(() => this.answer(s.sdp));
        break;
      case "candidate": {
        const init: RTCIceCandidateInit = { candidate: s.candidate, sdpMid: s.sdpMid ?? null, sdpMLineIndex: s.sdpMLineIndex ?? null };
        this.enqueue(() => this.addRemoteCandidate(init));
        break;
      }
      case "hangup":
        this.end("remote");
        break;
      case "error":
        this.events.error?.({ code: s.code, message: s.message });
        break;
      default:
        break;
    }
  }

  private enqueue(op: () => Promise<void>): void {
    this.queue = this.queue.then(op).catch((e: unknown) => {
      const name = e instanceof Error ? e.name : "Error";
      this.send({ type: "incident", kind: "NEGOTIATION_FAILED", detail: name });
    });
  }

  private async answer(sdp: string): Promise<void> {
    await this.mediaReady;
    if (this.isEnded()) return;
    const pc = this.ensurePeer();
    await pc.setRemoteDescription({ type: "offer", sdp });
    this.attachLocalTracks(pc);
    const queued = this.pendingCandidates;
    this.pendingCandidates = [];
    for (const c of queued) await pc.addIceCandidate(c).catch(() => undefined);
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    if (this.isEnded()) return;
    this.send({ type: "answer", sdp: pc.localDescription?.sdp ?? answer.sdp ?? "" });
  }

  private async addRemoteCandidate(c: RTCIceCandidateInit): Promise<void> {
    const pc = this.pc;
    if (!pc || !pc.remoteDescription) {
      this.pendingCandidates.push(c);
      return;
    }
    await pc.addIceCandidate(c).catch(() => undefined);
  }

  // ---- Peer connection -----------------------------------------------------------------

  private rtcConfig(): RTCConfiguration {
    return {
      iceServers: this.iceServers.map((s) => ({ urls: s.urls, username: s.username, credential: s.credential })),
      iceTransportPolicy: this.relayOnly ? "relay" : "all",
    };
  }

  private ensurePeer(): PeerLike {
    if (this.pc) return this.pc;
    const pc = this.deps.createPeer(this.rtcConfig());
    this.pc = pc;
    pc.onicecandidate = (ev) => {
      const c = ev.candidate;
      if (!c || !c.candidate) return;
      this.send({ type: "candidate", candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null });
    };
    pc.ontrack = (ev) => {
      let stream = ev.streams[0];
      if (!stream) {
        if (typeof MediaStream === "undefined") return;
        this.remote ??= new MediaStream();
        this.remote.addTrack(ev.track);
        stream = this.remote;
      }
      this.events.remoteStream?.(stream);
    };
    pc.ondatachannel = (ev) => {
      const ch = ev.channel as unknown as ChannelLike;
      if (ch.label === DATA_CHANNEL_LABEL) this.wireChannel(ch);
    };
    pc.oniceconnectionstatechange = () => this.onIceState(pc.iceConnectionState);
    return pc;
  }

  private wireChannel(ch: ChannelLike): void {
    this.channel = ch;
    ch.onmessage = (ev) => {
      const msg = parseDataMessage(ev.data);
      if (msg && this._state !== "ended") this.events.data?.(msg);
    };
    ch.onopen = () => this.events.chatReady?.(true);
    ch.onclose = () => {
      if (this.channel === ch) this.events.chatReady?.(false);
    };
    if (ch.readyState === "open") this.events.chatReady?.(true);
  }

  private onIceState(s: RTCIceConnectionState): void {
    if (this.isEnded()) return;
    switch (s) {
      case "connected":
      case "completed":
        this.clearTimer("disconnect");
        this.clearTimer("restart");
        this.connectedAt ??= this.deps.now();
        if (this.troubleReported) this.send({ type: "incident", kind: "RECOVERED", detail: "ice" });
        this.troubleReported = false;
        this.setState("connected");
        break;
      case "disconnected":
        this.disconnectTimer ??= setTimeout(() => {
          this.disconnectTimer = undefined;
          this.beginRestart();
        }, DISCONNECT_GRACE_MS);
        break;
      case "failed":
        this.clearTimer("disconnect");
        this.beginRestart();
        break;
      default:
        break;
    }
  }

  private beginRestart(): void {
    if (this.isEnded() || this.restartTimer !== undefined) return;
    this.setState("reconnecting");
    if (!this.troubleReported) this.send({ type: "incident", kind: "MEDIA_DISCONNECTED", detail: "ice" });
    this.troubleReported = true;
    const ask = () => {
      if (this.peerPresent) this.send({ type: "restartRequest" });
      this.restartTimer = setTimeout(ask, RESTART_REPEAT_MS);
    };
    ask();
  }

  private async pollStats(): Promise<void> {
    const pc = this.pc;
    if (!pc || this.isEnded() || this._state === "connecting") return;
    try {
      const report = await pc.getStats();
      if (this.isEnded()) return;
      const sample = sampleStats(report as unknown as Parameters<typeof sampleStats>[0], this.lastSample);
      this.lastSample = sample;
      this.events.quality?.({ ...sample, level: classify(sample) });
    } catch {
      // Stats are best effort.
    }
  }

  // ---- State ---------------------------------------------------------------------------

  private setState(s: CallState): void {
    if (this._state === s || this.isEnded()) return;
    this._state = s;
    this.events.state?.(s);
  }

  private setNotice(n: Notice): void {
    if (this._notice === n) return;
    this._notice = n;
    this.events.notice?.(n);
  }

  private clearTimer(which: "disconnect" | "restart" | "rejoin" | "stats"): void {
    if (which === "disconnect" && this.disconnectTimer !== undefined) clearTimeout(this.disconnectTimer);
    if (which === "restart" && this.restartTimer !== undefined) clearTimeout(this.restartTimer);
    if (which === "rejoin" && this.rejoinTimer !== undefined) clearTimeout(this.rejoinTimer);
    if (which === "stats" && this.statsTimer !== undefined) clearInterval(this.statsTimer);
    if (which === "disconnect") this.disconnectTimer = undefined;
    if (which === "restart") this.restartTimer = undefined;
    if (which === "rejoin") this.rejoinTimer = undefined;
    if (which === "stats") this.statsTimer = undefined;
  }

  private end(reason: EndReason): void {
    if (this.isEnded()) return;
    (["disconnect", "restart", "rejoin", "stats"] as const).forEach((w) => this.clearTimer(w));
    const durationMs = this.connectedAt === null ? 0 : this.deps.now() - this.connectedAt;
    this._state = "ended";
    const ws = this.ws;
    this.ws = null;
    try {
      ws?.close(1000);
    } catch {
      // already closed
    }
    try {
      this.channel?.close();
    } catch {
      // already closed
    }
    this.channel = null;
    this.pc?.close();
    this.local?.getTracks().forEach((tr) => tr.stop());
    this.setNotice(null);
    this.events.state?.("ended");
    this.events.ended?.({ reason, durationMs });
  }

  /** Milliseconds since the call started (for tests and the view). */
  elapsedMs(): number {
    return this.deps.now() - this.startedAt;
  }
}
