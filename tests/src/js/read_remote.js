// Reads the station's frame-counter pattern and tone level from the console's remote video.
// Returns { width, height, counter, millis, latencyMs, toneDb, otherDb, audioState } or { error }.
const done = arguments[arguments.length - 1];
(async function () {
  const v = document.querySelector('[data-testid="remote-video"]');
  if (!v || !v.videoWidth) return done({ error: "no remote video yet" });
  const w = v.videoWidth, h = v.videoHeight, b = w / 16;
  const c = document.createElement("canvas"); c.width = w; c.height = h;
  const g = c.getContext("2d", { willReadFrequently: true });
  g.drawImage(v, 0, 0, w, h);
  const now = Date.now();
  function read(y) {
    let value = 0;
    for (let i = 0; i < 16; i++) {
      const p = g.getImageData(Math.floor(i * b + b / 2), Math.floor(y + b / 2), 1, 1).data;
      const lum = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
      if (lum > 50 && lum < 200) return null;
      value = (value << 1) | (lum >= 128 ? 1 : 0);
    }
    return value;
  }
  const counter = read(0), millis = read(b);
  let toneDb = null, otherDb = null;
  const stream = v.srcObject;
  if (stream && stream.getAudioTracks().length) {
    let ctx = window.__relaisProbeCtx || (window.__relaisProbeCtx = new AudioContext({ sampleRate: 48000 }));
    if (!window.__relaisProbeAnalyser) {
      let src;
      try {
        src = ctx.createMediaStreamSource(new MediaStream(stream.getAudioTracks()));
      } catch (e) {
        // Firefox cannot connect a stream to a context of another rate than its media graph
        // (44.1 kHz without a sound card): a context at the graph's own rate.
        ctx = window.__relaisProbeCtx = new AudioContext();
        src = ctx.createMediaStreamSource(new MediaStream(stream.getAudioTracks()));
      }
      const an = ctx.createAnalyser(); an.fftSize = 8192; an.smoothingTimeConstant = 0;
      src.connect(an);
      window.__relaisProbeAnalyser = an;
      await new Promise((r) => setTimeout(r, 400));
    }
    // Firefox may create the context suspended (no user gesture in a test).
    if (ctx.state === "suspended") await Promise.race([ctx.resume(), new Promise((r) => setTimeout(r, 300))]);
    const an = window.__relaisProbeAnalyser;
    const data = new Float32Array(an.frequencyBinCount);
    an.getFloatFrequencyData(data);
    const bin = (f) => Math.round(f / (ctx.sampleRate / an.fftSize));
    toneDb = Math.max(data[bin(440) - 1], data[bin(440)], data[bin(440) + 1]);
    otherDb = Math.max(data[bin(2500) - 1], data[bin(2500)], data[bin(2500) + 1]);
  }
  const latencyMs = millis === null ? null : ((now & 0xffff) - millis + 65536) % 65536;
  const audioState = window.__relaisProbeCtx ? window.__relaisProbeCtx.state : null;
  done({ width: w, height: h, counter, millis, latencyMs, toneDb, otherDb, audioState });
})().catch((e) => done({ error: String(e) }));
