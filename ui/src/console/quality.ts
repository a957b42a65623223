/**
 * Call quality from `RTCPeerConnection.getStats()`: round-trip time of the selected
 * candidate pair, packet loss and jitter of what is received, classified as good, medium
 * or poor. Pure functions, fed with the stats reports; the caller keeps the previous sample
 * so that loss is measured over the last interval, not since the call started.
 *
 * Works on Chromium's and Firefox's reports alike. Firefox has no `transport` entry (its
 * selected pair carries `selected: true`), may leave the pair's `currentRoundTripTime`
 * unset (then `totalRoundTripTime / responsesReceived`, else the `remote-inbound-rtp`
 * round-trip time), and older versions listed remote statistics as `inbound-rtp` with
 * `isRemote: true` (skipped).
 */

export type QualityLevel = "good" | "medium" | "poor" | "unknown";

export interface QualitySample {
  /** Round-trip time, ms (null when not known yet). */
  rttMs: number | null;
  /** Lost packets over the interval, percent. */
  lossPercent: number | null;
  /** Receive jitter, ms (worst of the inbound streams). */
  jitterMs: number | null;
  /** Cumulative counters, to compute the next interval's loss. */
  received: number;
  lost: number;
}

export interface Quality extends QualitySample {
  level: QualityLevel;
}

type StatEntry = Record<string, unknown> & { type?: string; id?: string };

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** Read one getStats() report (a Map-like of entries). */
export function sampleStats(report: { forEach(cb: (value: StatEntry) => void): void }, previous: QualitySample | null): QualitySample {
  const entries: StatEntry[] = [];
  report.forEach((v) => entries.push(v));
  const byId = new Map(entries.filter((e) => typeof e.id === "string").map((e) => [e.id as string, e]));

  // The selected pair: the transport's (Chromium), else the one marked selected (Firefox),
  // else a nominated succeeded one.
  let pair: StatEntry | undefined;
  const transport = entries.find((e) => e.type === "transport" && typeof e.selectedCandidatePairId === "string");
  if (transport) pair = byId.get(transport.selectedCandidatePairId as string);
  const succeeded = entries.filter((e) => e.type === "candidate-pair" && e.state === "succeeded");
  pair ??= succeeded.find((e) => e.selected === true) ?? succeeded.find((e) => e.nominated === true);
  const rtt = (pair ? pairRtt(pair) : null) ?? remoteInboundRtt(entries);

  let received = 0;
  let lost = 0;
  let jitter: number | null = null;
  for (const e of entries) {
    if (e.type !== "inbound-rtp" || e.isRemote === true) continue;
    received += num(e.packetsReceived) ?? 0;
    lost += Math.max(0, num(e.packetsLost) ?? 0);
    const j = num(e.jitter);
    if (j !== null) jitter = Math.max(jitter ?? 0, j);
  }
  let lossPercent: number | null = null;
  const dReceived = received - (previous?.received ?? 0);
  const dLost = lost - (previous?.lost ?? 0);
  if (dReceived + dLost > 0 && dReceived >= 0 && dLost >= 0) lossPercent = (100 * dLost) / (dReceived + dLost);
  else if (previous) lossPercent = previous.lossPercent;

  return {
    rttMs: rtt === null ? null : Math.round(rtt * 1000),
    lossPercent,
    jitterMs: jitter === null ? null : Math.round(jitter * 1000),
    received,
    lost,
  };
}

/** Round-trip time of a candidate pair, s: the current one, else the mean of the checks. */
function pairRtt(pair: StatEntry): number | null {
  const current = num(pair.currentRoundTripTime);
  if (current !== null) return current;
  const total = num(pair.totalRoundTripTime);
  const responses = num(pair.responsesReceived);
  return total !== null && responses !== null && responses > 0 ? total / responses : null;
}

/** Worst round-trip time measured by RTCP on the streams we send (Firefox's usual source), s. */
function remoteInboundRtt(entries: StatEntry[]): number | null {
  let rtt: number | null = null;
  for (const e of entries) {
    if (e.type !== "remote-inbound-rtp") continue;
    const r = num(e.roundTripTime);
    if (r !== null) rtt = Math.max(rtt ?? 0, r);
  }
  return rtt;
}

/** Thresholds (ITU-T G.114 / usual WebRTC practice): good under 200 ms, 2 %, 30 ms. */
export function classify(s: Pick<QualitySample, "rttMs" | "lossPercent" | "jitterMs">): QualityLevel {
  const { rttMs, lossPercent, jitterMs } = s;
  if (rttMs === null && lossPercent === null && jitterMs === null) return "unknown";
  if ((rttMs ?? 0) > 400 || (lossPercent ?? 0) > 8 || (jitterMs ?? 0) > 80) return "poor";
  if ((rttMs ?? 0) > 200 || (lossPercent ?? 0) > 2 || (jitterMs ?? 0) > 30) return "medium";
  return "good";
}
