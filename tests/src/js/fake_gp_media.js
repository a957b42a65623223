// Installed in the GP's page before the call: getUserMedia answers with a canvas that paints
// the frame-counter pattern of relais_media::pattern (block b = width/16; row 0 = frame
// counter, row 1 = Date.now() mod 65536, MSB first, white = 1) and a 1000 Hz tone, so the
// station can read both back after H.264 and Opus.
(function () {
  const W = 640, H = 480, B = W / 16;
  const canvas = document.createElement("canvas");
  canvas.width = W; canvas.height = H;
  const g = canvas.getContext("2d");
  let counter = 0;
  function row(y, value) {
    for (let i = 0; i < 16; i++) {
      const bit = (value >> (15 - i)) & 1;
      g.fillStyle = bit ? "rgb(235,235,235)" : "rgb(16,16,16)";
      g.fillRect(i * B, y, B, B);
    }
  }
  function paint() {
    const t = counter;
    const grad = g.createLinearGradient((t * 7) % W, 0, W, H);
    grad.addColorStop(0, "#2a6f97"); grad.addColorStop(1, "#f4a261");
    g.fillStyle = grad; g.fillRect(0, 2 * B, W, H - 2 * B);
    g.fillStyle = "#ffffff"; g.fillRect((t * 5) % W, 3 * B, 60, 60);
    row(0, counter & 0xffff);
    row(B, Date.now() & 0xffff);
    counter++;
  }
  paint();
  setInterval(paint, 33);
  const video = canvas.captureStream(30).getVideoTracks()[0];
  let audio = null;
  function tone() {
    if (audio) return audio;
    const ctx = new AudioContext({ sampleRate: 48000 });
    // Firefox may create it suspended (no user gesture in a test).
    if (ctx.state === "suspended") ctx.resume();
    const osc = ctx.createOscillator();
    osc.frequency.value = 1000;
    const gain = ctx.createGain(); gain.gain.value = 0.3;
    const dest = ctx.createMediaStreamDestination();
    osc.connect(gain).connect(dest); osc.start();
    audio = dest.stream.getAudioTracks()[0];
    return audio;
  }
  window.__relaisFakeCounter = () => counter;
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const tracks = [];
    if (constraints && constraints.audio) tracks.push(tone());
    if (constraints && constraints.video) tracks.push(video);
    return new MediaStream(tracks);
  };
})();
