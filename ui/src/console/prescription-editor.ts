/**
 * The prescription (ordonnance) editor: lines (drug or INN, dosage, duration and/or
 * quantity, renewals, "non substituable", ALD), free instructions, the child's weight.
 *
 * The hub fills the prescriber, the patient's identity, the number and the date, and
 * validates with `relais_core::prescription` (the rules live there); the checks here only
 * spare the GP a round trip and mirror the same messages. Keyboard: "Ajouter une ligne"
 * focuses the new line's drug; each line's "Supprimer" returns focus to a neighbour;
 * Alt+Entrée in a line adds a line.
 */
import { h, replace } from "../lib/dom";
import { formatDecimal, parseDecimal, t } from "../lib/i18n";
import { boundField, checkBox, fieldFor, problem, showProblems, textArea, textInput, type BoundField, type FieldProblem } from "./doc-fields";

/** Under this age the weight is asked (as `relais_core::prescription::CHILD_UNDER_YEARS`). */
export const CHILD_UNDER_YEARS = 18;
/** Most renewals of one line (`MAX_RENEWALS` in core). */
export const MAX_RENEWALS = 11;

export interface LineDraft {
  drug: string;
  dosage: string;
  duration: string;
  quantity: string;
  renewals: string;
  ald: boolean;
  nonSubstitutable: boolean;
}

export interface PrescriptionDraft {
  lines: LineDraft[];
  notes: string;
  /** As typed ("24,5"); only for a child. */
  weightKg: string;
}

export function emptyLine(): LineDraft {
  return { drug: "", dosage: "", duration: "", quantity: "", renewals: "0", ald: false, nonSubstitutable: false };
}

export function emptyPrescription(): PrescriptionDraft {
  return { lines: [emptyLine()], notes: "", weightKg: "" };
}

function blank(s: string): boolean {
  return s.trim() === "";
}

/** The editor's checks (same fields and messages as the hub's). */
export function validatePrescription(d: PrescriptionDraft, child: boolean): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (child) {
    const w = parseDecimal(d.weightKg);
    if (blank(d.weightKg)) out.push(problem("patient.weightKg", "console.docs.rx.weightRequired"));
    else if (w === null || w < 0.3 || w > 400) out.push(problem("patient.weightKg", "console.docs.rx.weightRange"));
  }
  const lines = d.lines.filter((l) => !isEmptyLine(l));
  if (lines.length === 0) out.push(problem("lines", "console.docs.rx.noLines"));
  d.lines.forEach((l, i) => {
    if (isEmptyLine(l)) return;
    if (blank(l.drug)) out.push(problem(`lines[${i}].drug`, "error.required"));
    if (blank(l.dosage)) out.push(problem(`lines[${i}].dosage`, "error.required"));
    if (blank(l.duration) && blank(l.quantity)) out.push(problem(`lines[${i}].duration`, "console.docs.rx.durationOrQuantity"));
    const r = Number(l.renewals.trim() === "" ? "0" : l.renewals.trim());
    if (!Number.isInteger(r) || r < 0) out.push(problem(`lines[${i}].renewals`, "console.docs.rx.renewalsFormat"));
    else if (r > MAX_RENEWALS) out.push(problem(`lines[${i}].renewals`, "console.docs.rx.renewalsTooMany", { max: MAX_RENEWALS }));
  });
  return out;
}

function isEmptyLine(l: LineDraft): boolean {
  return blank(l.drug) && blank(l.dosage) && blank(l.duration) && blank(l.quantity);
}

function optional(s: string): string | null {
  return blank(s) ? null : s.trim();
}

/** The content sent to the hub (the hub adds id, issuedAt, prescriber, patient identity). */
export function prescriptionContent(d: PrescriptionDraft, child: boolean): Record<string, unknown> {
  const weight = child ? parseDecimal(d.weightKg) : null;
  return {
    patient: weight === null ? {} : { weightKg: weight },
    lines: d.lines
      .filter((l) => !isEmptyLine(l))
      .map((l) => ({
        drug: l.drug.trim(),
        dosage: l.dosage.trim(),
        duration: optional(l.duration),
        quantity: optional(l.quantity),
        renewals: Number(l.renewals.trim() === "" ? "0" : l.renewals.trim()),
        ald: l.ald,
        nonSubstitutable: l.nonSubstitutable,
      })),
    notes: d.notes.trim(),
  };
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** A draft from a signed prescription's content (to correct it). */
export function prescriptionDraftFrom(content: Record<string, unknown>): PrescriptionDraft {
  const lines = Array.isArray(content.lines) ? (content.lines as Record<string, unknown>[]) : [];
  const patient = (content.patient ?? {}) as Record<string, unknown>;
  return {
    lines: lines.length
      ? lines.map((l) => ({
          drug: str(l.drug),
          dosage: str(l.dosage),
          duration: str(l.duration),
          quantity: str(l.quantity),
          renewals: String(typeof l.renewals === "number" ? l.renewals : 0),
          ald: l.ald === true,
          nonSubstitutable: l.nonSubstitutable === true,
        }))
      : [emptyLine()],
    notes: str(content.notes),
    weightKg: typeof patient.weightKg === "number" ? formatDecimal(patient.weightKg) : "",
  };
}

export interface PrescriptionEditorOptions {
  /** The patient is a child: the weight is asked. */
  child: boolean;
  draft?: PrescriptionDraft;
  /** Called on every change (the workspace keeps the draft). */
  onChange?(d: PrescriptionDraft): void;
}

export class PrescriptionEditor {
  readonly root: HTMLElement;
  private draft: PrescriptionDraft;
  private fields: BoundField[] = [];
  private readonly linesEl: HTMLElement;
  private readonly linesError: HTMLElement;
  private readonly head: HTMLElement;
  private readonly notesField: BoundField;
  private weightField: BoundField | null = null;

  constructor(private readonly o: PrescriptionEditorOptions) {
    this.draft = structuredClone(o.draft ?? emptyPrescription());
    this.linesEl = h("ol", { class: "rx-lines", testid: "rx-lines", "aria-label": t("console.docs.rx.lines") });
    this.linesError = h("p", { class: "field-error", testid: "rx-lines-error", hidden: true, "aria-live": "polite" });
    this.head = h("div", { class: "rx-head" });
    const notes = textArea("rx-notes", this.draft.notes, 3);
    notes.addEventListener("input", () => {
      this.draft.notes = notes.value;
      this.changed();
    });
    this.notesField = boundField("notes", t("console.docs.rx.notes"), notes, { optional: true, hint: t("console.docs.rx.notesHint") });
    const add = h("button", { type: "button", class: "btn btn-secondary", testid: "rx-add-line" }, t("console.docs.rx.addLine"));
    add.addEventListener("click", () => this.addLine());
    this.root = h(
      "div",
      { class: "doc-editor rx-editor", testid: "rx-editor" },
      this.head,
      h("h3", { class: "doc-subtitle" }, t("console.docs.rx.lines")),
      this.linesEl,
      this.linesError,
      h("div", { class: "actions actions--left" }, add),
      this.notesField.wrap,
    );
    this.render();
  }

  value(): PrescriptionDraft {
    return structuredClone(this.draft);
  }

  /** Runs the editor's checks, shows the problems; true when none. */
  check(): boolean {
    return !this.show(validatePrescription(this.draft, this.o.child));
  }

  content(): Record<string, unknown> {
    return prescriptionContent(this.draft, this.o.child);
  }

  /** Shows a problem the hub found (field path from `DOCUMENT_INVALID`). */
  showHubProblem(field: string, message: string): void {
    this.show([{ field, message }], field);
  }

  private show(problems: FieldProblem[], hubField?: string): boolean {
    const linesProblem = problems.find((p) => p.field === "lines");
    this.linesError.hidden = !linesProblem;
    this.linesError.textContent = linesProblem?.message ?? "";
    const all = [...(this.weightField ? [this.weightField] : []), ...this.fields, this.notesField];
    let mapped = problems;
    if (hubField) {
      const target = fieldFor(all, hubField);
      mapped = target ? [{ field: target.path, message: problems[0]?.message ?? "" }] : problems;
    }
    const shown = showProblems(all, mapped);
    if (!shown && linesProblem) this.linesEl.querySelector<HTMLElement>("input")?.focus();
    return shown || !!linesProblem;
  }

  private changed(): void {
    this.o.onChange?.(this.value());
  }

  addLine(): void {
    this.draft.lines.push(emptyLine());
    this.render();
    this.changed();
    this.linesEl.querySelector<HTMLInputElement>(`[data-field="lines[${this.draft.lines.length - 1}].drug"]`)?.focus();
  }

  removeLine(i: number): void {
    this.draft.lines.splice(i, 1);
    if (this.draft.lines.length === 0) this.draft.lines.push(emptyLine());
    this.render();
    this.changed();
    const next = Math.min(i, this.draft.lines.length - 1);
    this.linesEl.querySelector<HTMLInputElement>(`[data-field="lines[${next}].drug"]`)?.focus();
  }

  private render(): void {
    this.fields = [];
    if (this.o.child) {
      const w = textInput("rx-weight", this.draft.weightKg, { inputmode: "decimal", class: "input input-short" });
      w.addEventListener("input", () => {
        this.draft.weightKg = w.value;
        this.changed();
      });
      this.weightField = boundField("patient.weightKg", t("console.docs.rx.weight"), w, { hint: t("console.docs.rx.weightHint") });
      replace(this.head, this.weightField.wrap);
    } else {
      replace(this.head);
    }
    replace(this.linesEl, ...this.draft.lines.map((l, i) => this.lineEl(l, i)));
  }

  private lineEl(l: LineDraft, i: number): HTMLElement {
    const p = `lines[${i}]`;
    const text = (key: keyof LineDraft, label: string, attrs: Record<string, unknown> = {}, opt = false, hint?: string) => {
      const input = textInput(`rx-${key}`, String(l[key]), attrs);
      input.addEventListener("input", () => {
        (l as unknown as Record<string, unknown>)[key] = input.value;
        this.changed();
      });
      const f = boundField(`${p}.${key}`, label, input, { optional: opt, hint });
      this.fields.push(f);
      return f.wrap;
    };
    const check = (key: "ald" | "nonSubstitutable", label: string) => {
      const box = checkBox(`rx-${key}`, l[key]);
      box.addEventListener("change", () => {
        l[key] = box.checked;
        this.changed();
      });
      const f = boundField(`${p}.${key}`, label, box);
      this.fields.push(f);
      return f.wrap;
    };
    const remove = h("button", { type: "button", class: "btn btn-secondary btn-small", testid: "rx-remove-line", "aria-label": t("console.docs.rx.removeLineN", { n: i + 1 }) }, t("console.docs.rx.removeLine"));
    remove.addEventListener("click", () => this.removeLine(i));
    const li = h(
      "li",
      { class: "rx-line card", testid: "rx-line", "aria-label": t("console.docs.rx.lineN", { n: i + 1 }) },
      h("div", { class: "rx-line-head" }, h("h4", { class: "rx-line-title" }, t("console.docs.rx.lineN", { n: i + 1 })), remove),
      h(
        "div",
        { class: "rx-line-grid" },
        text("drug", t("console.docs.rx.drug"), {}, false, t("console.docs.rx.drugHint")),
        text("dosage", t("console.docs.rx.dosage"), {}, false, t("console.docs.rx.dosageHint")),
        text("duration", t("console.docs.rx.duration"), {}, true),
        text("quantity", t("console.docs.rx.quantity"), {}, true),
        text("renewals", t("console.docs.rx.renewals"), { inputmode: "numeric", class: "input input-short" }),
        h("div", { class: "rx-line-checks" }, check("nonSubstitutable", t("console.docs.rx.nonSubstitutable")), check("ald", t("console.docs.rx.ald"))),
      ),
    );
    li.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && ev.altKey) {
        ev.preventDefault();
        this.addLine();
      }
    });
    return li;
  }
}
