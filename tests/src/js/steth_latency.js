// Latency recorder, drop-free: P.mode "steth" records the console's stethoscope stream
// (window.__stethStream, see steth_probe.js); "default" records Chromium's default path of
// steth_default_path.js, its local getUserMedia track and the track received through the
// loopback peer connections, as two channels of one recorder.
// Each stream feeds an AnalyserNode (the audio thread keeps its last 32768 samples whatever
// the main thread does); every 100 ms the page reads them with the context's frame count
// (the index just past the newest sample, read before and after: a read across a render
// quantum is dropped) and the wall clock (performance.timeOrigin + now), and appends the new
// samples. The overlap with what was kept checks the place (shifted by whole render
// quanta when the frame count and the analyser disagree).
// The context's own output time stamps (getOutputTimestamp: when a frame is due at the
// speaker) are kept beside, as a cross-check: they should come later than the graph's stamps
// by about the output latency.
// P.take: returns { channels: [[int16…]…], stamps: [[indexEnd, wallMs]…], outStamps, gaps,
// races, shifts, jitterBufferMs, ... } of everything recorded, and stops.
const done = arguments[arguments.length - 1];
(async function () {
  const RATE = 48000, N = 32768, CAP = RATE * 40, Q = 128;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  if (P.take) {
    const rec = window.__latRec;
    if (!rec) return done({ error: "latency recorder not started" });
    clearInterval(rec.timer);
    // The receiver's jitter buffer over the recording (stethoscope: its peer connection).
    let jitterBufferMs = null, jitterBufferTargetMs = null;
    const pc = rec.statsPc;
    if (pc) {
      try {
        const id = rec.receivedTrack;
        (await pc.getStats()).forEach((r) => {
          if (r.type !== "inbound-rtp" || r.kind !== "audio" || (id && r.trackIdentifier && r.trackIdentifier !== id)) return;
          const b = rec.jitterStart[r.id] || { d: 0, t: 0, n: 0 };
          const n = (r.jitterBufferEmittedCount || 0) - b.n;
          if (n > 0) {
            jitterBufferMs = (1000 * ((r.jitterBufferDelay || 0) - b.d)) / n;
            jitterBufferTargetMs = (1000 * ((r.jitterBufferTargetDelay || 0) - b.t)) / n;
          }
        });
      } catch (e) { jitterBufferMs = null; }
    }
    const len = rec.end === null ? 0 : rec.end - rec.base;
    const channels = rec.store.map((s) => Array.from(s.subarray(0, len), (v) => Math.round(Math.max(-1, Math.min(1, v)) * 32767)));
    const out = {
      channels, stamps: rec.stamps, outStamps: rec.outStamps, jitterBufferMs, jitterBufferTargetMs, gaps: rec.gaps, gapSamples: rec.gapSamples, races: rec.races,
      shifts: rec.shifts, mismatches: rec.mismatches, reads: rec.reads, full: rec.full,
      baseLatency: rec.ctx.baseLatency, outputLatency: rec.ctx.outputLatency || 0,
    };
    rec.ctx.close().catch(() => {});
    window.__latRec = null;
    return done(out);
  }
  let streams;
  if (P.mode === "default") {
    const d = window.__defaultPath;
    if (!d) return done({ error: "no default path in the page" });
    const rx = d.pc2.getReceivers().map((r) => r.track).filter((t) => t && t.kind === "audio");
    if (!rx.length) return done({ error: "no received track on the default path" });
    streams = [d.local, new MediaStream(rx)];
  } else {
    const deadline = Date.now() + 15000;
    while (!window.__stethStream) {
      if (Date.now() > deadline) return done({ error: "no stethoscope stream in the page" });
      await sleep(50);
    }
    streams = [window.__stethStream];
  }
  const ctx = new AudioContext({ sampleRate: RATE, latencyHint: "interactive" });
  const mute = ctx.createGain();
  mute.gain.value = 0;
  mute.connect(ctx.destination);
  const keep = streams.map((s) => { const a = new Audio(); a.muted = true; a.srcObject = s; a.play().catch(() => {}); return a; });
  const analysers = streams.map((s) => {
    const an = ctx.createAnalyser();
    an.fftSize = N;
    an.smoothingTimeConstant = 0;
    ctx.createMediaStreamSource(s).connect(an);
    an.connect(mute);
    return an;
  });
  const received = streams[streams.length - 1].getAudioTracks()[0];
  const statsPc = P.mode === "default" ? window.__defaultPath.pc2 : window.__stethPc;
  const jitterStart = {};
  if (statsPc) {
    try {
      (await statsPc.getStats()).forEach((r) => {
        if (r.type === "inbound-rtp" && r.kind === "audio") jitterStart[r.id] = { d: r.jitterBufferDelay || 0, t: r.jitterBufferTargetDelay || 0, n: r.jitterBufferEmittedCount || 0 };
      });
    } catch (e) { /* no stats: no jitter buffer figure */ }
  }
  const rec = {
    receivedTrack: received && received.id, jitterStart, statsPc, outStamps: [],
    ctx, keep, analysers, store: streams.map(() => new Float32Array(CAP)), tmp: streams.map(() => new Float32Array(N)),
    base: null, end: null, stamps: [], gaps: 0, gapSamples: 0, races: 0, shifts: 0, mismatches: 0, reads: 0, full: false,
  };
  // Does the read (ending at frame e) agree with what is kept on their overlap?
  const agrees = (e) => {
    const a = rec.store[0], t = rec.tmp[0];
    const from = Math.max(e - N, rec.end - 1024, rec.base);
    if (rec.end - from < 256) return false;
    let diff = 0, energy = 0;
    for (let f = from; f < rec.end; f++) {
      const x = a[f - rec.base], y = t[f - (e - N)];
      diff += Math.abs(x - y); energy += Math.abs(x);
    }
    return diff <= 1e-6 * Math.max(energy, 1e-9) || (energy === 0 && diff === 0);
  };
  const poll = () => {
    const before = ctx.currentTime;
    analysers.forEach((an, i) => an.getFloatTimeDomainData(rec.tmp[i]));
    const after = ctx.currentTime;
    const wall = performance.timeOrigin + performance.now();
    if (before !== after) { rec.races++; return; }
    rec.reads++;
    let e = Math.round(after * RATE);
    if (e < N) return;
    if (rec.base === null) { rec.base = e - N; rec.end = e - N; }
    if (rec.end > e - N && rec.end < e) {
      // The overlap must match; else try whole render quanta around the frame count.
      if (!agrees(e)) {
        const found = [Q, -Q, 2 * Q, -2 * Q, 3 * Q, -3 * Q].find((s) => e + s > rec.end && agrees(e + s));
        if (found === undefined) rec.mismatches++;
        else { e += found; rec.shifts++; }
      }
    } else if (rec.end < e - N) {
      rec.gaps++; rec.gapSamples += e - N - rec.end;
    }
    if (e <= rec.end) return;
    if (e - rec.base > CAP) { rec.full = true; return; }
    const start = Math.max(rec.end, e - N);
    for (let i = 0; i < rec.store.length; i++) {
      rec.store[i].set(rec.tmp[i].subarray(start - (e - N)), start - rec.base);
    }
    rec.end = e;
    rec.stamps.push([e - rec.base, wall]);
    const ts = ctx.getOutputTimestamp();
    if (ts && ts.performanceTime > 0) rec.outStamps.push([ts.contextTime * RATE - rec.base, performance.timeOrigin + ts.performanceTime]);
  };
  await ctx.resume();
  rec.timer = setInterval(poll, 100);
  window.__latRec = rec;
  done({ ok: true, state: ctx.state });
})().catch((e) => done({ error: String(e) }));
