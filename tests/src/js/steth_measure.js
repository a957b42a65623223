// Measures P.seconds of the recorded stethoscope (window.__stethRec) from now: the level of
// each of P.freqs (Hann-windowed DFT bin, dBFS of a sine's amplitude), RMS and peak (dBFS),
// and the click onsets seen since P.sinceWall (Unix ms). Returns { levels, rmsDb, peakDb, onsets }.
const done = arguments[arguments.length - 1];
(async function () {
  const deadline = Date.now() + 15000;
  while (!window.__stethRec) {
    if (Date.now() > deadline) return done({ error: window.__stethErr || (window.__stethStream ? "stethoscope not recorded" : "no stethoscope stream in the page") });
    await new Promise((r) => setTimeout(r, 50));
  }
  const rec = window.__stethRec;
  const RATE = 48000;
  const need = Math.round((P.seconds || 1) * RATE);
  const from = rec.total;
  const startedAt = Date.now();
  // Spectrum from the analyser, power-averaged over reads every 250 ms (Blackman window:
  // +13.6 dB turns a bin's level into the dBFS of a sine's amplitude).
  const an = rec.analyser;
  const power = new Float64Array(an.frequencyBinCount);
  const frame = new Float32Array(an.frequencyBinCount);
  let reads = 0;
  const readSpectrum = () => {
    an.getFloatFrequencyData(frame);
    for (let k = 0; k < frame.length; k++) power[k] += Math.pow(10, frame[k] / 10);
    reads++;
  };
  const timer = setInterval(readSpectrum, 250);
  const until = Date.now() + (P.seconds || 1) * 1000 + 8000;
  while (rec.total - from < need) {
    if (Date.now() > until) return done({ error: "stethoscope samples stopped", got: rec.total - from });
    await new Promise((r) => setTimeout(r, 50));
  }
  clearInterval(timer);
  if (!reads) readSpectrum();
  const elapsedMs = Date.now() - startedAt;
  const binHz = RATE / an.fftSize;
  const spectrum = {};
  for (const f of P.freqs || []) {
    const k = Math.round(f / binHz);
    let best = 0;
    for (let j = Math.max(0, k - 2); j <= Math.min(power.length - 1, k + 2); j++) best = Math.max(best, power[j] / reads);
    spectrum[String(f)] = 10 * Math.log10(Math.max(best, 1e-20)) + 13.6;
  }
  const x = rec.slice(from, from + need);
  const n = x.length;
  const levels = {};
  for (const f of P.freqs || []) {
    let re = 0, im = 0;
    for (let i = 0; i < n; i++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
      const a = (2 * Math.PI * f * i) / RATE;
      re += x[i] * w * Math.cos(a);
      im += x[i] * w * Math.sin(a);
    }
    const amp = (2 * Math.sqrt(re * re + im * im)) / (n * 0.5);
    levels[String(f)] = 20 * Math.log10(Math.max(amp, 1e-10));
  }
  let peak = 0, sum = 0;
  for (const v of x) { peak = Math.max(peak, Math.abs(v)); sum += v * v; }
  const db = (v) => (v > 0 ? 20 * Math.log10(v) : -200);
  const onsets = rec.onsets.filter((o) => o.wall >= (P.sinceWall || 0)).map((o) => o.wall);
  done({ levels: P.recorded ? levels : spectrum, recordedLevels: levels, spectrum, rmsDb: db(Math.sqrt(sum / n)), peakDb: db(peak), onsets, samples: n, elapsedMs });
})().catch((e) => done({ error: String(e) }));
