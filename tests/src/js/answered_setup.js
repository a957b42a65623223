// The `a=setup` values of the console's last answer, one per media section.
const pc = window.__relaisPeerConnections && window.__relaisPeerConnections.at(-1);
if (!pc || !pc.localDescription) return null;
return [...pc.localDescription.sdp.matchAll(/^a=setup:(\w+)/gm)].map((m) => m[1]);
