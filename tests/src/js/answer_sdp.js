// The SDP of the console's last answer (null before it has one).
const pc = window.__relaisPeerConnections && window.__relaisPeerConnections.at(-1);
return pc && pc.localDescription ? pc.localDescription.sdp : null;
