import { describe, expect, it, vi } from "vitest";
import { errorMessage, Hub } from "../../src/console/hub";
import { catalogue, t } from "../../src/lib/i18n";
import { json } from "./helpers";

describe("hub client", () => {
  it("sends JSON with the session cookie and reads JSON", async () => {
    const f = vi.fn(async () => json(200, { id: "a", email: "c@x.fr", name: "Dr C", role: "gp" }));
    const hub = new Hub("", f);
    const account = await hub.login({ email: "c@x.fr", password: "p", totp: "123456" });
    expect(account.name).toBe("Dr C");
    const [path, init] = f.mock.calls[0] as unknown as [string, RequestInit];
    expect(path).toBe("/api/login");
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("same-origin");
    expect(JSON.parse(String(init.body))).toEqual({ email: "c@x.fr", password: "p", totp: "123456" });
    expect((init.headers as Record<string, string>)["content-type"]).toBe("application/json");
  });

  it("answers undefined for 204", async () => {
    const hub = new Hub("", async () => new Response(null, { status: 204 }));
    await expect(hub.logout()).resolves.toBeUndefined();
  });

  it("turns a refusal into {code, message, status}", async () => {
    const hub = new Hub("", async () => json(409, { code: "ALREADY_ACCEPTED", message: "Déjà acceptée." }));
    await expect(hub.accept("c1")).rejects.toEqual({ code: "ALREADY_ACCEPTED", message: "Déjà acceptée.", status: 409 });
  });

  it("a network failure is NETWORK with a French message", async () => {
    const hub = new Hub("", async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(hub.me()).rejects.toEqual({ code: "NETWORK", message: t("console.error.NETWORK"), status: 0 });
  });

  it("an answer without an error body is HTTP_<status>", async () => {
    const hub = new Hub("", async () => new Response("<html>Bad gateway</html>", { status: 502 }));
    await expect(hub.waiting()).rejects.toMatchObject({ code: "HTTP_502", status: 502 });
  });

  it("uses the global fetch by default", async () => {
    const f = vi.fn(async () => json(200, []));
    vi.stubGlobal("fetch", f);
    try {
      await expect(new Hub().waiting()).resolves.toEqual([]);
      expect(f).toHaveBeenCalledWith("/api/consultations/waiting", expect.objectContaining({ method: "GET", credentials: "same-origin" }));
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("errorMessage", () => {
  it.each(["BAD_CREDENTIALS", "BAD_TOTP", "TOTP_REPLAYED", "RATE_LIMITED", "ALREADY_ACCEPTED", "NETWORK", "SESSION_EXPIRED"])(
    "%s has a French sentence of the catalogue",
    (code) => {
      const message = errorMessage({ code, message: "hub text", status: 401 });
      expect(message).toBe(catalogue[`console.error.${code}` as keyof typeof catalogue]);
      expect(message).not.toBe("hub text");
    },
  );

  it("falls back to the hub's message for an unknown code", () => {
    expect(errorMessage({ code: "WEAK_PASSWORD", message: "Mot de passe trop court.", status: 422 })).toBe("Mot de passe trop court.");
  });

  it("falls back to a generic sentence when there is no message", () => {
    expect(errorMessage({ code: "HTTP_502", message: "", status: 502 })).toBe(t("console.error.unknown"));
    expect(errorMessage(new Error("x"))).toBe(t("console.error.unknown"));
  });
});
