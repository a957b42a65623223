// Keeps the console's peer connections reachable as window.__relaisPeerConnections
// (evaluated before the console makes one).
(function () {
  const Original = window.RTCPeerConnection;
  window.__relaisPeerConnections = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Original(...args);
    window.__relaisPeerConnections.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Original.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Original);
})();
