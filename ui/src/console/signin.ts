/**
 * Sign-in: e-mail, password and the current TOTP code, in one step (`POST /api/login`).
 * A refused sign-in keeps the e-mail and password; the code is emptied when it was the
 * code that was refused, and the focus goes to the field to correct.
 */
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import { Code, errorMessage, isHubError, type Hub } from "./hub";
import type { Account } from "./protocol";
import { alertPanel, labelled, screenRoot, type Screen } from "./ui";

const LOGIN_CODES = new Set<string>([Code.BadCredentials, Code.BadTotp, Code.TotpReplayed, Code.RateLimited, Code.Network]);

export interface SigninOptions {
  hub: Hub;
  onSignedIn(account: Account): void;
  /** A message to show first (signed out, session expired). */
  message?: string | null;
  /** An error met before (the hub did not answer at start). */
  startError?: unknown;
}

export function signinScreen(o: SigninOptions): Screen {
  const email = labelled(
    t("console.signin.email"),
    h("input", { type: "email", class: "input", autocomplete: "username", autocapitalize: "none", spellcheck: "false", required: true, testid: "login-email", "data-autofocus": true }),
  );
  const password = labelled(
    t("console.signin.password"),
    h("input", { type: "password", class: "input", autocomplete: "current-password", required: true, testid: "login-password" }),
  );
  const totp = labelled(
    t("console.signin.totp"),
    h("input", {
      type: "text",
      class: "input input-totp",
      inputmode: "numeric",
      autocomplete: "one-time-code",
      pattern: "[0-9]{6}",
      maxlength: "6",
      required: true,
      testid: "login-totp",
    }),
    t("console.signin.totpHint"),
  );
  const error = alertPanel("login-error");
  if (o.startError) error.show(errorMessage(o.startError), isHubError(o.startError) ? o.startError.code : undefined, true);
  const info = h("p", { class: "notice-line", testid: "login-info", role: "status" }, o.message ?? "");
  info.hidden = !o.message;
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block btn-lg", testid: "login-submit" }, t("console.signin.submit"));

  // Digits only in the code field (a pasted "123 456" keeps its digits).
  totp.input.addEventListener("input", () => {
    const digits = totp.input.value.replace(/\D/g, "").slice(0, 6);
    if (digits !== totp.input.value) totp.input.value = digits;
    totp.setError(null);
  });

  const form = h("form", { class: "card form", novalidate: true, "aria-describedby": "signin-intro" }, email.wrap, password.wrap, totp.wrap, error.el, h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.show(null);
    info.hidden = true;
    [email, password, totp].forEach((f) => f.setError(null));
    const missing = [email, password].find((f) => f.input.value.trim() === "");
    if (missing) {
      missing.setError(t("error.required"));
      missing.input.focus();
      return;
    }
    if (!/^\d{6}$/.test(totp.input.value)) {
      totp.setError(t("console.signin.totpFormat"));
      totp.input.focus();
      return;
    }
    const label = submit.textContent ?? "";
    submit.disabled = true;
    submit.setAttribute("aria-busy", "true");
    submit.textContent = t("common.signingIn");
    try {
      const account = await o.hub.login({ email: email.input.value.trim(), password: password.input.value, totp: totp.input.value });
      o.onSignedIn(account);
    } catch (e) {
      error.show(errorMessage(e), isHubError(e) ? e.code : undefined, !(isHubError(e) && LOGIN_CODES.has(e.code)));
      const code = isHubError(e) ? e.code : "";
      if (code === Code.BadTotp || code === Code.TotpReplayed) {
        totp.input.value = "";
        totp.input.focus();
      } else if (code === Code.BadCredentials) {
        password.input.focus();
      }
    } finally {
      submit.disabled = false;
      submit.removeAttribute("aria-busy");
      submit.textContent = label;
    }
  });

  const root = screenRoot(
    "signin",
    h("h1", { id: "signin-title", class: "screen-title", tabindex: "-1" }, t("console.signin.title")),
    h("p", { id: "signin-intro", class: "lead" }, t("console.signin.intro")),
    info,
    form,
  );
  return { name: "signin", root, state: "console.state.signedOut" };
}
