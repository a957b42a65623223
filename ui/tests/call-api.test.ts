import { beforeEach, describe, expect, it, vi } from "vitest";

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
import { api, codeMessage, normaliseError, onCallStatus, type CallStatus } from "../src/lib/api";
import { callStatus } from "./helpers";

const invokeMock = vi.mocked(invoke);
const listenMock = vi.mocked(listen);

beforeEach(() => {
  invokeMock.mockReset();
  invokeMock.mockResolvedValue(null);
  listenMock.mockReset();
});

describe("hub and call wrappers", () => {
  it("follow the contract: invoke(name) without input, invoke(name, { args }) with", async () => {
    await api.hubStatus();
    expect(invokeMock).toHaveBeenLastCalledWith("hub_status");
    await api.enrolStation({ url: "https://relais.exemple.fr", fingerprint: "ab".repeat(32), code: "K7P-2QX" });
    expect(invokeMock).toHaveBeenLastCalledWith("enrol_station", {
      args: { url: "https://relais.exemple.fr", fingerprint: "ab".repeat(32), code: "K7P-2QX" },
    });
    await api.startCall("c1");
    expect(invokeMock).toHaveBeenLastCalledWith("start_call", { args: { consultationId: "c1" } });
    await api.callStatus();
    expect(invokeMock).toHaveBeenLastCalledWith("call_status");
    await api.callSetMuted(true);
    expect(invokeMock).toHaveBeenLastCalledWith("call_set_muted", { args: { muted: true } });
    await api.callSetCamera(false);
    expect(invokeMock).toHaveBeenLastCalledWith("call_set_camera", { args: { on: false } });
    await api.callSendChat("38,4 °C");
    expect(invokeMock).toHaveBeenLastCalledWith("call_send_chat", { args: { text: "38,4 °C" } });
    await api.callHangUp();
    expect(invokeMock).toHaveBeenLastCalledWith("call_hang_up");
    await api.mediaDevices();
    expect(invokeMock).toHaveBeenLastCalledWith("media_devices");
  });

  it("call_video passes a Channel as args.onFrame and hands over ArrayBuffer frames", async () => {
    const frames: number[] = [];
    const channel = await api.callVideo((buf) => frames.push(buf.byteLength));
    expect(invokeMock).toHaveBeenLastCalledWith("call_video", { args: { onFrame: channel } });
    channel.onmessage(new Uint8Array([0xff, 0xd8, 0xff]).buffer);
    // Tolerated: a typed array or plain bytes from a JSON channel.
    channel.onmessage(new Uint8Array([1, 2, 3, 4]) as unknown as ArrayBuffer);
    channel.onmessage([1, 2] as unknown as ArrayBuffer);
    channel.onmessage("not an image" as unknown as ArrayBuffer);
    expect(frames).toEqual([3, 4, 2]);
  });

  it("call_video rejects with the normalised error", async () => {
    invokeMock.mockRejectedValueOnce({ code: "NO_CALL", message: "Aucun appel en cours." });
    await expect(api.callVideo(() => undefined)).rejects.toEqual({ code: "NO_CALL", message: "Aucun appel en cours." });
  });
});

describe("onCallStatus", () => {
  it("listens to call-status and stops on demand", async () => {
    let handler: ((ev: { payload: CallStatus }) => void) | null = null;
    const unlisten = vi.fn();
    listenMock.mockImplementation(async (name, h) => {
      expect(name).toBe("call-status");
      handler = h as never;
      return unlisten;
    });
    const seen: string[] = [];
    const stop = onCallStatus((s) => seen.push(s.state));
    await Promise.resolve();
    await Promise.resolve();
    handler!({ payload: callStatus({ state: "waitingGp" }) });
    stop();
    expect(unlisten).toHaveBeenCalled();
    handler!({ payload: callStatus({ state: "connected" }) });
    expect(seen).toEqual(["waitingGp"]);
  });

  it("stopping before the subscription is in place still unsubscribes", async () => {
    const unlisten = vi.fn();
    listenMock.mockResolvedValue(unlisten);
    const stop = onCallStatus(() => undefined);
    stop();
    await Promise.resolve();
    await Promise.resolve();
    expect(unlisten).toHaveBeenCalled();
  });
});

describe("French messages of the new codes", () => {
  it("exist for every hub and call code", () => {
    for (const code of [
      "HUB_NOT_ENROLLED",
      "HUB_UNREACHABLE",
      "HUB_CERTIFICATE_MISMATCH",
      "HUB_BAD_SETTING",
      "BAD_ENROLMENT_CODE",
      "RATE_LIMITED",
      "CALL_IN_PROGRESS",
      "FORBIDDEN",
    ]) {
      expect(codeMessage(code), code).toMatch(/\S/);
    }
    expect(codeMessage("SOMETHING_ELSE")).toBeNull();
  });

  it("fill in a backend error that came without a message", () => {
    expect(normaliseError({ code: "HUB_UNREACHABLE" }).message).toContain("ne répond pas");
    expect(normaliseError({ code: "HUB_UNREACHABLE", message: "Message du serveur." }).message).toBe("Message du serveur.");
  });
});
