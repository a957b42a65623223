/**
 * Console building blocks: the screen contract, labelled fields, an alert panel, icons.
 */
import { h, nextId, type Child } from "../lib/dom";
import { t, type MessageKey } from "../lib/i18n";

export type Tone = "neutral" | "ok" | "attention" | "danger";

export interface Screen {
  name: "starting" | "signin" | "waiting" | "call";
  root: HTMLElement;
  /** State text shown in the header bar. */
  state: MessageKey;
  tone?: Tone;
  /** Uses the whole width (the call). */
  wide?: boolean;
  dispose?(): void;
}

export interface LabelledInput {
  wrap: HTMLElement;
  input: HTMLInputElement;
  setError(message: string | null): void;
}

/** A label, an optional hint, the input and its error slot, wired for screen readers. */
export function labelled(label: string, input: HTMLInputElement, hint?: string): LabelledInput {
  const id = input.id || nextId("in");
  input.id = id;
  const hintEl = hint ? h("p", { id: `${id}-hint`, class: "field-hint" }, hint) : null;
  const error = h("p", { id: `${id}-err`, class: "field-error", hidden: true, "aria-live": "polite" });
  input.setAttribute("aria-describedby", [hintEl ? `${id}-hint` : null, `${id}-err`].filter(Boolean).join(" "));
  const wrap = h("div", { class: "field" }, h("label", { for: id, class: "field-label" }, label), hintEl, input, error);
  return {
    wrap,
    input,
    setError(message) {
      error.textContent = message ?? "";
      error.hidden = !message;
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      wrap.classList.toggle("field--invalid", !!message);
    },
  };
}

/** An alert panel (hidden while empty). */
export function alertPanel(testid: string, tone: "danger" | "attention" = "danger") {
  const el = h("div", { class: `alert alert--${tone}`, role: "alert", testid, hidden: true });
  return {
    el,
    /** `showCode`: add the technical code under the message (for unexpected errors). */
    show(message: string | null, code?: string, showCode = false) {
      el.textContent = message ?? "";
      if (message && code && showCode) el.appendChild(h("span", { class: "alert-code" }, t("common.errorCode", { code })));
      if (code) el.dataset.code = code;
      else delete el.dataset.code;
      el.hidden = !message;
    },
  };
}

const ICONS = {
  mic: "M12 14c1.66 0 3-1.34 3-3V5c0-1.66-1.34-3-3-3S9 3.34 9 5v6c0 1.66 1.34 3 3 3zm5.3-3c0 3-2.54 5.1-5.3 5.1S6.7 14 6.7 11H5c0 3.41 2.72 6.23 6 6.72V21h2v-3.28c3.28-.48 6-3.3 6-6.72h-1.7z",
  micOff:
    "M19 11h-1.7c0 .74-.16 1.43-.43 2.05l1.23 1.23c.56-.98.9-2.09.9-3.28zm-4.02.17c0-.06.02-.11.02-.17V5c0-1.66-1.34-3-3-3S9 3.34 9 5v.18l5.98 5.99zM4.27 3L3 4.27l6.01 6.01V11c0 1.66 1.33 3 2.99 3 .22 0 .44-.03.65-.08l1.66 1.66c-.71.33-1.5.52-2.31.52-2.76 0-5.3-2.1-5.3-5.1H5c0 3.41 2.72 6.23 6 6.72V21h2v-3.28c.91-.13 1.77-.45 2.54-.9L19.73 21 21 19.73 4.27 3z",
  camera: "M17 10.5V7c0-.55-.45-1-1-1H4c-.55 0-1 .45-1 1v10c0 .55.45 1 1 1h12c.55 0 1-.45 1-1v-3.5l4 4v-11l-4 4z",
  cameraOff:
    "M21 6.5l-4 4V7c0-.55-.45-1-1-1H9.82L21 17.18V6.5zM3.27 2L2 3.27 4.73 6H4c-.55 0-1 .45-1 1v10c0 .55.45 1 1 1h12c.21 0 .39-.08.54-.18L19.73 21 21 19.73 3.27 2z",
  hangup:
    "M12 9c-1.6 0-3.15.25-4.6.72v3.1c0 .39-.23.74-.56.9-.98.49-1.87 1.12-2.66 1.85-.18.18-.43.28-.7.28-.28 0-.53-.11-.71-.29L.29 13.08c-.18-.17-.29-.42-.29-.7 0-.28.11-.53.29-.71C3.34 8.78 7.46 7 12 7s8.66 1.78 11.71 4.67c.18.18.29.43.29.71 0 .28-.11.53-.29.71l-2.48 2.48c-.18.18-.43.29-.71.29-.27 0-.52-.11-.7-.28-.79-.74-1.69-1.36-2.67-1.85-.33-.16-.56-.5-.56-.9v-3.1C15.15 9.25 13.6 9 12 9z",
  send: "M2.01 21L23 12 2.01 3 2 10l15 2-15 2z",
} as const;
export type IconName = keyof typeof ICONS;

const SVG = "http://www.w3.org/2000/svg";

/** A decorative icon (hidden from screen readers: the button's text names it). */
export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "gp-icon");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", ICONS[name]);
  path.setAttribute("fill", "currentColor");
  svg.appendChild(path);
  return svg;
}

/** Swap the icon inside a button. */
export function setIcon(button: HTMLElement, name: IconName): void {
  button.querySelector("svg.gp-icon")?.replaceWith(icon(name));
}

export function screenRoot(name: Screen["name"], ...children: Child[]): HTMLElement {
  return h("section", { class: `screen screen--${name}`, testid: `screen-${name}`, "aria-labelledby": `${name}-title` }, children);
}
