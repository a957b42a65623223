// The reference "station" for the call benchmark: a second Chromium plays the station's part
// of docs/HUB_PROTOCOL.md (fake camera 640x480 and microphone, data channel "relais", the
// offer on welcome{peerPresent:true} or peerJoined, trickled candidates), so the station's
// set-up times can be compared with a Chromium↔Chromium call on the same hub.
// arguments[0] = { signalUrl, iceServers, relayOnly, timeoutMs }.
// Returns { connectedMs, firstFrameMs, codec } measured with performance.now() from the moment
// the offer was sent (as the station's own timings), or { error }.
// The connection stays open in window.__relaisRef; window.__relaisRefHangUp() ends it.
const args = arguments[0];
const done = arguments[arguments.length - 1];
(async function () {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: 640, height: 480 },
  });
  const pc = new RTCPeerConnection({
    iceServers: args.iceServers,
    iceTransportPolicy: args.relayOnly ? "relay" : "all",
  });
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  // H.264 first, as the station offers it, when this Chromium has it.
  const caps = RTCRtpSender.getCapabilities && RTCRtpSender.getCapabilities("video");
  if (caps) {
    const h264 = caps.codecs.filter((c) => /h264/i.test(c.mimeType));
    const rest = caps.codecs.filter((c) => !/h264/i.test(c.mimeType));
    for (const t of pc.getTransceivers()) {
      if (t.sender.track && t.sender.track.kind === "video" && h264.length && t.setCodecPreferences) {
        t.setCodecPreferences(h264.concat(rest));
      }
    }
  }
  pc.createDataChannel("relais", { ordered: true });
  const ws = new WebSocket(args.signalUrl);
  const send = (m) => ws.send(JSON.stringify(Object.assign({ v: 1 }, m)));
  window.__relaisRef = { pc, ws, stream };
  window.__relaisRefHangUp = () => {
    try { send({ type: "hangup" }); } catch (e) { /* socket already closed */ }
    setTimeout(() => { try { ws.close(); } catch (e) { /* closed */ } pc.close(); }, 300);
    stream.getTracks().forEach((t) => t.stop());
  };
  let offeredAt = null;
  let connectedMs = null;
  let firstFrameMs = null;
  let finished = false;
  function finish(value) {
    if (finished) return;
    finished = true;
    done(value);
  }
  function maybeDone() {
    if (connectedMs === null || firstFrameMs === null) return;
    let codec = null;
    pc.getStats().then((stats) => {
      stats.forEach((s) => {
        if (s.type === "codec" && /video/.test(s.mimeType || "")) codec = codec || s.mimeType;
      });
    }).catch(() => {}).finally(() => finish({ connectedMs, firstFrameMs, codec }));
  }
  pc.onicecandidate = (ev) => {
    if (ev.candidate && ev.candidate.candidate) {
      send({
        type: "candidate",
        candidate: ev.candidate.candidate,
        sdpMid: ev.candidate.sdpMid,
        sdpMLineIndex: ev.candidate.sdpMLineIndex,
      });
    }
  };
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === "connected" && connectedMs === null && offeredAt !== null) {
      connectedMs = performance.now() - offeredAt;
      maybeDone();
    }
    if (pc.connectionState === "failed") finish({ error: "peer connection failed" });
  };
  pc.ontrack = (ev) => {
    if (ev.track.kind !== "video") return;
    const v = document.createElement("video");
    v.muted = true; v.autoplay = true; v.playsInline = true;
    v.style.width = "160px";
    document.body.appendChild(v);
    v.srcObject = new MediaStream([ev.track]);
    const onFrame = () => {
      if (firstFrameMs === null && offeredAt !== null) {
        firstFrameMs = performance.now() - offeredAt;
        maybeDone();
      }
    };
    if (v.requestVideoFrameCallback) v.requestVideoFrameCallback(onFrame);
    else v.addEventListener("loadeddata", onFrame, { once: true });
    v.play().catch(() => {});
  };
  async function offer() {
    if (offeredAt !== null) return;
    const o = await pc.createOffer();
    await pc.setLocalDescription(o);
    offeredAt = performance.now();
    send({ type: "offer", sdp: pc.localDescription.sdp });
  }
  let chain = Promise.resolve();
  ws.onmessage = (ev) => {
    chain = chain.then(async () => {
      const m = JSON.parse(ev.data);
      if (m.type === "welcome" && m.peerPresent) await offer();
      else if (m.type === "peerJoined") await offer();
      else if (m.type === "answer") await pc.setRemoteDescription({ type: "answer", sdp: m.sdp });
      else if (m.type === "candidate") {
        await pc.addIceCandidate({
          candidate: m.candidate, sdpMid: m.sdpMid, sdpMLineIndex: m.sdpMLineIndex,
        });
      } else if (m.type === "error") finish({ error: "hub: " + JSON.stringify(m) });
      else if (m.type === "hangup") finish({ error: "hung up before the media flowed" });
    }).catch((e) => finish({ error: String(e) }));
  };
  ws.onerror = () => finish({ error: "signaling socket error" });
  ws.onclose = (ev) => finish({ error: "signaling socket closed: " + ev.code });
  setTimeout(() => finish({ error: "timeout", connectedMs, firstFrameMs }), args.timeoutMs || 30000);
})().catch((e) => done({ error: String(e) }));
