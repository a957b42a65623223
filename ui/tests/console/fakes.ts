import type { CallDeps, ChannelLike, PeerLike, SocketLike } from "../../src/console/call";

export class FakeSocket implements SocketLike {
  readyState = 1;
  sent: Record<string, unknown>[] = [];
  closed = false;
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
    this.readyState = 3;
  }
  /** The hub sends a message. */
  receive(m: Record<string, unknown>) {
    this.onmessage?.({ data: JSON.stringify({ v: 1, ...m }) });
  }
  /** The connection drops. */
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
  types() {
    return this.sent.map((m) => m.type);
  }
}

export class FakeChannel implements ChannelLike {
  readyState = "open";
  sent: string[] = [];
  onmessage: ChannelLike["onmessage"] = null;
  onopen: ChannelLike["onopen"] = null;
  onclose: ChannelLike["onclose"] = null;
  constructor(readonly label = "relais") {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = "closed";
  }
  receive(m: unknown) {
    this.onmessage?.({ data: JSON.stringify(m) });
  }
}

export class FakePeer {
  remoteDescription: RTCSessionDescriptionInit | null = null;
  localDescription: RTCSessionDescriptionInit | null = null;
  iceConnectionState: RTCIceConnectionState = "new";
  closed = false;
  log: string[] = [];
  candidates: RTCIceCandidateInit[] = [];
  tracks: MediaStreamTrack[] = [];
  onicecandidate: ((ev: { candidate: RTCIceCandidateInit | null }) => void) | null = null;
  ontrack: ((ev: { streams: MediaStream[]; track: MediaStreamTrack }) => void) | null = null;
  ondatachannel: ((ev: { channel: FakeChannel }) => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  stats = new Map<string, Record<string, unknown>>();
  constructor(readonly config: RTCConfiguration) {}
  async setRemoteDescription(d: RTCSessionDescriptionInit) {
    this.log.push(`remote:${d.type}`);
    this.remoteDescription = d;
  }
  async createAnswer() {
    this.log.push("createAnswer");
    return { type: "answer" as const, sdp: `answer-to-${this.remoteDescription?.sdp}` };
  }
  async setLocalDescription(d: RTCSessionDescriptionInit) {
    this.log.push("local");
    this.localDescription = d;
  }
  async addIceCandidate(c: RTCIceCandidateInit) {
    this.log.push(`candidate:${c.candidate}`);
    this.candidates.push(c);
  }
  transceivers: { direction: string; currentDirection: string | null; sender: { track: MediaStreamTrack } }[] = [];
  addTrack(track: MediaStreamTrack) {
    this.tracks.push(track);
    this.transceivers.push({ direction: "sendrecv", currentDirection: "sendrecv", sender: { track } });
    return {} as RTCRtpSender;
  }
  getTransceivers() {
    return this.transceivers as unknown as RTCRtpTransceiver[];
  }
  /** The far side stopped the transceivers sending this kind (an m-line recycled). */
  stopSending(kind: string) {
    for (const t of this.transceivers) if (t.sender.track.kind === kind) t.currentDirection = "stopped";
  }
  async getStats() {
    return this.stats;
  }
  close() {
    this.closed = true;
  }
  setIce(state: RTCIceConnectionState) {
    this.iceConnectionState = state;
    this.oniceconnectionstatechange?.();
  }
}

export function fakeTrack(kind: "audio" | "video") {
  return { kind, enabled: true, stopped: false, stop() { this.stopped = true; } };
}

export function fakeStream(kinds: ("audio" | "video")[] = ["audio", "video"]) {
  const tracks = kinds.map(fakeTrack);
  return {
    tracks,
    getTracks: () => tracks,
    getAudioTracks: () => tracks.filter((t) => t.kind === "audio"),
    getVideoTracks: () => tracks.filter((t) => t.kind === "video"),
  } as unknown as MediaStream & { tracks: ReturnType<typeof fakeTrack>[] };
}

/** Deps recording every socket and peer created. */
export function fakeDeps(media: (c: MediaStreamConstraints) => Promise<MediaStream> = async () => fakeStream()) {
  const sockets: FakeSocket[] = [];
  const peers: FakePeer[] = [];
  let now = Date.parse("2026-11-24T10:00:00Z");
  const deps: Partial<CallDeps> = {
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    createPeer: (config) => {
      const p = new FakePeer(config);
      peers.push(p);
      return p as unknown as PeerLike;
    },
    getUserMedia: media,
    signalUrl: (token) => `wss://hub.example/ws/signal?token=${token}`,
    now: () => now,
  };
  return { deps, sockets, peers, advance: (ms: number) => (now += ms) };
}

export const welcome = (over: Record<string, unknown> = {}) => ({
  type: "welcome",
  side: "gp",
  roomId: "r1",
  peerPresent: true,
  rejoinToken: "rejoin-1",
  iceServers: [{ urls: ["turn:turn.example:3478"], username: "1:r1", credential: "x" }],
  relayOnly: true,
  ...over,
});
