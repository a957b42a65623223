import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn(), Channel: class {} }));
const handlers = new Map<string, (ev: { payload: unknown }) => void>();
vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (name: string, cb: (ev: { payload: unknown }) => void) => {
    handlers.set(name, cb);
    return () => undefined;
  }),
}));
import { invoke } from "@tauri-apps/api/core";
import { panelState, recordingNow, stethoscopePanel, type StethoscopeStatus } from "../src/station/stethoscope";
import { byTestId as maybeByTestId, flush } from "./helpers";

function byTestId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = maybeByTestId<T>(id);
  if (!el) throw new Error(`no ${id}`);
  return el;
}

const invokeMock = vi.mocked(invoke);

function status(over: Partial<StethoscopeStatus> = {}): StethoscopeStatus {
  return { on: false, device: null, requested: false, clips: [], ...over };
}

describe("station stethoscope", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    handlers.clear();
    document.body.innerHTML = "";
  });

  it("tells off, on and lost apart", () => {
    expect(panelState(status())).toBe("off");
    expect(panelState(status({ on: true }))).toBe("on");
    expect(panelState(status({ on: true, lost: true }))).toBe("lost");
    expect(panelState(status({ on: false, lost: true }))).toBe("off");
  });

  it("gives the running time of the clip being recorded, capped at its longest", () => {
    const at = "2026-11-26T10:00:00Z";
    const t0 = Date.parse(at);
    const s = status({ on: true, clips: [{ clipId: "c", state: "recording", seconds: 30, minSeconds: 10, at }] });
    expect(recordingNow(s, t0 + 7_400)).toMatchObject({ elapsed: "0:07", limit: "0:30" });
    expect(recordingNow(s, t0 + 95_000)).toMatchObject({ elapsed: "0:30" });
    expect(recordingNow(status({ clips: [{ clipId: "c", state: "stored", seconds: 12, at }] }), t0)).toBeNull();
  });

  it("preselects the input remembered for the station, shows the recording and the input's notices", async () => {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "stethoscope_inputs_list") return [{ id: "a.monitor", label: "Entrée A" }, { id: "steth.monitor", label: "Stéthoscope" }];
      if (cmd === "call_stethoscope_status") return status({ device: "steth.monitor" });
      throw new Error(cmd);
    });
    const panel = stethoscopePanel();
    document.body.append(panel.el);
    await flush();
    await flush();
    expect(byTestId<HTMLSelectElement>("steth-input").value).toBe("steth.monitor");
    expect(byTestId("steth-recording").hidden).toBe(true);

    const push = (s: StethoscopeStatus) => handlers.get("stethoscope-status")!({ payload: s });
    push(status({ on: true, device: "steth.monitor", clips: [{ clipId: "c", state: "recording", seconds: 30, at: new Date().toISOString() }] }));
    expect(byTestId("steth-recording").hidden).toBe(false);
    expect(byTestId("steth-recording").textContent).toContain("Enregistrement en cours");
    expect(panel.el.dataset.recording).toBe("true");
    // The state names the input as the list does; the toggle turns it off.
    expect(byTestId("steth-state").textContent).toBe("Transmis au médecin : Stéthoscope");
    expect(byTestId("steth-toggle").textContent).toBe("Couper le stéthoscope");
    expect(byTestId("steth-recording-time").textContent).toMatch(/^0:0\d \/ 0:30$/);

    push(status({ on: true, lost: true, device: "steth.monitor", notice: { code: "STETHOSCOPE_LOST", message: "Le stéthoscope ne transmet plus de son." } }));
    expect(byTestId("steth-recording").hidden).toBe(true);
    expect(byTestId("steth-state").dataset.state).toBe("lost");
    expect(byTestId("steth-state").textContent).toContain("débranché");
    expect(byTestId("steth-notice").hidden).toBe(false);
    expect(byTestId("steth-notice").dataset.code).toBe("STETHOSCOPE_LOST");

    push(status({ on: true, device: "steth.monitor", notice: { code: "STETHOSCOPE_RECOVERED", message: "rebranché" } }));
    expect(byTestId("steth-state").dataset.state).toBe("on");
    expect(byTestId("steth-notice").dataset.code).toBe("STETHOSCOPE_RECOVERED");
    panel.dispose();
  });
});
