/**
 * Settings — the Relais server (hub): whether this station is enrolled, and the enrolment
 * form for managers (address, certificate fingerprint, one-time code from the coordination).
 *
 * The fingerprint is checked while typing and shown in groups of 4 characters, the way the
 * coordination's sheet prints it, so that it can be compared group by group.
 */
import { api, Code, codeMessage, type ApiError, type HubStatus } from "../lib/api";
import { h, replace } from "../lib/dom";
import { formatDateTime, t } from "../lib/i18n";
import { busy, errorPanel, field, isGlobalError, screenRoot, textInput, title, type Ctx, type Field, type Screen } from "./ui";

/** Fingerprint as typed → lowercase hex (colons, spaces and dashes dropped). */
export function normaliseFingerprint(text: string): string {
  return text.replace(/[\s:-]/g, "").toLowerCase();
}

/** `ab12cd34…` → `ab12 cd34 …` (groups of 4, the sheet's layout). */
export function fingerprintGroups(text: string): string {
  return (normaliseFingerprint(text).match(/.{1,4}/g) ?? []).join(" ");
}

/** Null when the fingerprint is usable (or empty: a hub with a recognised certificate). */
export function fingerprintError(text: string, complete: boolean): string | null {
  const hex = normaliseFingerprint(text);
  if (hex === "") return null;
  if (!/^[0-9a-f]*$/.test(hex)) return t("hub.fingerprintInvalid");
  if (hex.length > 64 || (complete && hex.length !== 64)) return t("hub.fingerprintLength", { n: hex.length });
  return null;
}

/** Null when the address is an https:// address with a host. */
export function hubUrlError(text: string): string | null {
  const s = text.trim();
  if (!/^https:\/\/[^\s/?#]+/i.test(s)) return t("hub.urlInvalid");
  try {
    const u = new URL(s);
    return u.protocol === "https:" && u.hostname !== "" ? null : t("hub.urlInvalid");
  } catch {
    return t("hub.urlInvalid");
  }
}

export function hubSettingsScreen(ctx: Ctx): Screen {
  const isManager = ctx.status()?.user?.role === "manager";
  const loading = h("p", { class: "muted", role: "status" }, t("common.loading"));
  const body = h("div", null, loading);
  const errors = errorPanel("hub-error");
  let disposed = false;

  function row(label: string, value: HTMLElement | string) {
    return [h("dt", null, label), h("dd", null, value)];
  }

  function renderEnrolled(s: HubStatus) {
    const fp = s.fingerprint ? h("code", { class: "fingerprint", testid: "hub-enrolled-fingerprint" }, fingerprintGroups(s.fingerprint)) : t("hub.noFingerprint");
    replace(
      body,
      h(
        "section",
        { class: "card card--ok", testid: "hub-enrolled", "aria-labelledby": "hub-enrolled-title" },
        h("h2", { class: "section-title", id: "hub-enrolled-title", tabindex: "-1" }, t("hub.enrolledTitle")),
        h(
          "dl",
          { class: "summary" },
          row(t("hub.url"), h("span", { testid: "hub-enrolled-url" }, s.url ?? "")),
          row(t("hub.stationName"), h("span", { testid: "hub-station-name" }, s.stationName ?? "")),
          s.enrolledAt ? row(t("hub.enrolledAt"), formatDateTime(s.enrolledAt)) : null,
          row(t("hub.fingerprint"), fp),
        ),
        h("p", { class: "muted" }, t("hub.changeHint")),
      ),
    );
  }

  function renderForm(s: HubStatus) {
    const url: Field = field({
      testid: "hub-url",
      errorTestid: "hub-url-error",
      label: t("hub.url"),
      hint: t("hub.urlHint"),
      control: textInput({ type: "url", inputmode: "url", placeholder: "https://", value: s.url ?? "", "data-autofocus": true }),
    });
    const fpGroups = h("p", { class: "fingerprint-groups", testid: "hub-fingerprint-groups", "aria-label": t("hub.fingerprintGroups") });
    const fpState = h("p", { class: "fingerprint-state", testid: "hub-fingerprint-state", "aria-live": "polite" });
    const fp: Field = field({
      testid: "hub-fingerprint",
      errorTestid: "hub-fingerprint-error",
      label: t("hub.fingerprint"),
      hint: t("hub.fingerprintHint"),
      optional: true,
      class: "field--fingerprint",
      control: h("textarea", { class: "input input-mono textarea-fingerprint", rows: "2", spellcheck: "false", autocomplete: "off", autocapitalize: "off", value: s.fingerprint ?? "" }),
      after: h("div", { class: "fingerprint-check" }, fpState, fpGroups),
    });
    const code: Field = field({
      testid: "hub-code",
      errorTestid: "hub-code-error",
      label: t("hub.code"),
      hint: t("hub.codeHint"),
      control: textInput({ class: "input input-mono", autocapitalize: "characters" }),
    });
    const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg", testid: "hub-enrol" }, t("hub.submit"));
    const progress = h("p", { class: "progress", testid: "hub-progress", role: "status", hidden: true }, h("span", { class: "spinner", "aria-hidden": "true" }), t("hub.enrolling"));

    function showFingerprint(complete: boolean) {
      const text = fp.control.value;
      const hex = normaliseFingerprint(text);
      const err = fingerprintError(text, complete);
      fp.setError(err);
      // The groups stay visible with a wrong length: they help find the missing characters.
      const badChars = !/^[0-9a-f]*$/.test(hex);
      fpGroups.textContent = badChars ? "" : fingerprintGroups(text);
      fpGroups.hidden = hex === "" || badChars;
      fpState.textContent = hex === "" || err ? "" : hex.length === 64 ? t("hub.fingerprintOk") : t("hub.fingerprintLength", { n: hex.length });
      fpState.className = `fingerprint-state${hex.length === 64 && !err ? " fingerprint-state--ok" : ""}`;
      return err;
    }
    fp.control.addEventListener("input", () => showFingerprint(false));
    fp.control.addEventListener("focusout", () => showFingerprint(true));
    url.control.addEventListener("focusout", () => {
      if (url.control.value.trim() !== "") url.setError(hubUrlError(url.control.value));
    });
    url.control.addEventListener("input", () => {
      if (url.control.getAttribute("aria-invalid") && !hubUrlError(url.control.value)) url.setError(null);
    });
    code.control.addEventListener("input", () => {
      if (code.control.value.trim() !== "") code.setError(null);
    });
    showFingerprint(false);

    const form = h(
      "form",
      { class: "card form narrow-wide", novalidate: true, testid: "hub-form" },
      url.wrap,
      fp.wrap,
      code.wrap,
      errors.el,
      progress,
      h("div", { class: "actions" }, submit),
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      errors.show(null);
      const bad: Field[] = [];
      const urlErr = hubUrlError(url.control.value);
      url.setError(urlErr);
      if (urlErr) bad.push(url);
      if (showFingerprint(true)) bad.push(fp);
      const codeErr = code.control.value.trim() === "" ? t("hub.codeRequired") : null;
      code.setError(codeErr);
      if (codeErr) bad.push(code);
      if (bad.length) {
        bad[0].control.focus();
        return;
      }
      progress.hidden = false;
      try {
        const st = await busy(submit, t("hub.enrolling"), () =>
          api.enrolStation({
            url: url.control.value.trim(),
            fingerprint: normaliseFingerprint(fp.control.value),
            code: code.control.value.trim(),
          }),
        );
        if (disposed) return;
        render(st);
        body.querySelector<HTMLElement>("#hub-enrolled-title")?.focus();
      } catch (e) {
        const err = e as ApiError;
        if (isGlobalError(err)) return;
        const target =
          err.code === Code.BadEnrolmentCode
            ? code
            : err.code === Code.HubCertificateMismatch || err.field === "fingerprint"
              ? fp
              : err.field === "url"
                ? url
                : null;
        const text = err.code === Code.HubBadSetting ? err.message : (codeMessage(err.code) ?? err.message);
        target?.setError(text);
        errors.show(err, text);
        (target?.control ?? errors.el.querySelector<HTMLElement>("button"))?.focus();
      } finally {
        progress.hidden = true;
      }
    });
    replace(body, h("p", { class: "lead" }, t("hub.intro")), form);
  }

  function render(s: HubStatus) {
    if (s.enrolled) renderEnrolled(s);
    else if (isManager) renderForm(s);
    else replace(body, h("p", { class: "notice", testid: "hub-manager-only" }, t("hub.managerOnly")));
  }

  api
    .hubStatus()
    .then((s) => {
      if (disposed) return;
      render(s);
      body.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    })
    .catch((e) => {
      if (disposed || isGlobalError(e as ApiError)) return;
      replace(body);
      errors.show(e as ApiError);
      body.append(errors.el);
    });

  const root = screenRoot("hub", title("hub", t("hub.title")), body);
  return {
    name: "hub",
    root,
    state: "state.hubSettings",
    dispose() {
      disposed = true;
    },
  };
}
