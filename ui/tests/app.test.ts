import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
import { invoke } from "@tauri-apps/api/core";
import { StationApp } from "../src/station/app";
import { byTestId, flush, status } from "./helpers";

const invokeMock = vi.mocked(invoke);
let app: StationApp | null = null;
let locked = false;
let todayFails = false;

beforeEach(() => {
  locked = false;
  todayFails = false;
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string, payload?: unknown) => {
    const args = (payload as { args?: Record<string, unknown> } | undefined)?.args ?? {};
    switch (cmd) {
      case "app_status":
        return status({ locked, lockAfterSeconds: 60 });
      case "lock":
        locked = true;
        return status({ locked: true });
      case "sign_in":
        if (args.password !== "bon-mot-de-passe") throw { code: "BAD_CREDENTIALS", message: "Identifiant ou mot de passe incorrect." };
        locked = false;
        return status();
      case "sign_out":
        return status({ user: null });
      case "today":
        if (todayFails) throw { code: "SESSION_LOCKED", message: "Session verrouillée." };
        return [];
      case "search_patients":
        return [];
      case "validate_patient":
        return [];
      case "load_draft":
        return null;
      case "save_draft":
      case "clear_draft":
        return null;
      case "touch":
        return status({ lockAfterSeconds: 60 });
    }
    throw { code: "UNEXPECTED", message: cmd };
  });
});
afterEach(() => {
  app?.stop();
  app = null;
  document.body.innerHTML = "";
  vi.useRealTimers();
});

async function start(fakeTime = false) {
  const root = document.createElement("div");
  document.body.appendChild(root);
  app = new StationApp(root);
  await app.start();
  if (fakeTime) await vi.advanceTimersByTimeAsync(0);
  else await flush();
  return app;
}
const visible = (id: string) => {
  const el = byTestId(id);
  return !!el && !el.closest("[hidden]");
};
async function typeIn(id: string, value: string) {
  const el = byTestId<HTMLInputElement>(id)!;
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
}

describe("station app", () => {
  it("opens on Today with the header and its state text", async () => {
    await start();
    expect(visible("screen-today")).toBe(true);
    expect(byTestId("state-text")!.textContent).toBe("Prêt");
    expect(visible("lock-button")).toBe(true);
    expect(visible("signout-button")).toBe(true);
    expect(visible("audit-button")).toBe(true);
    expect(document.activeElement).toBe(byTestId("search-input"));
  });

  it("locks on demand and keeps the form underneath", async () => {
    await start();
    app!.go({ name: "patient-form" });
    await typeIn("patient-familyName", "BERTIN");
    byTestId("lock-button")!.click();
    await flush();
    expect(visible("screen-locked")).toBe(true);
    expect(visible("screen-patient-form")).toBe(false);
    expect(byTestId("state-text")!.textContent).toBe("Session verrouillée");
    expect(document.activeElement).toBe(byTestId("unlock-password"));

    await typeIn("unlock-password", "faux");
    byTestId<HTMLButtonElement>("unlock-submit")!.click();
    await flush();
    await flush();
    expect(visible("screen-locked")).toBe(true);
    expect(byTestId("unlock-error")!.textContent).toContain("incorrect");

    await typeIn("unlock-password", "bon-mot-de-passe");
    byTestId<HTMLButtonElement>("unlock-submit")!.click();
    await flush();
    await flush();
    expect(invokeMock).toHaveBeenCalledWith("sign_in", { args: { username: "cdupont", password: "bon-mot-de-passe" } });
    expect(byTestId("screen-locked")).toBeNull();
    expect(visible("screen-patient-form")).toBe(true);
    expect(byTestId<HTMLInputElement>("patient-familyName")!.value).toBe("BERTIN");
  });

  it("any command failing with SESSION_LOCKED shows the lock screen", async () => {
    await start();
    todayFails = true;
    app!.go({ name: "today" });
    await flush();
    await flush();
    expect(visible("screen-locked")).toBe(true);
  });

  it("starts on the lock screen when the session is locked", async () => {
    locked = true;
    await start();
    expect(visible("screen-locked")).toBe(true);
    await typeIn("unlock-password", "bon-mot-de-passe");
    byTestId<HTMLButtonElement>("unlock-submit")!.click();
    await flush();
    await flush();
    expect(visible("screen-today")).toBe(true);
  });

  it("locks after lockAfterSeconds without activity, not before", async () => {
    vi.useFakeTimers();
    await start(true);
    await vi.advanceTimersByTimeAsync(50_000);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    await vi.advanceTimersByTimeAsync(50_000);
    expect(invokeMock.mock.calls.map((c) => c[0])).not.toContain("lock");
    await vi.advanceTimersByTimeAsync(11_000);
    expect(invokeMock.mock.calls.map((c) => c[0])).toContain("lock");
    expect(visible("screen-locked")).toBe(true);
  });

  it("the redirection screen makes the header inert", async () => {
    await start();
    app!.go({
      name: "redirect",
      consultation: {
        id: "c1",
        patientId: "p1",
        state: "excluded",
        stateLabel: "",
        complaint: "",
        assessment: { outcome: "excluded", reasons: [], redirect: ["SAMU_15"], priority: [] },
        createdAt: "",
        updatedAt: "",
        redirectionAcknowledged: false,
      },
    });
    expect(visible("screen-redirect")).toBe(true);
    expect(byTestId("home-button")!.closest("header")!.inert).toBe(true);
    app!.go({ name: "today" });
    expect(byTestId("home-button")!.closest("header")!.inert).toBe(false);
  });

  it("signs out to the sign-in screen", async () => {
    await start();
    byTestId("signout-button")!.click();
    await flush();
    await flush();
    expect(visible("screen-signin")).toBe(true);
    expect(visible("lock-button")).toBe(false);
  });
});
