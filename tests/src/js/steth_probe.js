// The GP's page: finds the stethoscope's stream (media stream id "stethoscope") among the
// remote tracks of the console's peer connection, and records it in a 48 kHz AudioContext
// through a ScriptProcessor: window.__stethRec holds the samples (last 30 s) and the click
// onsets with their wall-clock time. window.__relaisRecord(stream) records any stream.
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
    const rec = { ctx, keep, node, src, analyser, chunks: [], first: 0, total: 0, onsets: [], lastOnset: -RATE, threshold: clickThreshold || 0.2 };
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
      // The block has just been captured: its last sample is "now".
      const wallNow = performance.timeOrigin + performance.now();
      for (let i = 0; i < d.length; i++) {
        const idx = rec.total + i;
        if (Math.abs(d[i]) >= rec.threshold && idx - rec.lastOnset > RATE * 0.15) {
          rec.lastOnset = idx;
          rec.onsets.push({ index: idx, wall: wallNow - ((d.length - i) / RATE) * 1000 });
        }
      }
      rec.chunks.push(d);
      rec.total += d.length;
      let kept = rec.total - rec.first;
      while (kept - rec.chunks[0].length > KEEP) { kept -= rec.chunks[0].length; rec.first += rec.chunks.shift().length; }
    };
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
