/**
 * Screens before work starts: storage passphrase, first start, sign-in, lock screen.
 */
import { api, Code, SITE_KINDS, type ApiError, type SetupInput, type SiteKind, type Status } from "../lib/api";
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import {
  busy,
  errorPanel,
  field,
  fieldErrors,
  isGlobalError,
  screenRoot,
  textInput,
  title,
  type Ctx,
  type Field,
  type Screen,
} from "./ui";

function submitButton(testid: string, label: string): HTMLButtonElement {
  return h("button", { type: "submit", class: "btn btn-primary btn-block", testid }, label);
}

// ---- Storage passphrase (no OS keyring) ----------------------------------------------

export function unlockScreen(ctx: Ctx): Screen {
  const status = ctx.status();
  const pass = field({
    testid: "storage-passphrase",
    errorTestid: "error-passphrase",
    label: t("unlock.passphrase"),
    control: h("input", { type: "password", class: "input", autocomplete: "current-password", "data-autofocus": true }),
  });
  const submit = submitButton("storage-submit", t("unlock.submit"));
  const errors = errorPanel();
  const form = h(
    "form",
    { class: "card form narrow", novalidate: true },
    pass.wrap,
    errors.el,
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    pass.setError(null);
    errors.show(null);
    try {
      const s = await busy(submit, t("common.checking"), () => api.unlockStorage(pass.control.value));
      ctx.applyStatus(s);
      ctx.go({ name: s.initialized ? "signin" : "setup" });
    } catch (e) {
      const err = e as ApiError;
      if (err.code === Code.WrongKey || err.code === Code.PassphraseTooShort) {
        pass.setError(err.message);
        pass.control.focus();
      } else errors.show(err);
    }
  });
  const root = screenRoot(
    "unlock",
    title("unlock", t("unlock.title")),
    h("p", { class: "lead" }, status?.storageMessage ?? t("unlock.explain")),
    form,
  );
  return { name: "unlock", root, state: "state.storageLocked", tone: "attention" };
}

// ---- First start ----------------------------------------------------------------------

export function setupScreen(ctx: Ctx): Screen {
  const kind = h(
    "select",
    { class: "input", "data-autofocus": true, required: true },
    h("option", { value: "" }, t("setup.siteKindChoose")),
    SITE_KINDS.map((k) => h("option", { value: k }, t(`site.kind.${k}`))),
  );
  const mk = (testid: string, label: string, attrs: Record<string, unknown> = {}, hint?: string, optional = false) =>
    field({ testid, errorTestid: `error-${testid}`, label, hint, optional, control: textInput(attrs) });

  const f = {
    kind: field({ testid: "site-kind", errorTestid: "error-site-kind", label: t("setup.siteKind"), control: kind }),
    name: mk("site-name", t("setup.siteName"), {}, t("setup.siteNameHint")),
    commune: mk("site-commune", t("setup.siteCommune"), { autocomplete: "address-level2" }),
    address: mk("site-address", t("setup.siteAddress"), { autocomplete: "street-address" }, undefined, true),
    username: mk("user-username", t("setup.username"), { autocomplete: "username", autocapitalize: "none" }, t("setup.usernameHint")),
    displayName: mk("user-displayname", t("setup.displayName"), { autocomplete: "name" }, t("setup.displayNameHint")),
    profession: mk("user-profession", t("setup.profession"), {}, t("setup.professionHint")),
    rpps: mk("user-rpps", t("setup.rpps"), { inputmode: "numeric", maxlength: "11" }, t("setup.rppsHint"), true),
    password: field({
      testid: "user-password",
      errorTestid: "error-user-password",
      label: t("setup.password"),
      hint: t("setup.passwordHint"),
      control: h("input", { type: "password", class: "input", autocomplete: "new-password" }),
    }),
    confirm: field({
      testid: "user-password-confirm",
      errorTestid: "error-user-password-confirm",
      label: t("setup.passwordConfirm"),
      control: h("input", { type: "password", class: "input", autocomplete: "new-password" }),
    }),
  };
  // Backend field paths → fields (both "site.name" and bare "name" forms are accepted).
  const byPath: Record<string, Field> = {
    "site.kind": f.kind,
    "site.name": f.name,
    "site.commune": f.commune,
    "site.address": f.address,
    "user.username": f.username,
    username: f.username,
    "user.displayName": f.displayName,
    displayName: f.displayName,
    "user.profession": f.profession,
    profession: f.profession,
    "user.rpps": f.rpps,
    rpps: f.rpps,
    "user.password": f.password,
    password: f.password,
    kind: f.kind,
    commune: f.commune,
    address: f.address,
  };
  const submit = submitButton("setup-submit", t("setup.submit"));
  const errors = errorPanel();
  const form = h(
    "form",
    { class: "form form--setup", novalidate: true },
    h("fieldset", { class: "group" }, h("legend", null, t("setup.siteSection")), f.kind.wrap, f.name.wrap, f.commune.wrap, f.address.wrap),
    h(
      "fieldset",
      { class: "group" },
      h("legend", null, t("setup.userSection")),
      f.username.wrap,
      f.displayName.wrap,
      f.profession.wrap,
      f.rpps.wrap,
      f.password.wrap,
      f.confirm.wrap,
    ),
    errors.el,
    h("div", { class: "actions" }, submit),
  );
  const all = Object.values(f);
  const val = (x: Field) => x.control.value.trim();

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    all.forEach((x) => x.setError(null));
    errors.show(null);
    const local: [Field, string][] = [];
    for (const x of [f.kind, f.name, f.commune, f.username, f.displayName, f.profession]) {
      if (val(x) === "") local.push([x, t("error.required")]);
    }
    if (f.password.control.value.length < 10) local.push([f.password, t("error.passwordTooShort")]);
    if (f.password.control.value !== f.confirm.control.value) local.push([f.confirm, t("error.passwordMismatch")]);
    if (local.length) {
      local.forEach(([x, m]) => x.setError(m));
      local[0][0].control.focus();
      return;
    }
    const input: SetupInput = {
      site: { kind: kind.value as SiteKind, name: val(f.name), commune: val(f.commune), address: val(f.address) || null },
      user: {
        username: val(f.username),
        displayName: val(f.displayName),
        profession: val(f.profession),
        rpps: val(f.rpps) || null,
        password: f.password.control.value,
      },
    };
    try {
      const s: Status = await busy(submit, t("common.saving"), () => api.setupSite(input));
      ctx.applyStatus(s);
      ctx.go({ name: s.user ? "today" : "signin" });
    } catch (e) {
      const err = e as ApiError;
      if (err.code === Code.AlreadyInitialized) {
        errors.show(err);
        return;
      }
      const fe = fieldErrors(err);
      if (err.code === Code.PasswordTooShort && fe.length === 0) fe.push({ field: "user.password", message: err.message });
      let first: Field | null = null;
      let unplaced = false;
      for (const x of fe) {
        const target = byPath[x.field];
        if (target) {
          target.setError(x.message);
          first ??= target;
        } else unplaced = true;
      }
      if (first) first.control.focus();
      if (!first || unplaced) errors.show(err, first ? t("common.formHasErrors") : undefined);
    }
  });

  const root = screenRoot("setup", title("setup", t("setup.title")), h("p", { class: "lead" }, t("setup.intro")), form);
  return { name: "setup", root, state: "state.setup" };
}

// ---- Sign-in ----------------------------------------------------------------------------

export function signinScreen(ctx: Ctx): Screen {
  const site = ctx.status()?.site;
  const username = field({
    testid: "signin-username",
    errorTestid: "error-signin-username",
    label: t("signin.username"),
    control: textInput({ autocomplete: "username", autocapitalize: "none", "data-autofocus": true }),
  });
  const password = field({
    testid: "signin-password",
    errorTestid: "error-signin-password",
    label: t("signin.password"),
    control: h("input", { type: "password", class: "input", autocomplete: "current-password" }),
  });
  const submit = submitButton("signin-submit", t("signin.submit"));
  const errors = errorPanel("signin-error");
  const form = h("form", { class: "card form narrow", novalidate: true }, username.wrap, password.wrap, errors.el, h("div", { class: "actions" }, submit));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    errors.show(null);
    username.setError(null);
    password.setError(null);
    if (username.control.value.trim() === "") {
      username.setError(t("error.required"));
      username.control.focus();
      return;
    }
    try {
      const s = await busy(submit, t("common.signingIn"), () => api.signIn(username.control.value.trim(), password.control.value));
      ctx.applyStatus(s);
      ctx.go({ name: "today" });
    } catch (e) {
      const err = e as ApiError;
      errors.show(err);
      password.control.value = "";
      password.control.focus();
    }
  });
  const root = screenRoot(
    "signin",
    title("signin", t("signin.title")),
    site ? h("p", { class: "lead" }, site.name, h("span", { class: "muted" }, ` — ${site.commune}`)) : null,
    h("p", null, t("signin.intro")),
    form,
  );
  return { name: "signin", root, state: "state.signedOut" };
}

// ---- Lock screen (overlay: the screen underneath keeps its state) ---------------------

export function lockedScreen(
  ctx: Ctx,
  on: { unlocked(status: Status): void; switchUser(): void },
): Screen {
  const user = ctx.status()?.user;
  const password = field({
    testid: "unlock-password",
    errorTestid: "error-unlock-password",
    label: t("locked.password"),
    control: h("input", { type: "password", class: "input", autocomplete: "current-password", "data-autofocus": true }),
  });
  const submit = submitButton("unlock-submit", t("locked.submit"));
  const errors = errorPanel("unlock-error");
  const switchUser = h(
    "button",
    { type: "button", class: "btn btn-secondary btn-block", testid: "switch-user", onclick: () => on.switchUser() },
    t("locked.switchUser"),
  );
  const form = h(
    "form",
    { class: "card form narrow", novalidate: true },
    user ? h("p", { class: "lock-user" }, t("locked.user", { name: user.displayName })) : null,
    password.wrap,
    errors.el,
    h("div", { class: "actions actions--stack" }, submit, switchUser),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    errors.show(null);
    const username = ctx.status()?.user?.username ?? "";
    try {
      const s = await busy(submit, t("common.checking"), () => api.signIn(username, password.control.value));
      on.unlocked(s);
    } catch (e) {
      const err = e as ApiError;
      if (!isGlobalError(err)) errors.show(err);
      password.control.value = "";
      password.control.focus();
    }
  });
  const root = screenRoot("locked", title("locked", t("locked.title")), h("p", { class: "lead" }, t("locked.explain")), form);
  root.setAttribute("role", "dialog");
  root.setAttribute("aria-modal", "true");
  return { name: "locked", root, state: "state.locked", tone: "attention" };
}
