import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
import { invoke } from "@tauri-apps/api/core";
import { redirectScreen } from "../src/station/redirect";
import type { Screen } from "../src/station/ui";
import { allByTestId, byTestId, consultation, excluded, fakeCtx, flush } from "./helpers";

const invokeMock = vi.mocked(invoke);
let screen: Screen | null = null;

function mount(c = excluded()) {
  const ctx = fakeCtx();
  screen = redirectScreen(ctx, c);
  document.body.appendChild(screen.root);
  return ctx;
}

beforeEach(() => {
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string) => {
    if (cmd === "acknowledge_redirection") return { ...excluded(), redirectionAcknowledged: true };
    throw { code: "UNEXPECTED", message: cmd };
  });
});
afterEach(() => {
  screen?.dispose?.();
  screen = null;
  document.body.innerHTML = "";
});

describe("redirection screen", () => {
  it("is full screen with the 15 in large type, the urgences and every reason", () => {
    mount();
    expect(screen?.fullscreen).toBe(true);
    expect(byTestId("screen-redirect")?.getAttribute("role")).toBe("alertdialog");
    expect(byTestId("redirect-15")?.textContent).toContain("Appelez le 15");
    expect(byTestId("redirect-15")?.querySelector(".redirect-number")?.textContent).toBe("15");
    expect(byTestId("redirect-urgences")?.textContent).toContain("Rendez-vous aux urgences");
    expect(allByTestId("redirect-reason").map((r) => r.dataset.code)).toEqual(["EMERGENCY_SIGNS", "ABDOMINAL_PAIN"]);
  });

  it("shows only what the assessment asks for (pédiatre)", () => {
    mount(excluded({ redirect: ["PEDIATRE"], reasons: [{ code: "CHILD_UNDER_3", message: "Enfant de moins de 3 ans." }] }));
    expect(byTestId("redirect-pediatre")?.textContent).toContain("Consultez un pédiatre");
    expect(byTestId("redirect-15")).toBeNull();
    expect(byTestId("redirect-urgences")).toBeNull();
  });

  it("falls back to urgences and 15 when no target is given", () => {
    mount(excluded({ redirect: [] }));
    expect(byTestId("redirect-15")).not.toBeNull();
    expect(byTestId("redirect-urgences")).not.toBeNull();
  });

  it("Escape does not dismiss it", async () => {
    const ctx = mount();
    const seenByOthers = vi.fn();
    document.body.addEventListener("keydown", seenByOthers);
    const ev = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    byTestId("redirect-ack")!.dispatchEvent(ev);
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true }));
    await flush();
    expect(ev.defaultPrevented).toBe(true);
    expect(seenByOthers).not.toHaveBeenCalled();
    expect(byTestId("screen-redirect")?.isConnected).toBe(true);
    expect(ctx.go).not.toHaveBeenCalled();
    expect(invokeMock).not.toHaveBeenCalled();
  });

  it("has a single way out and does not focus it by itself", () => {
    mount();
    const buttons = Array.from(byTestId("screen-redirect")!.querySelectorAll("button")).filter((b) => !b.closest("[hidden]"));
    expect(buttons.map((b) => b.dataset.testid)).toEqual(["redirect-ack"]);
    expect(buttons[0].textContent).toBe("J’ai orienté le patient");
    expect(document.activeElement).not.toBe(buttons[0]);
  });

  it("only the ack button calls acknowledge_redirection, then leaves", async () => {
    const ctx = mount();
    byTestId("screen-redirect")!.click();
    byTestId("redirect-15")!.click();
    expect(invokeMock).not.toHaveBeenCalled();
    byTestId("redirect-ack")!.click();
    await flush();
    await flush();
    expect(invokeMock).toHaveBeenCalledTimes(1);
    expect(invokeMock).toHaveBeenCalledWith("acknowledge_redirection", { args: { consultationId: "c1" } });
    expect(ctx.go).toHaveBeenCalledWith({ name: "patient", id: "p1" });
  });

  it("stays up with the error when the acknowledgement fails", async () => {
    invokeMock.mockRejectedValue({ code: "STORAGE", message: "Écriture impossible." });
    const ctx = mount();
    byTestId("redirect-ack")!.click();
    await flush();
    await flush();
    expect(ctx.go).not.toHaveBeenCalled();
    expect(byTestId("form-error")?.textContent).toContain("Écriture impossible.");
  });

  it("stops swallowing Escape once disposed", () => {
    mount(consultation({ state: "excluded" }));
    screen!.dispose!();
    screen = null;
    const ev = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    document.body.dispatchEvent(ev);
    expect(ev.defaultPrevented).toBe(false);
  });
});
