import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(),
  Channel: class FakeChannel {
    id = 7;
    onmessage: (m: unknown) => void = () => undefined;
  },
}));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn() }));
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { CallStatus, Consultation, MediaDevices } from "../src/lib/api";
import { callScreen, formatDuration } from "../src/station/call";
import type { Screen } from "../src/station/ui";
import { byTestId, callStatus, consultation, excluded, fakeCtx, flush, record, status } from "./helpers";

const invokeMock = vi.mocked(invoke);
const listenMock = vi.mocked(listen);

let screen: Screen | null = null;
let clock = Date.parse("2026-11-24T10:47:05+01:00");
let current: CallStatus | null;
let startFails: unknown[] = [];
let devices: MediaDevices;
let emitStatus: (s: CallStatus) => void = () => undefined;
let channel: { onmessage: (m: unknown) => void } | null = null;

const requested = () => consultation({ state: "requested", stateLabel: "En attente du médecin" });

beforeEach(() => {
  clock = Date.parse("2026-11-24T10:47:05+01:00");
  current = null;
  startFails = [];
  channel = null;
  devices = {
    cameras: [{ id: "cam1", label: "Caméra USB" }],
    microphones: [{ id: "mic1", label: "Micro du casque" }],
    speakers: [{ id: "spk1", label: "Haut-parleurs" }],
  };
  listenMock.mockReset();
  listenMock.mockImplementation(async (_name, handler) => {
    emitStatus = (s) => (handler as (ev: { payload: CallStatus }) => void)({ payload: s });
    return () => {
      emitStatus = () => undefined;
    };
  });
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string, payload?: unknown) => {
    const args = (payload as { args?: Record<string, unknown> } | undefined)?.args ?? {};
    switch (cmd) {
      case "start_call":
        if (startFails.length) throw startFails.shift();
        current = callStatus({ state: "sending", gpName: null, since: "2026-11-24T10:47:00+01:00", events: [], quality: { rttMs: null, lossPercent: null, level: null } });
        return current;
      case "call_status":
        return current;
      case "call_set_muted":
        current = { ...current!, muted: !!args.muted };
        return current;
      case "call_set_camera":
        current = { ...current!, cameraOn: !!args.on };
        return current;
      case "call_send_chat":
        current = { ...current!, chat: [...current!.chat, { from: "station", text: String(args.text), at: "2026-11-24T10:48:00+01:00" }] };
        return current;
      case "call_hang_up":
        current = {
          ...current!,
          state: "ended",
          since: "2026-11-24T10:57:30+01:00",
          events: [...current!.events, { at: "2026-11-24T10:57:30+01:00", kind: "ENDED", message: "Appel terminé depuis la station." }],
        };
        return current;
      case "media_devices":
        return devices;
      case "devices_list":
        return {
          cameras: devices.cameras.map((c) => ({ ...c, role: null })),
          microphones: devices.microphones,
          speakers: devices.speakers,
          saved: { cameraId: null, microphoneId: null, speakerId: null },
          effective: { cameraId: devices.cameras[0]?.id ?? null, microphoneId: null, speakerId: null },
          notices: [],
        };
      case "device_check_start":
      case "device_check_status":
        return { running: true, camera: devices.cameras[0]?.label ?? null, cameraError: null, frames: 0, microphone: null, microphoneError: null, level: 0, speakerTesting: false, speakerError: null, notices: [] };
      case "device_check_stop":
        return null;
      case "call_video":
        channel = (args as { onFrame: { onmessage: (m: unknown) => void } }).onFrame;
        return null;
      case "cancel_consultation":
        return { ...requested(), state: "cancelled" };
      case "get_patient":
        return { ...record(), consultations: [excluded()] };
    }
    throw { code: "UNEXPECTED", message: cmd };
  });
});
afterEach(() => {
  screen?.dispose?.();
  screen = null;
  document.body.innerHTML = "";
  vi.useRealTimers();
});

async function mount(c: Consultation = requested(), start = true, role: "manager" | "assistant" = "manager") {
  const base = status();
  const ctx = fakeCtx(status({ user: { ...base.user!, role } }));
  screen = callScreen(ctx, c, { start, now: () => clock });
  document.body.appendChild(screen.root);
  await flush();
  await flush();
  return ctx;
}
const banner = () => byTestId("call-state")!;
const shown = (id: string) => {
  const el = byTestId(id);
  return !!el && !el.hidden && !el.closest("[hidden]");
};
const calls = (cmd: string) => invokeMock.mock.calls.filter((c) => c[0] === cmd);
/** A newer status than the one start_call answered (sent at 10 h 47). */
async function emit(over: Partial<CallStatus>) {
  current = callStatus({ since: "2026-11-24T10:47:01+01:00", ...over });
  emitStatus(current);
  await flush();
}

describe("call screen", () => {
  it("sends the request with start_call and says so, in the banner and the header", async () => {
    const ctx = await mount();
    expect(invokeMock).toHaveBeenCalledWith("start_call", { args: { consultationId: "c1" } });
    expect(banner().getAttribute("role")).toBe("status");
    expect(banner().dataset.state).toBe("sending");
    expect(banner().textContent).toBe("Envoi de la demande…");
    expect(byTestId("call-elapsed")!.textContent).toBe("depuis 5 s");
    expect(screen!.liveState!()).toEqual({ text: "Envoi de la demande…", tone: "attention" });
    expect(ctx.refreshState).toHaveBeenCalled();
    expect(ctx.keepAwake).toHaveBeenCalled();
    expect(shown("cancel-request")).toBe(true);
    expect(shown("remote-video")).toBe(false);
    expect(shown("call-hangup")).toBe(false);
  });

  it.each<[Partial<CallStatus>, string, string[], string[]]>([
    [{ state: "waitingGp", gpName: null }, "En attente d’un médecin", ["cancel-request", "call-waiting"], ["call-hangup", "call-retry"]],
    [{ state: "connecting" }, "Connexion avec le Dr Claire Martin…", ["remote-video", "call-hangup", "call-mute"], ["cancel-request"]],
    [{ state: "connected" }, "En communication avec le Dr Claire Martin", ["remote-video", "call-mute", "call-camera", "call-hangup", "call-chat-input", "call-quality"], ["cancel-request", "call-retry"]],
    [{ state: "reconnecting" }, "Reconnexion en cours… ne quittez pas", ["remote-video", "call-hangup"], ["call-retry"]],
    [{ state: "ended", since: "2026-11-24T10:57:30+01:00" }, "Appel terminé", ["call-summary", "call-back-to-patient"], ["call-hangup", "cancel-request", "call-chat-input"]],
    [{ state: "failed", error: { code: "HUB_UNREACHABLE", message: "Injoignable." } }, "Échec : serveur Relais injoignable", ["call-retry", "call-failed", "cancel-request"], ["call-hangup"]],
  ])("state %o: banner, header and controls", async (over, text, visible, absent) => {
    await mount();
    await emit({ since: "2026-11-24T10:47:01+01:00", ...over });
    expect(banner().dataset.state).toBe(over.state);
    expect(banner().textContent).toBe(text);
    expect(screen!.liveState!()?.text).toBe(text);
    for (const id of visible) expect(shown(id), id).toBe(true);
    for (const id of absent) expect(shown(id), id).toBe(false);
  });

  it("ignores another consultation's call and older news", async () => {
    await mount();
    await emit({ state: "connected", since: "2026-11-24T10:50:00+01:00" });
    emitStatus(callStatus({ consultationId: "c9", state: "failed" }));
    emitStatus(callStatus({ state: "waitingGp", since: "2026-11-24T10:46:00+01:00" }));
    await flush();
    expect(banner().dataset.state).toBe("connected");
  });

  it("writes the GP's name as given, with Dr added when missing", async () => {
    await mount();
    await emit({ state: "connected", gpName: "Bernard Petit" });
    expect(banner().textContent).toBe("En communication avec le Dr Bernard Petit");
  });

  it("toggles the microphone and the camera through the backend", async () => {
    await mount();
    await emit({ state: "connected" });
    const mute = byTestId("call-mute")!;
    expect(mute.getAttribute("aria-pressed")).toBe("false");
    mute.click();
    await flush();
    expect(invokeMock).toHaveBeenCalledWith("call_set_muted", { args: { muted: true } });
    expect(mute.getAttribute("aria-pressed")).toBe("true");
    expect(mute.textContent).toBe("Micro coupé");
    mute.click();
    await flush();
    // The device check polls its status in the background: not necessarily the last call.
    expect(invokeMock).toHaveBeenCalledWith("call_set_muted", { args: { muted: false } });
    expect(mute.getAttribute("aria-pressed")).toBe("false");

    const cam = byTestId("call-camera")!;
    cam.click();
    await flush();
    expect(invokeMock).toHaveBeenCalledWith("call_set_camera", { args: { on: false } });
    expect(cam.getAttribute("aria-pressed")).toBe("true");
    expect(cam.textContent).toBe("Caméra coupée");
    expect(shown("call-camera-off-note")).toBe(true);
  });

  it("asks before hanging up; Escape keeps the call", async () => {
    await mount();
    await emit({ state: "connected" });
    const hangup = byTestId("call-hangup")!;
    hangup.click();
    expect(shown("call-hangup-confirm")).toBe(true);
    expect(byTestId("call-hangup-confirm")!.getAttribute("role")).toBe("alertdialog");
    expect(byTestId("call-hangup-confirm")!.getAttribute("aria-modal")).toBe("true");
    expect(document.activeElement).toBe(byTestId("call-hangup-no"));
    expect(calls("call_hang_up")).toHaveLength(0);

    // Tab stays in the dialog.
    byTestId("call-hangup-no")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Tab", bubbles: true }));
    expect(document.activeElement).toBe(byTestId("call-hangup-yes"));

    document.activeElement!.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(shown("call-hangup-confirm")).toBe(false);
    expect(document.activeElement).toBe(hangup);
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    await flush();
    expect(calls("call_hang_up")).toHaveLength(0);
    expect(banner().dataset.state).toBe("connected");

    hangup.click();
    byTestId("call-hangup-no")!.click();
    expect(shown("call-hangup-confirm")).toBe(false);
    expect(calls("call_hang_up")).toHaveLength(0);

    hangup.click();
    byTestId("call-hangup-yes")!.click();
    await flush();
    await flush();
    expect(calls("call_hang_up")).toEqual([["call_hang_up"]]);
    expect(banner().textContent).toBe("Appel terminé");
    expect(shown("call-hangup-confirm")).toBe(false);
    expect(byTestId("call-summary-duration")!.textContent).toBe("Durée de la communication : 12 min 30 s");
  });

  it("offers Réessayer when the hub cannot be reached, and tries the same consultation again", async () => {
    startFails = [{ code: "HUB_UNREACHABLE", message: "Le serveur Relais est injoignable." }];
    await mount();
    expect(banner().dataset.state).toBe("failed");
    expect(banner().textContent).toBe("Échec : serveur Relais injoignable");
    expect(byTestId("call-failed-message")!.textContent).toContain("Vérifiez la connexion Internet");
    expect(screen!.liveState!()?.tone).toBe("danger");
    expect(shown("call-retry")).toBe(true);
    byTestId("call-retry")!.click();
    await flush();
    await flush();
    expect(calls("start_call")).toEqual([
      ["start_call", { args: { consultationId: "c1" } }],
      ["start_call", { args: { consultationId: "c1" } }],
    ]);
    expect(banner().dataset.state).toBe("sending");
    expect(shown("call-retry")).toBe(false);
  });

  it("leads a manager to the settings when the station is not enrolled", async () => {
    startFails = [{ code: "HUB_NOT_ENROLLED", message: "Ce poste n’est pas relié." }];
    const ctx = await mount();
    expect(shown("call-open-settings")).toBe(true);
    byTestId("call-open-settings")!.click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "hub-settings" });
  });

  it("an assistant is not offered the settings", async () => {
    startFails = [{ code: "HUB_NOT_ENROLLED", message: "Ce poste n’est pas relié." }];
    await mount(requested(), true, "assistant");
    expect(shown("call-open-settings")).toBe(false);
    expect(byTestId("call-failed-message")!.textContent).toContain("Réglages");
  });

  it("shows the redirection screen when the hub's triage excludes the consultation", async () => {
    startFails = [{ code: "EXCLUDED_EMERGENCY_SIGNS", message: "Signe d’urgence." }];
    const ctx = await mount();
    await flush();
    expect(ctx.go).toHaveBeenCalledWith({ name: "redirect", consultation: excluded() });
  });

  it("never starts a call for an excluded consultation", async () => {
    const ctx = await mount(excluded());
    expect(calls("start_call")).toHaveLength(0);
    expect(calls("call_status")).toHaveLength(0);
    expect(shown("call-excluded")).toBe(true);
    expect(byTestId("call-retry")!.hidden).toBe(true);
    expect(byTestId("call-state")).toBeNull();
    byTestId("call-back-to-patient")!.click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "patient", id: "p1" });
  });

  it("cancels the request while waiting", async () => {
    const ctx = await mount();
    await emit({ state: "waitingGp", gpName: null });
    byTestId("cancel-request")!.click();
    await flush();
    expect(invokeMock).toHaveBeenCalledWith("cancel_consultation", { args: { consultationId: "c1" } });
    expect(ctx.go).toHaveBeenCalledWith({ name: "patient", id: "p1" });
  });

  it("sends chat lines and shows the conversation", async () => {
    await mount();
    await emit({ state: "connected", chat: [{ from: "gp", text: "Bonjour, la température ?", at: "2026-11-24T10:46:00+01:00" }] });
    const input = byTestId<HTMLInputElement>("call-chat-input")!;
    input.value = "38,4 °C";
    byTestId("call-chat-send")!.click();
    await flush();
    expect(invokeMock).toHaveBeenCalledWith("call_send_chat", { args: { text: "38,4 °C" } });
    expect(input.value).toBe("");
    const lines = Array.from(byTestId("call-chat-log")!.querySelectorAll("li"));
    expect(lines.map((l) => l.dataset.from)).toEqual(["gp", "station"]);
    expect(lines[0].textContent).toContain("Dr Claire Martin");
    expect(lines[0].textContent).toContain("Bonjour, la température ?");
    expect(lines[1].textContent).toContain("Vous");
    // Empty lines are not sent.
    byTestId("call-chat-send")!.click();
    await flush();
    expect(calls("call_send_chat")).toHaveLength(1);
  });

  it("lists the call's journal, one line per event with its time", async () => {
    await mount();
    await emit({ state: "reconnecting" });
    const items = Array.from(byTestId("call-events")!.querySelectorAll("li"));
    expect(items).toHaveLength(2);
    expect(items[1].dataset.kind).toBe("CONNECTED");
    expect(items[1].textContent).toContain("Communication établie avec le Dr Claire Martin.");
    expect(items[1].querySelector(".call-event-time")!.textContent).toMatch(/^\d{1,2} h \d{2}$/);
  });

  it("shows the link quality", async () => {
    await mount();
    await emit({ state: "connected", quality: { rttMs: 310, lossPercent: 12.5, level: "poor" } });
    expect(byTestId("call-quality")!.dataset.level).toBe("poor");
    expect(byTestId("call-quality")!.textContent).toContain("Qualité : Faible");
    expect(byTestId("call-quality")!.textContent).toContain("12,5 %");
  });

  it("draws the GP's video frames and falls back to the name after 2 s without a frame", async () => {
    await mount();
    await emit({ state: "connected" });
    expect(calls("call_video")).toHaveLength(1);
    expect(shown("remote-video-placeholder")).toBe(true);
    expect(byTestId("remote-video-name")!.textContent).toBe("Dr Claire Martin");
    channel!.onmessage(new Uint8Array([0xff, 0xd8]).buffer);
    channel!.onmessage(new Uint8Array([0xff, 0xd8]).buffer);
    expect(byTestId("remote-video")!.dataset.frames).toBe("2");
    expect(shown("remote-video-placeholder")).toBe(false);
    clock += 2500;
    await emit({ state: "connected", quality: { rttMs: 50, lossPercent: 0, level: "good" } });
    expect(shown("remote-video-placeholder")).toBe(true);
    // One subscription per call.
    expect(calls("call_video")).toHaveLength(1);
  });

  it("warns when no camera is found", async () => {
    devices = { cameras: [], microphones: [{ id: "m", label: "Micro" }], speakers: [] };
    await mount();
    expect(byTestId("call-devices")!.textContent).toContain("Aucune caméra n’est branchée : l’appel se fera avec le son seulement.");
    expect(byTestId("device-microphone")!.tagName).toBe("SELECT");
  });

  it("polls call_status every 2 s when no event comes", async () => {
    vi.useFakeTimers();
    const ctx = fakeCtx(status());
    screen = callScreen(ctx, requested(), { start: true, now: () => clock });
    document.body.appendChild(screen.root);
    await vi.advanceTimersByTimeAsync(0);
    expect(banner().dataset.state).toBe("sending");
    current = callStatus({ state: "waitingGp", gpName: null, since: "2026-11-24T10:47:02+01:00" });
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls("call_status").length).toBeGreaterThanOrEqual(1);
    expect(banner().dataset.state).toBe("waitingGp");
    current = callStatus({ state: "ended", since: "2026-11-24T10:57:30+01:00" });
    await vi.advanceTimersByTimeAsync(2000);
    expect(banner().dataset.state).toBe("ended");
    const n = calls("call_status").length;
    await vi.advanceTimersByTimeAsync(6000);
    expect(calls("call_status").length).toBe(n); // no polling once the call is over
  });

  it("joins the running call of this consultation instead of sending again", async () => {
    current = callStatus({ state: "connected" });
    await mount(consultation({ state: "inCall" }), false);
    expect(calls("start_call")).toHaveLength(0);
    expect(banner().dataset.state).toBe("connected");
  });

  it("sends a requested consultation that has no call yet", async () => {
    current = callStatus({ consultationId: "c0", state: "ended" });
    await mount(requested(), false);
    expect(calls("start_call")).toHaveLength(1);
  });

  it("stops listening when left", async () => {
    await mount();
    screen!.dispose!();
    emitStatus(callStatus({ state: "connected" }));
    await flush();
    expect(banner().dataset.state).toBe("sending");
  });
});

describe("durations", () => {
  it("reads the French way", () => {
    expect(formatDuration(42_000)).toBe("42 s");
    expect(formatDuration(125_000)).toBe("2 min 05 s");
    expect(formatDuration(3_780_000)).toBe("1 h 03 min");
  });
});
