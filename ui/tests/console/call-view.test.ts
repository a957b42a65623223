import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { callScreen, chatItem, readingItem } from "../../src/console/call-view";
import { formatCallDuration, formatReading } from "../../src/console/format";
import { classify } from "../../src/console/quality";
import type { Reading, RoomTicket } from "../../src/console/protocol";
import { t } from "../../src/lib/i18n";
import { allByTestId, byTestId, consultation, settle } from "./helpers";
import { FakeChannel, fakeDeps, welcome } from "./fakes";
// station.css as text: vitest empties CSS imports (even `?raw`), so it is read from disk.
// @ts-expect-error Node's fs, without @types/node in this package
import { readFileSync } from "node:fs";

const ticket: RoomTicket = { consultationId: "c1", roomId: "r1", joinToken: "join-1", iceServers: [], relayOnly: false };

describe("reading format (as relais_core format_fr)", () => {
  it.each<[Reading, string]>([
    [{ kind: "temperature", celsius: 37.8 }, "37,8 °C"],
    [{ kind: "temperature", celsius: 38 }, "38,0 °C"],
    [{ kind: "bloodPressure", systolic: 128.4, diastolic: 82 }, "128/82 mmHg"],
    [{ kind: "pulse", bpm: 72 }, "72 /min"],
    [{ kind: "spO2", percent: 97.6 }, "98 %"],
    [{ kind: "weight", kg: 72.5 }, "72,5 kg"],
    [{ kind: "weight", kg: 80 }, "80 kg"],
    [{ kind: "glycaemia", gPerL: 1.05 }, "1,05 g/L"],
  ])("%o → %s", (r, text) => {
    expect(formatReading(r)).toBe(text);
  });

  it("durations", () => {
    expect(formatCallDuration(125_000)).toBe("2 min 05 s");
    expect(formatCallDuration(3_900_000)).toBe("1 h 05");
  });

  it("quality levels", () => {
    expect(classify({ rttMs: 40, lossPercent: 0, jitterMs: 5 })).toBe("good");
    expect(classify({ rttMs: 250, lossPercent: 0, jitterMs: 5 })).toBe("medium");
    expect(classify({ rttMs: 80, lossPercent: 12, jitterMs: 5 })).toBe("poor");
    expect(classify({ rttMs: null, lossPercent: null, jitterMs: null })).toBe("unknown");
  });
});

describe("readings and chat items", () => {
  it("a reading shows its kind, French value, time and source", () => {
    const li = readingItem({ type: "reading", reading: { kind: "temperature", celsius: 37.8 }, takenAt: "2026-11-24T10:42:00", source: "manual" });
    expect(li.querySelector(".reading-label")!.textContent).toBe("Température");
    expect(li.querySelector(".reading-value")!.textContent).toBe("37,8 °C");
    expect(li.querySelector(".reading-meta")!.textContent).toBe("10 h 42 · saisie manuelle");
  });

  it("a chat line says who wrote it", () => {
    const li = chatItem({ type: "chat", from: "station", text: "Bonjour", at: "2026-11-24T10:42:00" });
    expect(li.dataset.from).toBe("station");
    expect(li.textContent).toContain(t("console.call.chatFromStation"));
    expect(li.textContent).toContain("Bonjour");
  });
});

describe("call screen", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    document.body.innerHTML = "";
    vi.useRealTimers();
  });

  async function mount() {
    const f = fakeDeps();
    const onBack = vi.fn();
    const screen = callScreen({ ticket, consultation: consultation(), deps: f.deps, onBack });
    document.body.appendChild(screen.root);
    await settle();
    f.sockets[0].receive(welcome());
    f.sockets[0].receive({ type: "offer", sdp: "o" });
    await settle(20);
    return { ...f, screen, onBack };
  }

  it("has the videos, the controls and the state", async () => {
    const { peers } = await mount();
    const remote = byTestId<HTMLVideoElement>("remote-video")!;
    expect(remote.autoplay).toBe(true);
    expect(remote.hasAttribute("playsinline")).toBe(true);
    expect(byTestId<HTMLVideoElement>("local-video")!.muted).toBe(true);
    const state = byTestId("call-state")!;
    expect(state.dataset.state).toBe("connecting");
    expect(state.textContent).toBe(t("console.call.state.connecting"));
    peers[0].setIce("connected");
    expect(state.dataset.state).toBe("connected");
    expect(state.textContent).toBe(t("console.call.state.connected"));
  });

  it("mic and camera toggles show their state", async () => {
    await mount();
    const mic = byTestId<HTMLButtonElement>("toggle-mic")!;
    expect(mic.getAttribute("aria-pressed")).toBe("false");
    mic.click();
    expect(mic.getAttribute("aria-pressed")).toBe("true");
    expect(byTestId("mic-muted")!.textContent).toBe(t("console.call.micOff"));
    mic.click();
    expect(mic.getAttribute("aria-pressed")).toBe("false");
    const cam = byTestId<HTMLButtonElement>("toggle-camera")!;
    cam.click();
    expect(cam.getAttribute("aria-pressed")).toBe("true");
  });

  it("renders readings (one li each) and chat from the data channel; sends chat", async () => {
    const { peers } = await mount();
    peers[0].setIce("connected");
    const ch = new FakeChannel();
    peers[0].ondatachannel?.({ channel: ch });
    ch.receive({ type: "reading", reading: { kind: "temperature", celsius: 37.8 }, takenAt: "2026-11-24T10:01:00Z", source: "manual" });
    ch.receive({ type: "reading", reading: { kind: "spO2", percent: 96 }, takenAt: "2026-11-24T10:02:00Z", source: "oxy-1" });
    ch.receive({ type: "chat", from: "station", text: "Patient installé", at: "2026-11-24T10:02:00Z" });
    const items = byTestId("readings")!.querySelectorAll("li");
    expect(items).toHaveLength(2);
    expect(Array.from(items).map((li) => li.querySelector(".reading-value")!.textContent)).toEqual(["96 %", "37,8 °C"]);
    expect(byTestId("readings-empty")!.hidden).toBe(true);
    const input = byTestId<HTMLInputElement>("chat-input")!;
    input.value = "Bonjour";
    byTestId<HTMLButtonElement>("chat-send")!.click();
    expect(JSON.parse(ch.sent[0])).toMatchObject({ type: "chat", from: "gp", text: "Bonjour" });
    expect(allByTestId("chat-line").map((li) => li.dataset.from)).toEqual(["station", "gp"]);
    expect(input.value).toBe("");
  });

  it("quality reads « Mesure… » until the first stats", async () => {
    await mount();
    const q = byTestId("quality")!;
    expect(q.dataset.level).toBe("unknown");
    expect(q.querySelector(".quality-value")!.textContent).toBe(t("console.call.quality.unknown"));
    expect(t("console.call.quality.unknown")).toBe("Mesure…");
  });

  it("the station's call rules (station.css) do not reach the console's call screen", async () => {
    // The console builds on station.css for its components, but the station's call screen
    // styles classes of its own (dark fixed-ratio stage with overflow hidden, 1.6rem state
    // text, outlined icons…): with the same names they cut the console's controls off.
    const { peers } = await mount();
    peers[0].setIce("connected");
    const ch = new FakeChannel();
    peers[0].ondatachannel?.({ channel: ch });
    ch.receive({ type: "reading", reading: { kind: "temperature", celsius: 37.8 }, takenAt: "2026-11-24T10:01:00Z", source: "manual" });
    ch.receive({ type: "chat", from: "station", text: "Patient installé", at: "2026-11-24T10:02:00Z" });
    const stationCss: string = readFileSync("src/styles/station.css", "utf8") // vitest runs in ui/;
    const stationClasses = new Set(Array.from(stationCss.matchAll(/\.([a-zA-Z][\w-]*)/g), (m) => m[1]));
    expect(stationClasses.has("btn")).toBe(true);
    // `screen--call`: station.css only styles its own `.call-head` inside it.
    const shared = new Set(["screen", "screen--call", "card", "btn", "btn-primary", "btn-xl", "input", "field-label", "field-error", "section-title", "screen-title", "lead", "actions", "muted", "complaint", "dot",
      // The generic form components the document editors use (tabs of the side column).
      "btn-secondary", "field", "field-hint", "optional", "field--check", "check", "textarea", "check-row"]);
    const used = new Set(Array.from(document.querySelectorAll("[class]")).flatMap((el) => Array.from(el.classList)));
    const clashes = Array.from(used).filter((c) => stationClasses.has(c) && !shared.has(c));
    expect(clashes).toEqual([]);
  });

  it("quality indicator with its RTT", async () => {
    const { peers } = await mount();
    peers[0].setIce("connected");
    peers[0].stats = new Map([["p", { id: "p", type: "candidate-pair", state: "succeeded", nominated: true, currentRoundTripTime: 0.042 }]]);
    await vi.advanceTimersByTimeAsync(2000);
    const q = byTestId("quality")!;
    expect(q.dataset.rttMs).toBe("42");
    expect(q.textContent).toContain(t("console.call.quality.good"));
  });

  it("says when the station left", async () => {
    const { sockets, peers } = await mount();
    peers[0].setIce("connected");
    sockets[0].receive({ type: "peerLeft" });
    expect(byTestId("call-notice")!.textContent).toBe(t("console.call.peerLeft"));
    expect(byTestId("call-state")!.dataset.state).toBe("reconnecting");
  });

  it("hang up: ended state, duration, back to the list", async () => {
    const { peers, sockets, advance, onBack } = await mount();
    peers[0].setIce("connected");
    advance(65_000);
    byTestId<HTMLButtonElement>("hangup")!.click();
    expect(sockets[0].types()).toContain("hangup");
    expect(byTestId("call-state")!.dataset.state).toBe("ended");
    expect(byTestId("call-duration")!.textContent).toBe(t("console.call.endedDuration", { duration: "1 min 05 s" }));
    const back = byTestId<HTMLButtonElement>("back-to-list")!;
    expect(back.textContent).toBe(t("console.call.backToList"));
    back.click();
    expect(onBack).toHaveBeenCalled();
  });
});
