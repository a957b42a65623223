// The GP's page: finds the stethoscope's stream (media stream id "stethoscope") among the
// remote tracks of the console's peer connection, and records it in a 48 kHz AudioContext
// through an AudioWorklet: window.__stethRec holds the samples (last 30 s) and the click
// onsets with their wall-clock time. window.__relaisRecord(stream) records any stream.
(function () {
  if (window.__relaisRecord) return;
  const RATE = 48000;
  const KEEP = RATE * 30;
  const WORKLET = `
    class RelaisRec extends AudioWorkletProcessor {
      constructor() { super(); this.buf = new Float32Array(1024); this.n = 0; this.t = 0; }
      process(inputs) {
        const ch = inputs[0] && inputs[0][0];
        if (!ch) return true;
        if (this.n === 0) this.t = currentTime;
        this.buf.set(ch, this.n); this.n += ch.length;
        if (this.n >= 1024) { this.port.postMessage({ t: this.t, d: this.buf.slice(0, this.n) }); this.n = 0; }
        return true;
      }
    }
    registerProcessor("relais-rec", RelaisRec);`;
  window.__relaisRecord = async function (stream, clickThreshold) {
    const ctx = new AudioContext({ sampleRate: RATE, latencyHint: "interactive" });
    await ctx.audioWorklet.addModule(URL.createObjectURL(new Blob([WORKLET], { type: "text/javascript" })));
    const keep = new Audio(); keep.muted = true; keep.srcObject = stream; keep.play().catch(() => {});
    const src = ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(ctx, "relais-rec", { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: "explicit" });
    const mute = ctx.createGain(); mute.gain.value = 0;
    src.connect(node); node.connect(mute); mute.connect(ctx.destination);
    const rec = { ctx, keep, node, chunks: [], first: 0, total: 0, onsets: [], lastOnset: -RATE, threshold: clickThreshold || 0.2 };
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
    node.port.onmessage = (ev) => {
      const { t, d } = ev.data;
      const wallNow = performance.timeOrigin + performance.now();
      const ctxNow = ctx.currentTime;
      for (let i = 0; i < d.length; i++) {
        const idx = rec.total + i;
        if (Math.abs(d[i]) >= rec.threshold && idx - rec.lastOnset > RATE * 0.15) {
          rec.lastOnset = idx;
          rec.onsets.push({ index: idx, wall: wallNow - (ctxNow - (t + i / RATE)) * 1000 });
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
        window.__relaisRecord(s).then((r) => (window.__stethRec = r));
      }
    });
    return pc;
  }
  Patched.prototype = Orig.prototype;
  Patched.__relaisSteth = true;
  Object.setPrototypeOf(Patched, Orig);
  window.RTCPeerConnection = Patched;
})();
