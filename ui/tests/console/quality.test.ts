import { describe, expect, it } from "vitest";
import { classify, sampleStats } from "../../src/console/quality";

type Entry = Record<string, unknown>;
const report = (entries: Entry[]) => new Map(entries.map((e, i) => [String(e.id ?? i), e]));

/** Shaped as Chromium 156 reports them: a transport entry points at the selected pair. */
const chromium = (received: number, lost: number) =>
  report([
    { id: "T01", type: "transport", selectedCandidatePairId: "CP1" },
    { id: "CP1", type: "candidate-pair", state: "succeeded", nominated: true, currentRoundTripTime: 0.25 },
    { id: "CP2", type: "candidate-pair", state: "succeeded", nominated: false, currentRoundTripTime: 0.9 },
    { id: "IV", type: "inbound-rtp", kind: "video", packetsReceived: received, packetsLost: lost, jitter: 0.01 },
    { id: "IA", type: "inbound-rtp", kind: "audio", packetsReceived: 400, packetsLost: 0, jitter: 0.004 },
  ]);

/** Shaped as Firefox ESR reports them: no transport, `selected` on the pair, RTT elsewhere. */
const firefox = (pair: Entry, extra: Entry[] = []) =>
  report([
    { id: "a1", type: "candidate-pair", state: "succeeded", nominated: true, selected: false, currentRoundTripTime: 0.9 },
    { id: "a2", type: "candidate-pair", state: "succeeded", nominated: true, selected: true, ...pair },
    { id: "i1", type: "inbound-rtp", kind: "video", packetsReceived: 950, packetsLost: 50, jitter: 0.02 },
    { id: "r1", type: "inbound-rtp", kind: "video", isRemote: true, packetsReceived: 10, packetsLost: 9000, jitter: 5 },
    ...extra,
  ]);

describe("quality from getStats()", () => {
  it("reads Chromium's report through its transport", () => {
    const first = sampleStats(chromium(1000, 0), null);
    expect(first).toMatchObject({ rttMs: 250, lossPercent: 0, jitterMs: 10 });
    const next = sampleStats(chromium(1950, 50), first);
    expect(next.lossPercent).toBeCloseTo(5);
    expect(classify(next)).toBe("medium");
  });

  it("reads Firefox's selected pair and skips its remote entries", () => {
    const s = sampleStats(firefox({ currentRoundTripTime: 0.03 }), null);
    expect(s).toMatchObject({ rttMs: 30, jitterMs: 20, received: 950, lost: 50 });
    expect(s.lossPercent).toBeCloseTo(5);
  });

  it("falls back on the pair's mean check time, then on RTCP's round trip", () => {
    expect(sampleStats(firefox({ totalRoundTripTime: 0.5, responsesReceived: 10 }), null).rttMs).toBe(50);
    const rtcp = [
      { id: "ri1", type: "remote-inbound-rtp", kind: "video", roundTripTime: 0.12 },
      { id: "ri2", type: "remote-inbound-rtp", kind: "audio", roundTripTime: 0.08 },
    ];
    expect(sampleStats(firefox({}, rtcp), null).rttMs).toBe(120);
    expect(sampleStats(firefox({ responsesReceived: 0, totalRoundTripTime: 0 }), null).rttMs).toBeNull();
  });

  it("classifies a quiet Firefox call as good", () => {
    const quiet = report([
      { id: "a2", type: "candidate-pair", state: "succeeded", nominated: true, selected: true, currentRoundTripTime: 0.002 },
      { id: "i1", type: "inbound-rtp", kind: "video", packetsReceived: 300, packetsLost: 0, jitter: 0.003 },
    ]);
    expect(classify(sampleStats(quiet, null))).toBe("good");
  });
});
