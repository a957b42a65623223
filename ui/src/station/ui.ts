/**
 * Station building blocks: the screen contract, routes, form fields with their error slot,
 * the error panel with its "Détails" toggle, busy buttons.
 */
import { Code, type ApiError, type Consultation, type Status } from "../lib/api";
import { h, nextId, replace, type Child } from "../lib/dom";
import { t, type MessageKey } from "../lib/i18n";

export type Tone = "neutral" | "ok" | "attention" | "danger";

export type ScreenName =
  | "unlock"
  | "setup"
  | "signin"
  | "locked"
  | "today"
  | "patient-form"
  | "patient"
  | "intake"
  | "accepted"
  | "call"
  | "redirect"
  | "audit"
  | "hub"
  | "documents"
  | "printers"
  | "devices";

export type Route =
  | { name: "unlock" }
  | { name: "setup" }
  | { name: "signin" }
  | { name: "today" }
  | { name: "patient-form"; id?: string }
  | { name: "patient"; id: string }
  | { name: "intake"; patientId: string }
  | { name: "accepted"; consultation: Consultation }
  /** The call of a requested consultation; `start` sends it to the hub first (start_call). */
  | { name: "call"; consultation: Consultation; start?: boolean }
  | { name: "redirect"; consultation: Consultation }
  | { name: "audit" }
  | { name: "hub-settings" }
  /** The GP's documents of a consultation and their printing. */
  | { name: "documents"; consultationId: string; patientId?: string }
  | { name: "printers" }
  /** Réglages › Appareils: device check, device choice, camera roles. */
  | { name: "devices" };

/** What a screen gives the app. */
export interface Screen {
  name: ScreenName;
  root: HTMLElement;
  /** The visible state text in the header. */
  state: MessageKey;
  tone?: Tone;
  /** Covers the whole window, header included (the redirection screen). */
  fullscreen?: boolean;
  /** A state that changes while the screen is shown (the call): replaces `state`/`tone`. */
  liveState?(): { text: string; tone: Tone } | null;
  dispose?(): void;
}

/** What the app gives a screen. */
export interface Ctx {
  status(): Status | null;
  go(route: Route): void;
  applyStatus(status: Status): void;
  /** The screen's `liveState` changed: show it in the header. */
  refreshState?(): void;
  /** Something is going on that the user follows without touching (a call): no lock. */
  keepAwake?(): void;
}

/** Errors the app handles globally (lock screen, sign-in): screens do not show them. */
export function isGlobalError(e: ApiError): boolean {
  return e.code === Code.SessionLocked || e.code === Code.NotSignedIn;
}

/** Root element of a screen, with its stable test hook. */
export function screenRoot(name: ScreenName, ...children: Child[]): HTMLElement {
  return h("section", { class: `screen screen--${name}`, testid: `screen-${name}`, "aria-labelledby": `${name}-title` }, children);
}

export function title(name: ScreenName, text: string, extra?: Record<string, unknown>): HTMLHeadingElement {
  return h("h1", { id: `${name}-title`, class: "screen-title", tabindex: "-1", ...extra }, text);
}

/** An error message in plain French with the technical code behind a "Détails" toggle. */
export function errorPanel(testid = "form-error") {
  const el = h("div", { class: "error-panel", role: "alert", testid, hidden: true });
  function show(err: ApiError | null, messageOverride?: string) {
    if (!err) {
      el.hidden = true;
      replace(el);
      return;
    }
    const detailsId = nextId("details");
    const details = h(
      "div",
      { id: detailsId, class: "error-details", hidden: true },
      h("p", null, t("common.errorCode", { code: err.code })),
      err.detail ? h("pre", null, err.detail) : null,
    );
    const toggle = h("button", {
      type: "button",
      class: "btn-link",
      "aria-expanded": "false",
      "aria-controls": detailsId,
      testid: "error-details-toggle",
      onclick: () => {
        details.hidden = !details.hidden;
        toggle.setAttribute("aria-expanded", String(!details.hidden));
        toggle.textContent = details.hidden ? t("common.details") : t("common.hideDetails");
      },
    });
    toggle.textContent = t("common.details");
    replace(el, h("p", { class: "error-message" }, messageOverride ?? err.message), toggle, details);
    el.hidden = false;
  }
  return { el, show };
}

export interface FieldOptions {
  /** Suffix of the test ids: input `<prefix>-<key>`... given in full here. */
  testid: string;
  /** data-testid of the error element. */
  errorTestid: string;
  label: string;
  hint?: string;
  optional?: boolean;
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  /** Element shown after the control (e.g. the NIR key status). */
  after?: Child;
  class?: string;
}

export interface Field {
  wrap: HTMLElement;
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  error: HTMLElement;
  setError(message: string | null): void;
}

/** Label, hint, control and error slot, wired for screen readers. */
export function field(o: FieldOptions): Field {
  const id = o.control.id || nextId("in");
  o.control.id = id;
  o.control.dataset.testid = o.testid;
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const error = h("p", { id: errId, class: "field-error", testid: o.errorTestid, hidden: true, "aria-live": "polite" });
  const hint = o.hint ? h("p", { id: hintId, class: "field-hint" }, o.hint) : null;
  o.control.setAttribute("aria-describedby", [hint ? hintId : null, errId].filter(Boolean).join(" "));
  const label = h(
    "label",
    { for: id, class: "field-label" },
    o.label,
    o.optional ? h("span", { class: "optional" }, ` (${t("common.optional")})`) : null,
  );
  const wrap = h("div", { class: `field ${o.class ?? ""}`.trim() }, label, hint, o.control, o.after, error);
  function setError(message: string | null) {
    if (message) {
      error.textContent = message;
      error.hidden = false;
      o.control.setAttribute("aria-invalid", "true");
      wrap.classList.add("field--invalid");
    } else {
      error.textContent = "";
      error.hidden = true;
      o.control.removeAttribute("aria-invalid");
      wrap.classList.remove("field--invalid");
    }
  }
  return { wrap, control: o.control, error, setError };
}

export function textInput(attrs: Record<string, unknown> = {}): HTMLInputElement {
  return h("input", { type: "text", class: "input", autocomplete: "off", spellcheck: "false", ...attrs });
}

/** A checkbox with its label, big enough to hit. */
export function checkbox(testid: string, label: string, attrs: Record<string, unknown> = {}): {
  wrap: HTMLLabelElement;
  input: HTMLInputElement;
} {
  const input = h("input", { type: "checkbox", class: "check", testid, ...attrs });
  const wrap = h("label", { class: "check-row" }, input, h("span", null, label));
  return { wrap, input };
}

/**
 * Run `fn` with the button disabled; after 300 ms its label becomes `busyLabel`
 * (short actions do not flicker). The label comes back afterwards.
 */
export async function busy<T>(button: HTMLButtonElement, busyLabel: string, fn: () => Promise<T>): Promise<T> {
  const label = button.textContent ?? "";
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  const timer = setTimeout(() => {
    button.textContent = busyLabel;
  }, 300);
  try {
    return await fn();
  } finally {
    clearTimeout(timer);
    button.textContent = label;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** Field error of an API error's `fields`/`field` for the given paths. */
export function fieldErrors(err: ApiError): { field: string; message: string }[] {
  const out = (err.fields ?? []).map((f) => ({ field: f.field, message: f.message }));
  if (err.field && !out.some((f) => f.field === err.field)) out.push({ field: err.field, message: err.message });
  return out;
}

/** A small status pill ("Prêt", "En attente du médecin"). */
export function pill(text: string, tone: Tone = "neutral", attrs: Record<string, unknown> = {}): HTMLElement {
  return h("span", { class: `pill pill--${tone}`, ...attrs }, text);
}
