import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
import { invoke } from "@tauri-apps/api/core";
import { api, Code, normaliseError, onApiError } from "../src/lib/api";
import { t } from "../src/lib/i18n";

const invokeMock = vi.mocked(invoke);

describe("normaliseError", () => {
  it("keeps a backend error as is", () => {
    const e = { code: "INVALID_PATIENT", message: "Certains champs sont à corriger.", fields: [{ field: "nir", code: "NIR_KEY", message: "Clé fausse." }] };
    expect(normaliseError(e)).toEqual(e);
    expect(normaliseError({ code: "BAD_CREDENTIALS", message: "Identifiant ou mot de passe incorrect.", field: "password" })).toEqual({
      code: "BAD_CREDENTIALS",
      message: "Identifiant ou mot de passe incorrect.",
      field: "password",
    });
  });

  it("drops malformed field errors and extra properties", () => {
    const e = normaliseError({ code: "X", message: "m", fields: [{ field: "a", message: "b", code: "c" }, 3, null], extra: 1 });
    expect(e).toEqual({ code: "X", message: "m", fields: [{ field: "a", message: "b", code: "c" }] });
  });

  it("gives a French message to a code without one", () => {
    expect(normaliseError({ code: "SOMETHING" })).toEqual({ code: "SOMETHING", message: t("error.unknown") });
  });

  it("turns strings, Errors and oddities into UNKNOWN with the raw text in detail", () => {
    expect(normaliseError("command foo not found")).toEqual({ code: Code.Unknown, message: t("error.unknown"), detail: "command foo not found" });
    expect(normaliseError(new TypeError("boom"))).toEqual({ code: Code.Unknown, message: t("error.unknown"), detail: "TypeError: boom" });
    expect(normaliseError(undefined).code).toBe(Code.Unknown);
    expect(normaliseError(42)).toEqual({ code: Code.Unknown, message: t("error.unknown"), detail: "42" });
    expect(normaliseError({ message: "no code" }).code).toBe(Code.Unknown);
  });

  it("parses a JSON string carrying a backend error", () => {
    expect(normaliseError('{"code":"WRONG_KEY","message":"Phrase secrète incorrecte."}')).toEqual({
      code: "WRONG_KEY",
      message: "Phrase secrète incorrecte.",
    });
  });

  it("the message of UNKNOWN is French", () => {
    expect(normaliseError("x").message).toMatch(/erreur inattendue/);
  });
});

describe("command wrappers", () => {
  beforeEach(() => invokeMock.mockReset());

  it("call commands without input with no argument, others with { args }", async () => {
    invokeMock.mockResolvedValue(null);
    await api.appStatus();
    expect(invokeMock).toHaveBeenLastCalledWith("app_status");
    await api.signIn("cdupont", "secret");
    expect(invokeMock).toHaveBeenLastCalledWith("sign_in", { args: { username: "cdupont", password: "secret" } });
    await api.updatePatient("p1", { familyName: "X" } as never);
    expect(invokeMock).toHaveBeenLastCalledWith("update_patient", { args: { id: "p1", patient: { familyName: "X" } } });
    await api.acknowledgeRedirection("c1");
    expect(invokeMock).toHaveBeenLastCalledWith("acknowledge_redirection", { args: { consultationId: "c1" } });
    await api.auditTrail(50);
    expect(invokeMock).toHaveBeenLastCalledWith("audit_trail", { args: { limit: 50 } });
    await api.saveDraft("intake:p1", { a: 1 });
    expect(invokeMock).toHaveBeenLastCalledWith("save_draft", { args: { kind: "intake:p1", data: { a: 1 } } });
    await api.submitIntake({
      patientId: "p1",
      complaint: "toux",
      answers: { abdominalPain: false, technicalGesture: false, emergencySigns: false },
      priority: { noTreatingDoctor: false, mobilityDifficulty: false, longDelay: false, chronicDisease: false, c2s: true },
      consent: true,
    });
    expect(invokeMock.mock.lastCall?.[0]).toBe("submit_intake");
    expect((invokeMock.mock.lastCall?.[1] as { args: { consent: boolean } }).args.consent).toBe(true);
  });

  it("reject with a normalised error and tell the listeners first", async () => {
    const seen: string[] = [];
    const off = onApiError((e, cmd) => seen.push(`${cmd}:${e.code}`));
    invokeMock.mockRejectedValueOnce({ code: "SESSION_LOCKED", message: "Session verrouillée." });
    await expect(api.today()).rejects.toEqual({ code: "SESSION_LOCKED", message: "Session verrouillée." });
    invokeMock.mockRejectedValueOnce("IPC down");
    await expect(api.today()).rejects.toMatchObject({ code: "UNKNOWN", detail: "IPC down" });
    off();
    invokeMock.mockRejectedValueOnce({ code: "X", message: "y" });
    await expect(api.today()).rejects.toMatchObject({ code: "X" });
    expect(seen).toEqual(["today:SESSION_LOCKED", "today:UNKNOWN"]);
  });
});
