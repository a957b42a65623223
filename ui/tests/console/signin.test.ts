import { afterEach, describe, expect, it } from "vitest";
import { ConsoleApp } from "../../src/console/app";
import { t } from "../../src/lib/i18n";
import { byTestId, json, mockHub, settle, type } from "./helpers";

const account = { id: "gp1", email: "claire@example.fr", name: "Dr Claire Martin", role: "gp" };
let app: ConsoleApp | null = null;

afterEach(() => {
  app?.stop();
  app = null;
  document.body.innerHTML = "";
});

async function start(route: Parameters<typeof mockHub>[0]) {
  const { hub, fetchMock } = mockHub(route);
  const root = document.createElement("div");
  document.body.appendChild(root);
  app = new ConsoleApp(root, { hub });
  await app.start();
  await settle();
  return fetchMock;
}

async function signIn(totp = "123456") {
  type(byTestId<HTMLInputElement>("login-email")!, "claire@example.fr");
  type(byTestId<HTMLInputElement>("login-password")!, "mot de passe");
  type(byTestId<HTMLInputElement>("login-totp")!, totp);
  byTestId<HTMLButtonElement>("login-submit")!.click();
  await settle(20);
}

describe("sign-in", () => {
  it("resumes a session with GET /api/me", async () => {
    const f = await start((path) => (path === "/api/me" ? json(200, account) : json(200, [])));
    expect(f.mock.calls[0][0]).toBe("/api/me");
    expect(byTestId("waiting-list")).not.toBeNull();
    expect(byTestId("account-name")!.textContent).toBe("Dr Claire Martin");
    expect(byTestId("signout")!.hidden).toBe(false);
  });

  it("shows the form when not signed in, TOTP field for one-time codes", async () => {
    await start(() => json(401, { code: "NOT_SIGNED_IN", message: "Non connecté." }));
    const totp = byTestId<HTMLInputElement>("login-totp")!;
    expect(totp.getAttribute("inputmode")).toBe("numeric");
    expect(totp.getAttribute("autocomplete")).toBe("one-time-code");
    expect(byTestId("login-error")!.hidden).toBe(true);
    expect(byTestId("signout")!.hidden).toBe(true);
    // Every input has a label.
    for (const id of ["login-email", "login-password", "login-totp"]) {
      const input = byTestId<HTMLInputElement>(id)!;
      expect(document.querySelector(`label[for="${input.id}"]`)?.textContent).toBeTruthy();
    }
  });

  it("signs in and opens the waiting list", async () => {
    let body: unknown = null;
    await start((path, init) => {
      if (path === "/api/me") return json(401, { code: "NOT_SIGNED_IN", message: "" });
      if (path === "/api/login") {
        body = JSON.parse(String(init?.body));
        return json(200, account);
      }
      return json(200, []);
    });
    await signIn();
    expect(body).toEqual({ email: "claire@example.fr", password: "mot de passe", totp: "123456" });
    expect(byTestId("waiting-list")).not.toBeNull();
    expect(byTestId("console-state")!.textContent).toBe(t("console.state.waiting"));
  });

  it("keeps only digits in the code and asks for six of them", async () => {
    const f = await start(() => json(401, { code: "NOT_SIGNED_IN", message: "" }));
    const totp = byTestId<HTMLInputElement>("login-totp")!;
    type(totp, "12 34a");
    expect(totp.value).toBe("1234");
    await signIn("1234");
    expect(f).toHaveBeenCalledTimes(1); // only /api/me: nothing sent
    expect(totp.getAttribute("aria-invalid")).toBe("true");
  });

  it.each([
    ["BAD_CREDENTIALS", 401],
    ["BAD_TOTP", 401],
    ["TOTP_REPLAYED", 401],
    ["RATE_LIMITED", 429],
  ] as const)("shows %s in French", async (code, status) => {
    await start((path) => (path === "/api/me" ? json(401, { code: "NOT_SIGNED_IN", message: "" }) : json(status, { code, message: "texte du hub" })));
    await signIn();
    const err = byTestId("login-error")!;
    expect(err.hidden).toBe(false);
    expect(err.textContent).toBe(t(`console.error.${code}`));
    expect(err.dataset.code).toBe(code);
    expect(byTestId<HTMLInputElement>("login-email")!.value).toBe("claire@example.fr");
    if (code === "BAD_TOTP" || code === "TOTP_REPLAYED") {
      expect(byTestId<HTMLInputElement>("login-totp")!.value).toBe("");
      expect(document.activeElement).toBe(byTestId("login-totp"));
    }
  });

  it("says so when the hub cannot be reached", async () => {
    await start((path) => {
      if (path === "/api/me") return json(401, { code: "NOT_SIGNED_IN", message: "" });
      throw new TypeError("Failed to fetch");
    });
    await signIn();
    expect(byTestId("login-error")!.textContent).toBe(t("console.error.NETWORK"));
  });

  it("signs out", async () => {
    const f = await start((path) => (path === "/api/me" ? json(200, account) : path === "/api/logout" ? new Response(null, { status: 204 }) : json(200, [])));
    byTestId<HTMLButtonElement>("signout")!.click();
    await settle(10);
    expect(f.mock.calls.some((c) => c[0] === "/api/logout")).toBe(true);
    expect(byTestId("login-email")).not.toBeNull();
    expect(byTestId("login-info")!.textContent).toBe(t("console.signin.signedOut"));
  });
});

describe("start without a hub", () => {
  it("shows why, with the technical code", async () => {
    await start(() => new Response("<html>Not found</html>", { status: 404 }));
    const err = byTestId("login-error")!;
    expect(err.hidden).toBe(false);
    expect(err.textContent).toContain(t("console.error.unknown"));
    expect(err.textContent).toContain(t("common.errorCode", { code: "HTTP_404" }));
    expect(byTestId("login-email")).not.toBeNull();
  });
});
