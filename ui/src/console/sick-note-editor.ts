/**
 * The sick note (arrêt de travail) editor: initial or prolongation, first day off work
 * (today by default), number of days with the end date written out ("jusqu’au samedi
 * 28 novembre inclus"), the GP's declaration of being the médecin traitant, the medical
 * reason (only the caisse's medical service reads it), the exits allowed, notes.
 *
 * The hub fills the prescriber, the patient, the number and the date of issue, and
 * validates with `relais_core::sick_note` — the length rule of a sick note by
 * teleconsultation (3 days unless the médecin traitant) lives there only: the editor shows
 * the hub's refusal on the field it names. The checks here are of form only (a date, a
 * whole number, the required texts).
 */
import "../styles/console-sick-note.css";
import { h, nextId, replace } from "../lib/dom";
import { isDigit, isoToFr, maskFrDate, parseFrDate } from "../lib/dates";
import { t, tn, type MessageKey } from "../lib/i18n";
import { reformat } from "../lib/nir";
import { boundField, checkBox, fieldFor, problem, showProblems, textArea, textInput, type BoundField, type FieldProblem } from "./doc-fields";

export type SickNoteKind = "initial" | "prolongation";
export type SickNoteExits = "notAllowed" | "allowed" | "allowedAnyTime";

export const SICK_NOTE_KINDS: readonly SickNoteKind[] = ["initial", "prolongation"];
export const SICK_NOTE_EXITS: readonly SickNoteExits[] = ["notAllowed", "allowed", "allowedAnyTime"];
/** Longest medical reason (as the core's). */
export const REASON_MAX_CHARS = 1000;

export interface SickNoteDraft {
  kind: SickNoteKind;
  /** As typed: JJ/MM/AAAA. */
  startDate: string;
  /** As typed. */
  days: string;
  declaredTreatingGp: boolean;
  reason: string;
  exits: SickNoteExits;
  exitsJustification: string;
  notes: string;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** Today in the browser's time zone, `YYYY-MM-DD`. */
export function localIsoDate(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad2(now.getMonth() + 1)}-${pad2(now.getDate())}`;
}

export function emptySickNote(now: Date = new Date()): SickNoteDraft {
  return { kind: "initial", startDate: isoToFr(localIsoDate(now)), days: "", declaredTreatingGp: false, reason: "", exits: "allowed", exitsJustification: "", notes: "" };
}

/** A whole number of days as typed ("3", " 12 "); null when it is not one. */
export function parseDays(text: string): number | null {
  const s = text.trim();
  return /^\d{1,4}$/.test(s) ? Number(s) : null;
}

/** `iso` plus `n` calendar days (no time zone involved). */
export function addDays(iso: string, n: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  const at = new Date(Date.UTC(y, m - 1, d + n));
  return `${at.getUTCFullYear()}-${pad2(at.getUTCMonth() + 1)}-${pad2(at.getUTCDate())}`;
}

/** The last day off work, inclusive: start + days − 1; null without a start or a day. */
export function endDate(startIso: string | null, days: number | null): string | null {
  if (!startIso || days === null || days < 1) return null;
  return addDays(startIso, days - 1);
}

/** "samedi 28 novembre" (with the year when asked: "samedi 2 janvier 2027"). */
export function longDate(iso: string, withYear = false): string {
  const [y, m, d] = iso.split("-").map(Number);
  const opts: Intl.DateTimeFormatOptions = { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" };
  if (withYear) opts.year = "numeric";
  return new Intl.DateTimeFormat("fr-FR", opts).format(new Date(Date.UTC(y, m - 1, d)));
}

/**
 * The period in words, or null when the start date or the days are not readable yet:
 * "Jusqu’au samedi 28 novembre inclus (3 jours, à partir du jeudi 26 novembre)".
 */
export function periodText(startText: string, daysText: string): string | null {
  const start = parseFrDate(startText);
  const days = parseDays(daysText);
  const end = endDate(start, days);
  if (!start || !end || days === null) return null;
  const withYear = start.slice(0, 4) !== end.slice(0, 4);
  if (days === 1) return t("console.docs.sn.periodOne", { start: longDate(start, withYear) });
  return t("console.docs.sn.period", { start: longDate(start, withYear), end: longDate(end, withYear), count: tn("sickNote.days", days) });
}

function blank(s: string): boolean {
  return s.trim() === "";
}

/** The editor's checks of form (the length rule is the hub's, by `relais_core`). */
export function validateSickNote(d: SickNoteDraft): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (blank(d.startDate)) out.push(problem("startDate", "error.required"));
  else if (!parseFrDate(d.startDate)) out.push(problem("startDate", "console.docs.sn.startDateFormat"));
  if (blank(d.days)) out.push(problem("days", "error.required"));
  else if (parseDays(d.days) === null) out.push(problem("days", "console.docs.sn.daysFormat"));
  if (blank(d.reason)) out.push(problem("reason", "error.required"));
  else if (d.reason.trim().length > REASON_MAX_CHARS) out.push(problem("reason", "console.docs.sn.reasonTooLong", { max: REASON_MAX_CHARS }));
  if (d.exits === "allowedAnyTime" && blank(d.exitsJustification)) out.push(problem("exitsJustification", "console.docs.sn.justificationRequired"));
  return out;
}

/**
 * The content sent to the hub: only the GP's fields (the hub adds id, issuedAt, prescriber,
 * patient, and decides `byTreatingGp` from the declaration and the patient's record).
 */
export function sickNoteContent(d: SickNoteDraft): Record<string, unknown> {
  return {
    kind: d.kind,
    startDate: parseFrDate(d.startDate) ?? d.startDate.trim(),
    days: parseDays(d.days) ?? 0,
    declaredTreatingGp: d.declaredTreatingGp,
    reason: d.reason.trim(),
    exits: d.exits,
    exitsJustification: d.exits === "allowedAnyTime" ? d.exitsJustification.trim() : null,
    notes: d.notes.trim(),
  };
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function oneOf<T extends string>(v: unknown, values: readonly T[], fallback: T): T {
  return values.includes(v as T) ? (v as T) : fallback;
}

/** A draft from a signed sick note's content (to correct it). */
export function sickNoteDraftFrom(content: Record<string, unknown>): SickNoteDraft {
  return {
    kind: oneOf(content.kind, SICK_NOTE_KINDS, "initial"),
    startDate: str(content.startDate) ? isoToFr(str(content.startDate)) : isoToFr(localIsoDate()),
    days: typeof content.days === "number" ? String(content.days) : "",
    declaredTreatingGp: content.byTreatingGp === true || content.declaredTreatingGp === true,
    reason: str(content.reason),
    exits: oneOf(content.exits, SICK_NOTE_EXITS, "allowed"),
    exitsJustification: str(content.exitsJustification),
    notes: str(content.notes),
  };
}

/** What the station recorded about the médecin traitant, in words. */
export function treatingRecorded(doctor: { name: string; rpps?: string | null } | null | undefined): string {
  if (!doctor || blank(doctor.name)) return t("console.docs.sn.treatingNone");
  return doctor.rpps ? t("console.docs.sn.treatingRecorded", { name: doctor.name, rpps: doctor.rpps }) : t("console.docs.sn.treatingRecordedNoRpps", { name: doctor.name });
}

/** A group of radio buttons bound to `path`, as a field (error slot, focus on the checked one). */
function radioGroup<T extends string>(path: string, legend: string, values: readonly T[], label: (v: T) => string, value: T, onChange: (v: T) => void, testid: string): BoundField {
  const name = nextId("sn-radio");
  const errId = `${name}-err`;
  const radios = values.map((v) => {
    const r = h("input", { type: "radio", class: "check", name, value: v, testid: `${testid}-${v}`, checked: v === value, "aria-describedby": errId });
    r.addEventListener("change", () => {
      if (r.checked) onChange(v);
    });
    return r;
  });
  const error = h("p", { id: errId, class: "field-error", hidden: true, "aria-live": "polite", testid: "field-error" });
  const wrap = h(
    "fieldset",
    { class: "sn-choices", testid },
    h("legend", { class: "field-label" }, legend),
    h("div", { class: "sn-choice-list" }, ...radios.map((r, i) => h("label", { class: "check-row sn-choice" }, r, h("span", null, label(values[i]))))),
    error,
  );
  wrap.dataset.fieldWrap = path;
  const field: BoundField = {
    path,
    wrap,
    get control() {
      return radios.find((r) => r.checked) ?? radios[0];
    },
    setError(message) {
      error.textContent = message ?? "";
      error.hidden = !message;
      wrap.classList.toggle("field--invalid", !!message);
      for (const r of radios) {
        if (message) r.setAttribute("aria-invalid", "true");
        else r.removeAttribute("aria-invalid");
      }
    },
  };
  for (const r of radios) r.dataset.field = path;
  return field;
}

export interface SickNoteEditorOptions {
  draft?: SickNoteDraft;
  /** The patient's médecin traitant as recorded at the station, shown next to the declaration. */
  treatingDoctor?: { name: string; rpps?: string | null } | null;
  /** Called on every change (the workspace keeps the draft). */
  onChange?(d: SickNoteDraft): void;
}

export class SickNoteEditor {
  readonly root: HTMLElement;
  private readonly draft: SickNoteDraft;
  private readonly fields: BoundField[] = [];
  private readonly period: HTMLElement;
  private readonly justification: BoundField;
  /** A refusal of the hub that names no field of this editor. */
  private readonly general: HTMLElement;

  constructor(private readonly o: SickNoteEditorOptions = {}) {
    this.draft = structuredClone(o.draft ?? emptySickNote());
    const d = this.draft;

    const kind = radioGroup("kind", t("console.docs.sn.kind"), SICK_NOTE_KINDS, (k) => t(`console.docs.sn.kind.${k}` as MessageKey), d.kind, (k) => this.set({ kind: k }), "sn-kind");

    const start = textInput("sn-start", d.startDate, { inputmode: "numeric", class: "input input-date", placeholder: t("console.docs.sn.datePlaceholder"), maxlength: "10" });
    start.addEventListener("input", () => {
      const atEnd = (start.selectionStart ?? start.value.length) >= start.value.length;
      const r = reformat(start.value, start.selectionStart ?? start.value.length, maskFrDate, isDigit);
      start.value = r.value;
      const caret = atEnd ? r.value.length : r.caret;
      start.setSelectionRange(caret, caret);
      this.set({ startDate: start.value });
    });
    const startField = boundField("startDate", t("console.docs.sn.startDate"), start, { hint: t("console.docs.sn.startDateHint") });

    const days = textInput("sn-days", d.days, { inputmode: "numeric", class: "input input-short", maxlength: "4", "aria-controls": "sn-period" });
    days.addEventListener("input", () => this.set({ days: days.value }));
    const daysField = boundField("days", t("console.docs.sn.days"), days, { hint: t("console.docs.sn.daysHint") });
    this.period = h("p", { class: "sn-period", id: "sn-period", testid: "sn-period", "aria-live": "polite" });

    const treating = checkBox("sn-treating", d.declaredTreatingGp);
    treating.addEventListener("change", () => this.set({ declaredTreatingGp: treating.checked }));
    const treatingField = boundField("declaredTreatingGp", t("console.docs.sn.treating"), treating);
    const recorded = h("p", { id: "sn-treating-recorded", class: "field-hint sn-treating-recorded", testid: "sn-treating-recorded" }, treatingRecorded(o.treatingDoctor));
    treating.setAttribute("aria-describedby", `sn-treating-recorded ${treating.getAttribute("aria-describedby") ?? ""}`.trim());

    const reason = textArea("sn-reason", d.reason, 3);
    reason.maxLength = REASON_MAX_CHARS;
    reason.addEventListener("input", () => this.set({ reason: reason.value }));
    const reasonField = boundField("reason", t("console.docs.sn.reason"), reason, { hint: t("console.docs.sn.reasonHint") });

    const justification = textInput("sn-justification", d.exitsJustification);
    justification.addEventListener("input", () => this.set({ exitsJustification: justification.value }));
    this.justification = boundField("exitsJustification", t("console.docs.sn.justification"), justification);

    const exits = radioGroup(
      "exits",
      t("console.docs.sn.exits"),
      SICK_NOTE_EXITS,
      (e) => t(`console.docs.sn.exits.${e}` as MessageKey),
      d.exits,
      (e) => {
        this.set({ exits: e });
        if (e === "allowedAnyTime") this.justification.control.focus();
      },
      "sn-exits",
    );

    const notes = textArea("sn-notes", d.notes, 2);
    notes.addEventListener("input", () => this.set({ notes: notes.value }));
    const notesField = boundField("notes", t("console.docs.sn.notes"), notes, { optional: true });

    this.general = h("p", { class: "field-error", testid: "sn-error", hidden: true, role: "alert" });
    this.fields.push(kind, startField, daysField, treatingField, reasonField, exits, this.justification, notesField);
    this.root = h(
      "div",
      { class: "doc-editor sn-editor", testid: "sn-editor" },
      this.general,
      kind.wrap,
      h("div", { class: "sn-dates" }, startField.wrap, daysField.wrap, this.period),
      h("div", { class: "sn-treating" }, treatingField.wrap, recorded),
      reasonField.wrap,
      exits.wrap,
      this.justification.wrap,
      notesField.wrap,
    );
    this.refresh();
  }

  value(): SickNoteDraft {
    return structuredClone(this.draft);
  }

  /** Runs the editor's checks of form, shows the problems; true when none. */
  check(): boolean {
    this.showGeneral(null);
    return !showProblems(this.visibleFields(), validateSickNote(this.draft));
  }

  content(): Record<string, unknown> {
    return sickNoteContent(this.draft);
  }

  /** Shows a problem the hub found (`DOCUMENT_INVALID` names the field) on that field. */
  showHubProblem(field: string, message: string): void {
    const fields = this.visibleFields();
    const target = fieldFor(fields, field);
    showProblems(fields, target ? [{ field: target.path, message }] : []);
    this.showGeneral(target ? null : message);
  }

  private showGeneral(message: string | null): void {
    this.general.textContent = message ?? "";
    this.general.hidden = !message;
  }

  private visibleFields(): BoundField[] {
    return this.fields.filter((f) => !f.wrap.hidden);
  }

  private set(change: Partial<SickNoteDraft>): void {
    Object.assign(this.draft, change);
    this.refresh();
    this.o.onChange?.(this.value());
  }

  private refresh(): void {
    const anyTime = this.draft.exits === "allowedAnyTime";
    this.justification.wrap.hidden = !anyTime;
    if (!anyTime) this.justification.setError(null);
    const text = periodText(this.draft.startDate, this.draft.days);
    replace(this.period, text ?? "");
    this.period.hidden = !text;
  }
}
