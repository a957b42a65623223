// Chromium's default path for comparison: getUserMedia with speech processing on (echo
// cancellation, noise suppression, gain control), fed by Chromium's fake capture from a file,
// sent through a loopback pair of peer connections (default Opus), then recorded like the
// stethoscope (window.__stethRec). Needs steth_probe.js first.
const done = arguments[arguments.length - 1];
(async function () {
  const local = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    video: false,
  });
  const pc1 = new RTCPeerConnection();
  const pc2 = new RTCPeerConnection();
  pc1.onicecandidate = (e) => e.candidate && pc2.addIceCandidate(e.candidate);
  pc2.onicecandidate = (e) => e.candidate && pc1.addIceCandidate(e.candidate);
  const got = new Promise((r) => (pc2.ontrack = (e) => r(e.streams[0] || new MediaStream([e.track]))));
  pc1.addTrack(local.getAudioTracks()[0], local);
  await pc1.setLocalDescription(await pc1.createOffer());
  await pc2.setRemoteDescription(pc1.localDescription);
  await pc2.setLocalDescription(await pc2.createAnswer());
  await pc1.setRemoteDescription(pc2.localDescription);
  const stream = await got;
  window.__defaultPath = { pc1, pc2, local };
  window.__stethRec = await window.__relaisRecord(stream);
  done({ ok: true, settings: local.getAudioTracks()[0].getSettings() });
})().catch((e) => done({ error: String(e) }));
