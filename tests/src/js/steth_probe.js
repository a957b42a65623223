// The GP's page: finds the stethoscope's stream (media stream id "stethoscope") among the
// remote tracks of the console's peer connection, and records it in a 48 kHz AudioContext
// through a ScriptProcessor: window.__stethRec holds the samples (last 30 s) and the click
// onsets with their wall-clock time (its peer connection in window.__stethPc).
// window.__relaisRecord(stream) records any stream.
(function () {
  if (window.__relaisRecord) return;
  const RATE = 48000;
  const KEEP = RATE * 30;
  window.__relaisRecord = async function (stream, clickThreshold) {
    // A ScriptProcessor, not an AudioWorklet: the console's CSP (script-src 'self') refuses
    // a worklet module from a blob: URL.
    const ctx = new AudioContext({ sampleRate: RATE, latencyHint: "interactive" });
    const keep = new Audio(); keep.muted = true; keep.srcObject = stream; keep.play().catch(() => {});
    const src = ctx.createMediaStreamSource(stream);
    const BUF = 512;
    const node = ctx.createScriptProcessor(BUF, 1, 1);
    const mute = ctx.createGain(); mute.gain.value = 0;
    src.connect(node); node.connect(mute); mute.connect(ctx.destination);
    // Drop-free spectrum (the audio thread fills it, whatever the main thread does).
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 32768;
    analyser.smoothingTimeConstant = 0;
    src.connect(analyser);
    const rec = { ctx, keep, node, src, analyser, chunks: [], first: 0, total: 0, onsets: [], threshold: clickThreshold || 0.2 };
    rec.slice = function (from, to) {
      const out = new Float32Array(Math.max(0, to - from));
      let at = rec.first;
      for (const c of rec.chunks) {
        const a = Math.max(from, at), b = Math.min(to, at + c.length);
        if (b > a) out.set(c.subarray(a - at, b - at), a - from);
        at += c.length;
      }
      return out;
    };
    node.onaudioprocess = (ev) => {
      const d = new Float32Array(ev.inputBuffer.getChannelData(0));
      rec.chunks.push(d);
      rec.total += d.length;
      let kept = rec.total - rec.first;
      while (kept - rec.chunks[0].length > KEEP) { kept -= rec.chunks[0].length; rec.first += rec.chunks.shift().length; }
    };
    // Click onsets from the analyser's last 0.68 s (drop-free): its newest sample is the
    // audio graph's "now"; an onset is a crossing of the threshold after 150 ms below it.
    const td = new Float32Array(analyser.fftSize);
    rec.poll = setInterval(() => {
      analyser.getFloatTimeDomainData(td);
      const wallNow = performance.timeOrigin + performance.now();
      let lastAbove = -RATE;
      for (let i = 0; i < td.length; i++) {
        if (Math.abs(td[i]) < rec.threshold) continue;
        if (i - lastAbove > RATE * 0.15 && i > RATE * 0.15) {
          const wall = wallNow - ((td.length - i) / RATE) * 1000;
          if (!rec.onsets.some((o) => Math.abs(o.wall - wall) < 60)) rec.onsets.push({ wall });
        }
        lastAbove = i;
      }
    }, 100);
    await ctx.resume();
    return rec;
  };
  const Orig = window.RTCPeerConnection;
  if (!Orig || Orig.__relaisSteth) return;
  function Patched(...args) {
    const pc = new Orig(...args);
    pc.addEventListener("track", (ev) => {
      const s = ev.streams && ev.streams[0];
      if (s && s.id === "stethoscope" && !window.__stethStream) {
        window.__stethStream = s;
        window.__stethPc = pc;
        window.__relaisRecord(s).then((r) => (window.__stethRec = r), (e) => (window.__stethErr = String(e)));
      }
    });
    return pc;
  }
  Patched.prototype = Orig.prototype;
  Patched.__relaisSteth = true;
  Object.setPrototypeOf(Patched, Orig);
  window.RTCPeerConnection = Patched;
})();
