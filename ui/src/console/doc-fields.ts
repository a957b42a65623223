/**
 * Form pieces shared by the document editors: a labelled field bound to a JSON path of the
 * document (`lines[0].dosage`) so that an error from the editor's own checks or from the
 * hub (`DOCUMENT_INVALID` names the field) shows next to the right input.
 */
import { h, nextId } from "../lib/dom";
import { t, type MessageKey } from "../lib/i18n";

/** A problem with one field: its JSON path and the French message. */
export interface FieldProblem {
  field: string;
  message: string;
}

export type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** One field: wrapper, control, error slot. */
export interface BoundField {
  path: string;
  wrap: HTMLElement;
  control: Control;
  setError(message: string | null): void;
}

/** A labelled text input, textarea or select bound to `path`. */
export function boundField(path: string, label: string, control: Control, opts: { hint?: string; optional?: boolean } = {}): BoundField {
  const id = control.id || nextId("doc");
  control.id = id;
  control.dataset.field = path;
  if (!(control instanceof HTMLSelectElement) && !control.classList.contains("check")) control.classList.add("input");
  const hintEl = opts.hint ? h("p", { id: `${id}-hint`, class: "field-hint" }, opts.hint) : null;
  const error = h("p", { id: `${id}-err`, class: "field-error", hidden: true, "aria-live": "polite", testid: "field-error" });
  control.setAttribute("aria-describedby", [hintEl ? `${id}-hint` : null, `${id}-err`].filter(Boolean).join(" "));
  const isCheck = control instanceof HTMLInputElement && control.type === "checkbox";
  const labelEl = h("label", { for: id, class: "field-label" }, label, opts.optional ? h("span", { class: "optional" }, ` (${t("common.optional")})`) : null);
  const wrap = isCheck ? h("div", { class: "field field--check" }, labelEl, control, error) : h("div", { class: "field" }, labelEl, hintEl, control, error);
  wrap.dataset.fieldWrap = path;
  return {
    path,
    wrap,
    control,
    setError(message) {
      error.textContent = message ?? "";
      error.hidden = !message;
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
      wrap.classList.toggle("field--invalid", !!message);
    },
  };
}

export function textInput(testid: string, value = "", attrs: Record<string, unknown> = {}): HTMLInputElement {
  return h("input", { type: "text", testid, value, autocomplete: "off", ...attrs });
}

export function textArea(testid: string, value = "", rows = 3): HTMLTextAreaElement {
  const el = h("textarea", { testid, rows: String(rows), class: "input textarea" });
  el.value = value;
  return el;
}

export function checkBox(testid: string, checked = false): HTMLInputElement {
  return h("input", { type: "checkbox", class: "check", testid, checked });
}

/** Shows `problems` on `fields` (clearing the others); focuses the first one; returns whether any was shown. */
export function showProblems(fields: BoundField[], problems: FieldProblem[], focus = true): boolean {
  let first: BoundField | null = null;
  for (const f of fields) {
    const p = problems.find((x) => x.field === f.path || x.field.startsWith(`${f.path}.`));
    f.setError(p ? p.message : null);
    if (p && !first) first = f;
  }
  if (first && focus) first.control.focus();
  return first !== null;
}

/** The field of `fields` that best matches a hub path (exact, else its closest parent). */
export function fieldFor(fields: BoundField[], path: string): BoundField | null {
  let p = path;
  for (;;) {
    const f = fields.find((x) => x.path === p);
    if (f) return f;
    const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
    if (cut <= 0) return null;
    p = p.slice(0, cut);
  }
}

export function problem(field: string, key: MessageKey, params?: Record<string, string | number>): FieldProblem {
  return { field, message: t(key, params) };
}
