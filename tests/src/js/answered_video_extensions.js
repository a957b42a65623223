// The RTP header extension URIs of the video section of the console's last answer.
const pc = window.__relaisPeerConnections && window.__relaisPeerConnections.at(-1);
if (!pc || !pc.localDescription) return null;
const video = pc.localDescription.sdp.split(/^m=/m).find((s) => s.startsWith("video"));
if (!video) return [];
return [...video.matchAll(/^a=extmap:\d+(?:\/\w+)? (\S+)/gm)].map((m) => m[1]);
