import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Call, MEDIA_CONSTRAINTS, type CallEvents } from "../../src/console/call";
import type { RoomTicket } from "../../src/console/protocol";
import { settle } from "./helpers";
import { FakeChannel, fakeDeps, fakeStream, welcome } from "./fakes";

const ticket: RoomTicket = { consultationId: "c1", roomId: "r1", joinToken: "join-1", iceServers: [], relayOnly: false };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setup(media?: (c: MediaStreamConstraints) => Promise<MediaStream>) {
  const f = fakeDeps(media);
  const events = {
    state: vi.fn(),
    notice: vi.fn(),
    media: vi.fn(),
    remoteStream: vi.fn(),
    data: vi.fn(),
    quality: vi.fn(),
    ended: vi.fn(),
    error: vi.fn(),
  } satisfies CallEvents;
  const call = new Call(ticket, events, f.deps);
  call.start();
  return { call, events, ...f };
}

async function connected() {
  const s = setup();
  await settle();
  s.sockets[0].receive(welcome());
  s.sockets[0].receive({ type: "offer", sdp: "offer-1" });
  await settle(20);
  s.peers[0].setIce("connected");
  return s;
}

describe("Call", () => {
  it("joins with the ticket's token and builds the peer from the welcome (relay only)", async () => {
    const { sockets, peers, call } = setup();
    expect(sockets[0].url).toBe("wss://hub.example/ws/signal?token=join-1");
    expect(call.state).toBe("connecting");
    sockets[0].receive(welcome());
    expect(peers).toHaveLength(1);
    expect(peers[0].config.iceTransportPolicy).toBe("relay");
    expect(peers[0].config.iceServers).toEqual([{ urls: ["turn:turn.example:3478"], username: "1:r1", credential: "x" }]);
  });

  it("asks for voice processing and 1280×720 video", async () => {
    const gum = vi.fn(async () => fakeStream());
    setup(gum);
    await settle();
    expect(gum).toHaveBeenCalledWith(MEDIA_CONSTRAINTS);
    expect(MEDIA_CONSTRAINTS.audio).toEqual({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    expect(MEDIA_CONSTRAINTS.video).toEqual({ width: { ideal: 1280 }, height: { ideal: 720 } });
  });

  it("answers an offer with v:1, local tracks added", async () => {
    const { sockets, peers } = setup();
    await settle();
    sockets[0].receive(welcome());
    sockets[0].receive({ type: "offer", sdp: "offer-1" });
    await settle(20);
    expect(peers[0].log).toEqual(["remote:offer", "createAnswer", "local"]);
    expect(peers[0].tracks.map((t) => t.kind)).toEqual(["audio", "video"]);
    expect(sockets[0].sent).toContainEqual({ v: 1, type: "answer", sdp: "answer-to-offer-1" });
  });

  it("queues candidates that arrive before the offer", async () => {
    const { sockets, peers } = setup();
    await settle();
    sockets[0].receive(welcome());
    sockets[0].receive({ type: "candidate", candidate: "candidate:early", sdpMid: "0", sdpMLineIndex: 0 });
    await settle(10);
    expect(peers[0].candidates).toHaveLength(0);
    sockets[0].receive({ type: "offer", sdp: "offer-1" });
    sockets[0].receive({ type: "candidate", candidate: "candidate:late", sdpMid: "0", sdpMLineIndex: 0 });
    await settle(20);
    expect(peers[0].log.indexOf("remote:offer")).toBeLessThan(peers[0].log.indexOf("candidate:candidate:early"));
    expect(peers[0].candidates.map((c) => c.candidate)).toEqual(["candidate:early", "candidate:late"]);
    expect(peers[0].candidates[0]).toEqual({ candidate: "candidate:early", sdpMid: "0", sdpMLineIndex: 0 });
  });

  it("trickles local candidates to the hub", async () => {
    const { sockets, peers } = await connected();
    peers[0].onicecandidate?.({ candidate: { candidate: "candidate:gp", sdpMid: "1", sdpMLineIndex: 1 } });
    peers[0].onicecandidate?.({ candidate: null });
    expect(sockets[0].sent.filter((m) => m.type === "candidate")).toEqual([
      { v: 1, type: "candidate", candidate: "candidate:gp", sdpMid: "1", sdpMLineIndex: 1 },
    ]);
  });

  it("is connected when ICE connects, answers a re-offer on the same peer", async () => {
    const { call, sockets, peers, events } = await connected();
    expect(call.state).toBe("connected");
    expect(events.state).toHaveBeenLastCalledWith("connected");
    sockets[0].receive({ type: "offer", sdp: "offer-2" });
    await settle(20);
    expect(peers).toHaveLength(1);
    expect(sockets[0].sent.filter((m) => m.type === "answer").map((m) => m.sdp)).toEqual(["answer-to-offer-1", "answer-to-offer-2"]);
    expect(peers[0].tracks).toHaveLength(2); // not added twice
  });

  it("attaches the camera again when a re-offer recycles the video m-line", async () => {
    const { sockets, peers } = await connected();
    peers[0].stopSending("video");
    sockets[0].receive({ type: "offer", sdp: "offer-2" });
    await settle(20);
    expect(peers[0].tracks.map((t) => t.kind)).toEqual(["audio", "video", "video"]);
  });

  it("sends restartRequest after ICE is disconnected for more than 3 s", async () => {
    const { call, sockets, peers } = await connected();
    peers[0].setIce("disconnected");
    await vi.advanceTimersByTimeAsync(2999);
    expect(sockets[0].types()).not.toContain("restartRequest");
    expect(call.state).toBe("connected");
    await vi.advanceTimersByTimeAsync(1);
    expect(call.state).toBe("reconnecting");
    expect(sockets[0].sent).toContainEqual({ v: 1, type: "restartRequest" });
    // Back: connected, and no more requests.
    peers[0].setIce("connected");
    expect(call.state).toBe("connected");
    const count = sockets[0].types().filter((t) => t === "restartRequest").length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(sockets[0].types().filter((t) => t === "restartRequest").length).toBe(count);
  });

  it("a short disconnection is not a reconnection", async () => {
    const { call, sockets, peers } = await connected();
    peers[0].setIce("disconnected");
    await vi.advanceTimersByTimeAsync(1500);
    peers[0].setIce("connected");
    await vi.advanceTimersByTimeAsync(5000);
    expect(call.state).toBe("connected");
    expect(sockets[0].types()).not.toContain("restartRequest");
  });

  it("ICE failed asks for a restart at once", async () => {
    const { call, sockets, peers } = await connected();
    peers[0].setIce("failed");
    expect(call.state).toBe("reconnecting");
    expect(sockets[0].types()).toContain("restartRequest");
  });

  it("rejoins with the rejoinToken after the socket drops, then answers the new offer", async () => {
    const { call, sockets, peers, events } = await connected();
    sockets[0].drop();
    expect(call.state).toBe("reconnecting");
    expect(events.notice).toHaveBeenLastCalledWith("signalLost");
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets).toHaveLength(2);
    expect(sockets[1].url).toBe("wss://hub.example/ws/signal?token=rejoin-1");
    sockets[1].receive(welcome({ rejoinToken: "rejoin-2" }));
    expect(events.notice).toHaveBeenLastCalledWith(null);
    sockets[1].receive({ type: "offer", sdp: "offer-3" });
    await settle(20);
    expect(peers).toHaveLength(1);
    expect(sockets[1].sent).toContainEqual({ v: 1, type: "answer", sdp: "answer-to-offer-3" });
    peers[0].setIce("connected");
    expect(call.state).toBe("connected");
    // The next drop uses the newest token.
    sockets[1].drop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets[2].url).toContain("token=rejoin-2");
  });

  it("backs off 1, 2, 4, 8, 16 s and gives up after five tries", async () => {
    const { call, sockets, events } = await connected();
    sockets[0].drop();
    const delays = [1000, 2000, 4000, 8000, 16_000];
    for (const [i, d] of delays.entries()) {
      await vi.advanceTimersByTimeAsync(d - 1);
      expect(sockets).toHaveLength(i + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(sockets).toHaveLength(i + 2);
      sockets[i + 1].drop();
    }
    expect(call.state).toBe("ended");
    expect(events.ended).toHaveBeenCalledWith(expect.objectContaining({ reason: "signalLost" }));
  });

  it("says when the station left", async () => {
    const { call, sockets, events } = await connected();
    sockets[0].receive({ type: "peerLeft" });
    expect(events.notice).toHaveBeenLastCalledWith("peerLeft");
    expect(call.state).toBe("reconnecting");
    sockets[0].receive({ type: "peerJoined" });
    expect(events.notice).toHaveBeenLastCalledWith(null);
  });

  it("hangup sends hangup, closes the peer and the socket, and ends with the duration", async () => {
    const s = await connected();
    s.advance(125_000);
    s.call.hangup();
    expect(s.sockets[0].sent.at(-1)).toEqual({ v: 1, type: "hangup" });
    expect(s.sockets[0].closed).toBe(true);
    expect(s.peers[0].closed).toBe(true);
    expect(s.call.state).toBe("ended");
    expect(s.events.ended).toHaveBeenCalledWith({ reason: "local", durationMs: 125_000 });
    expect((s.call.localStream as unknown as { tracks: { stopped: boolean }[] }).tracks.every((t) => t.stopped)).toBe(true);
  });

  it("the hub's hangup ends the call", async () => {
    const { call, sockets, events, peers } = await connected();
    sockets[0].receive({ type: "hangup" });
    expect(call.state).toBe("ended");
    expect(peers[0].closed).toBe(true);
    expect(events.ended).toHaveBeenCalledWith(expect.objectContaining({ reason: "remote" }));
    expect(sockets[0].types()).not.toContain("hangup");
  });

  it("goes on receive-only when there is no camera nor microphone", async () => {
    const { events, sockets, peers } = setup(async () => {
      throw new DOMException("denied", "NotAllowedError");
    });
    await settle(10);
    expect(events.media).toHaveBeenCalledWith("receiveOnly", null);
    sockets[0].receive(welcome());
    sockets[0].receive({ type: "offer", sdp: "o" });
    await settle(20);
    expect(peers[0].tracks).toHaveLength(0);
    expect(sockets[0].types()).toContain("answer");
  });

  it("falls back to audio only when the camera fails", async () => {
    const gum = vi.fn(async (c: MediaStreamConstraints) => {
      if (c.video) throw new DOMException("no camera", "NotFoundError");
      return fakeStream(["audio"]);
    });
    const { events } = setup(gum);
    await settle(10);
    expect(events.media).toHaveBeenCalledWith("audioOnly", expect.anything());
  });

  it("mic and camera toggles act on the tracks", async () => {
    const { call } = await connected();
    const tracks = (call.localStream as unknown as { tracks: { kind: string; enabled: boolean }[] }).tracks;
    expect(call.setMicEnabled(false)).toBe(true);
    expect(tracks.find((t) => t.kind === "audio")!.enabled).toBe(false);
    call.setCameraEnabled(false);
    expect(tracks.find((t) => t.kind === "video")!.enabled).toBe(false);
  });

  it("data channel: readings and chat in, chat out", async () => {
    const { call, peers, events } = await connected();
    const ch = new FakeChannel("relais");
    peers[0].ondatachannel?.({ channel: ch });
    ch.receive({ type: "reading", reading: { kind: "temperature", celsius: 37.8 }, takenAt: "2026-11-24T10:01:00Z", source: "manual" });
    ch.receive({ type: "shutdown" });
    expect(events.data).toHaveBeenCalledTimes(1);
    const sent = call.sendChat("  Bonjour  ");
    expect(sent).toMatchObject({ type: "chat", from: "gp", text: "Bonjour" });
    expect(JSON.parse(ch.sent[0])).toEqual({ type: "chat", from: "gp", text: "Bonjour", at: "2026-11-24T10:00:00.000Z" });
  });

  it("reports the quality every 2 s", async () => {
    const { peers, events } = await connected();
    peers[0].stats = new Map([
      ["t", { id: "t", type: "transport", selectedCandidatePairId: "p" }],
      ["p", { id: "p", type: "candidate-pair", state: "succeeded", currentRoundTripTime: 0.25 }],
      ["a", { id: "a", type: "inbound-rtp", packetsReceived: 1000, packetsLost: 0, jitter: 0.01 }],
    ]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(events.quality).toHaveBeenLastCalledWith(expect.objectContaining({ level: "medium", rttMs: 250, jitterMs: 10, lossPercent: 0 }));
  });
});
