import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
import { invoke } from "@tauri-apps/api/core";
import type { HubStatus } from "../src/lib/api";
import { fingerprintError, fingerprintGroups, hubSettingsScreen, hubUrlError, normaliseFingerprint } from "../src/station/hub-settings";
import type { Screen } from "../src/station/ui";
import { byTestId, fakeCtx, flush, status } from "./helpers";

const invokeMock = vi.mocked(invoke);
const FP = "3f9a1c0e5b7d2a4486e1f0c3b9d8a7e65c4b3a29180f7e6d5c4b3a2918a0b1c2";
const FP_COLONS = FP.toUpperCase().match(/../g)!.join(":");
let screen: Screen | null = null;
let hub: HubStatus;
let enrolError: unknown = null;

beforeEach(() => {
  hub = { enrolled: false, url: "https://relais.exemple.fr", fingerprint: null, stationName: null, enrolledAt: null };
  enrolError = null;
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string, payload?: unknown) => {
    if (cmd === "hub_status") return hub;
    if (cmd === "enrol_station") {
      if (enrolError) throw enrolError;
      const a = (payload as { args: { url: string; fingerprint: string } }).args;
      return { enrolled: true, url: a.url, fingerprint: a.fingerprint, stationName: "Pharmacie du Centre — Chartres", enrolledAt: "2026-11-24T09:05:00Z" };
    }
    throw { code: "UNEXPECTED", message: cmd };
  });
});
afterEach(() => {
  screen?.dispose?.();
  screen = null;
  document.body.innerHTML = "";
});

async function mount(role: "manager" | "assistant" = "manager") {
  const base = status();
  const ctx = fakeCtx(status({ user: { ...base.user!, role } }));
  screen = hubSettingsScreen(ctx);
  document.body.appendChild(screen.root);
  await flush();
  return ctx;
}
function type(id: string, value: string, blur = false) {
  const el = byTestId<HTMLInputElement>(id)!;
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
  if (blur) el.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
}
const submit = async () => {
  byTestId<HTMLFormElement>("hub-form")!.requestSubmit();
  await flush();
  await flush();
};
const shown = (id: string) => {
  const el = byTestId(id);
  return !!el && !el.hidden && !el.closest("[hidden]");
};

describe("fingerprint and address rules", () => {
  it("normalises and groups the fingerprint by 4", () => {
    expect(normaliseFingerprint(FP_COLONS)).toBe(FP);
    expect(normaliseFingerprint(" 3F 9A-1C ")).toBe("3f9a1c");
    expect(fingerprintGroups("3F:9A:1C:0E:5B")).toBe("3f9a 1c0e 5b");
    expect(fingerprintGroups(FP).split(" ")).toHaveLength(16);
  });

  it("accepts 64 hex digits (or nothing), refuses other characters and lengths", () => {
    expect(fingerprintError(FP_COLONS, true)).toBeNull();
    expect(fingerprintError("", true)).toBeNull();
    expect(fingerprintError("3f9a1g", false)).toMatch(/0 à 9/);
    expect(fingerprintError("3f9a", false)).toBeNull(); // still typing
    expect(fingerprintError("3f9a", true)).toBe("L’empreinte compte 64 caractères : il y en a 4.");
    expect(fingerprintError(FP + "0", false)).toMatch(/65/);
  });

  it("wants an https:// address with a host", () => {
    expect(hubUrlError("https://relais.exemple.fr")).toBeNull();
    expect(hubUrlError("https://relais.exemple.fr:8443/")).toBeNull();
    expect(hubUrlError("http://relais.exemple.fr")).not.toBeNull();
    expect(hubUrlError("relais.exemple.fr")).not.toBeNull();
    expect(hubUrlError("https://")).not.toBeNull();
  });
});

describe("settings screen — Relais server", () => {
  it("shows the form with the suggested address when not enrolled", async () => {
    await mount();
    expect(byTestId("screen-hub")).not.toBeNull();
    expect(byTestId("screen-hub")!.textContent).toContain("Réglages — Serveur Relais");
    expect(byTestId<HTMLInputElement>("hub-url")!.value).toBe("https://relais.exemple.fr");
    expect(byTestId("hub-enrolled")).toBeNull();
    expect(document.activeElement).toBe(byTestId("hub-url"));
  });

  it("checks the fingerprint while typing and shows it in groups of 4", async () => {
    await mount();
    type("hub-fingerprint", "3F:9A:1C:0E:5B");
    expect(byTestId("hub-fingerprint-groups")!.textContent).toBe("3f9a 1c0e 5b");
    expect(shown("hub-fingerprint-error")).toBe(false);
    expect(byTestId("hub-fingerprint-state")!.textContent).toContain("il y en a 10");
    type("hub-fingerprint", "3F:9A:ZZ");
    expect(shown("hub-fingerprint-error")).toBe(true);
    expect(byTestId("hub-fingerprint")!.getAttribute("aria-invalid")).toBe("true");
    type("hub-fingerprint", FP_COLONS);
    expect(shown("hub-fingerprint-error")).toBe(false);
    expect(byTestId("hub-fingerprint-state")!.textContent).toContain("64 caractères ✓");
    expect(byTestId("hub-fingerprint-groups")!.textContent).toBe(fingerprintGroups(FP));
  });

  it("does not send an incomplete form and says what is missing", async () => {
    await mount();
    type("hub-url", "http://relais.exemple.fr");
    type("hub-fingerprint", "3f9a");
    await submit();
    expect(invokeMock.mock.calls.map((c) => c[0])).not.toContain("enrol_station");
    expect(byTestId("hub-url-error")!.textContent).toContain("https://");
    expect(byTestId("hub-fingerprint-error")!.textContent).toContain("64");
    expect(byTestId("hub-code-error")!.textContent).toBe("Saisissez le code d’inscription.");
    expect(document.activeElement).toBe(byTestId("hub-url"));
  });

  it("enrols with the normalised fingerprint, then shows the enrolled station", async () => {
    await mount();
    type("hub-fingerprint", FP_COLONS);
    type("hub-code", "  K7P-2QX ");
    await submit();
    expect(invokeMock).toHaveBeenCalledWith("enrol_station", {
      args: { url: "https://relais.exemple.fr", fingerprint: FP, code: "K7P-2QX" },
    });
    expect(byTestId("hub-enrolled")).not.toBeNull();
    expect(byTestId("hub-station-name")!.textContent).toBe("Pharmacie du Centre — Chartres");
    expect(byTestId("hub-enrolled-fingerprint")!.textContent).toBe(fingerprintGroups(FP));
    expect(byTestId("hub-form")).toBeNull();
  });

  it.each([
    ["BAD_ENROLMENT_CODE", "hub-code-error", "Code d’inscription refusé"],
    ["HUB_CERTIFICATE_MISMATCH", "hub-fingerprint-error", "ne correspond pas"],
    ["HUB_UNREACHABLE", null, "ne répond pas"],
    ["RATE_LIMITED", null, "Trop d’essais"],
    ["FORBIDDEN", null, "pas accès"],
  ])("explains %s in French, next to the field concerned", async (code, fieldError, text) => {
    enrolError = { code, message: "Message du serveur." };
    await mount();
    type("hub-fingerprint", FP);
    type("hub-code", "K7P-2QX");
    await submit();
    expect(shown("hub-error")).toBe(true);
    expect(byTestId("hub-error")!.textContent).toContain(text);
    expect(byTestId("hub-error")!.textContent).toContain("Détails");
    if (fieldError) expect(byTestId(fieldError)!.textContent).toContain(text);
    // What was typed is kept.
    expect(byTestId<HTMLInputElement>("hub-code")!.value).toBe("K7P-2QX");
  });

  it("shows the backend's detail for a bad setting", async () => {
    enrolError = { code: "HUB_BAD_SETTING", message: "Réglage du serveur Relais invalide : port inconnu" };
    await mount();
    type("hub-code", "K7P-2QX");
    await submit();
    expect(byTestId("hub-error")!.textContent).toContain("port inconnu");
  });

  it("shows the enrolled state: address, station name, date, fingerprint in groups", async () => {
    hub = { enrolled: true, url: "https://relais.exemple.fr", fingerprint: FP, stationName: "EHPAD Les Tilleuls", enrolledAt: "2026-11-24T09:05:00Z" };
    await mount();
    expect(byTestId("hub-enrolled")).not.toBeNull();
    expect(byTestId("hub-station-name")!.textContent).toBe("EHPAD Les Tilleuls");
    expect(byTestId("hub-enrolled")!.textContent).toContain("24/11/2026");
    expect(byTestId("hub-enrolled-fingerprint")!.textContent).toBe(fingerprintGroups(FP));
    expect(byTestId("hub-url")).toBeNull();
  });

  it("an assistant sees that a manager must enrol the station", async () => {
    await mount("assistant");
    expect(byTestId("hub-form")).toBeNull();
    expect(byTestId("hub-manager-only")!.textContent).toContain("responsable");
  });
});
