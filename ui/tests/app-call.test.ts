import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn(), Channel: class {} }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => undefined) }));
import { invoke } from "@tauri-apps/api/core";
import type { Role } from "../src/lib/api";
import { StationApp } from "../src/station/app";
import { consultationRoute } from "../src/station/consultation";
import { acceptedScreen } from "../src/station/outcome";
import { byTestId, callStatus, consultation, fakeCtx, flush, status } from "./helpers";

const invokeMock = vi.mocked(invoke);
let app: StationApp | null = null;
let role: Role = "manager";

beforeEach(() => {
  role = "manager";
  window.scrollTo = () => undefined;
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string) => {
    const base = status();
    switch (cmd) {
      case "app_status":
        return status({ user: { ...base.user!, role } });
      case "today":
      case "search_patients":
        return [];
      case "start_call":
        return callStatus({ state: "waitingGp", gpName: null });
      case "media_devices":
        return { cameras: [], microphones: [], speakers: [] };
      case "request_consultation":
        return consultation({ state: "requested" });
      case "hub_status":
        return { enrolled: false, url: null, fingerprint: null, stationName: null, enrolledAt: null };
    }
    throw { code: "UNEXPECTED", message: cmd };
  });
});
afterEach(() => {
  app?.stop();
  app = null;
  document.body.innerHTML = "";
});

async function start() {
  const root = document.createElement("div");
  document.body.appendChild(root);
  app = new StationApp(root);
  await app.start();
  await flush();
  return app;
}

describe("station app — hub and call", () => {
  it("offers the settings to managers only", async () => {
    await start();
    expect(byTestId("settings-button")!.hidden).toBe(false);
    byTestId("settings-button")!.click();
    await flush();
    expect(byTestId("screen-hub")).not.toBeNull();
    expect(byTestId("state-text")!.textContent).toBe("Réglages : serveur Relais");
    app!.stop();
    document.body.innerHTML = "";
    role = "assistant";
    await start();
    expect(byTestId("settings-button")!.hidden).toBe(true);
  });

  it("shows the call state in the header state bar", async () => {
    await start();
    app!.go({ name: "call", consultation: consultation({ state: "requested" }), start: true });
    await flush();
    await flush();
    expect(byTestId("call-state")!.textContent).toBe("En attente d’un médecin");
    expect(byTestId("state-text")!.textContent).toBe("En attente d’un médecin");
    expect(byTestId("state-text")!.closest(".state-bar")!.className).toContain("state-bar--attention");
  });

  it("opens a requested or running consultation on the call screen", () => {
    expect(consultationRoute(consultation({ state: "requested" })).name).toBe("call");
    expect(consultationRoute(consultation({ state: "inCall" })).name).toBe("call");
    expect(consultationRoute(consultation({ state: "triaged" })).name).toBe("accepted");
  });

  it("after the request, goes to the call screen that sends it to the hub", async () => {
    const ctx = fakeCtx(status());
    document.body.appendChild(acceptedScreen(ctx, consultation()).root);
    byTestId("request-gp")!.click();
    await flush();
    expect(invokeMock).toHaveBeenCalledWith("request_consultation", { args: { consultationId: "c1" } });
    expect(ctx.go).toHaveBeenCalledWith({ name: "call", consultation: consultation({ state: "requested" }), start: true });
  });
});
