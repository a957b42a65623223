/**
 * The consultation report (compte rendu) editor: reason, findings, the readings taken
 * (pre-filled from the call's readings panel, each can be left out), diagnosis,
 * orientation, the acts (the GP's TCG and the nurse's assistance act, with their codes and
 * fees from DOMAIN.md), the professional beside the patient, the technical incidents
 * (pre-filled from the hub's record of the call), the copy to the médecin traitant.
 *
 * The hub fills the patient, the GP, the consultation's number and times, and validates
 * with `relais_core::report`.
 */
import { h, replace } from "../lib/dom";
import { formatDateTime, has, t, type MessageKey } from "../lib/i18n";
import { boundField, checkBox, fieldFor, problem, showProblems, textArea, textInput, type BoundField, type FieldProblem } from "./doc-fields";
import { formatReading, readingLabel } from "./format";
import type { ReadingMessage } from "./protocol";

/** The assisting professional's acts (DOMAIN.md), in euro cents. */
export const ASSISTANCE_ACTS = [
  { code: "TLS", cents: 1000 },
  { code: "TLL", cents: 1200 },
  { code: "TLD", cents: 1500 },
] as const;
export type AssistanceAct = (typeof ASSISTANCE_ACTS)[number]["code"];
/** The GP's teleconsultation act. */
export const GP_ACT = { code: "TCG", cents: 2500 } as const;

export interface IncidentDraft {
  at: string;
  description: string;
}

export interface ReportDraft {
  reason: string;
  findings: string;
  diagnosis: string;
  orientation: string;
  readings: { message: ReadingMessage; included: boolean }[];
  assistanceAct: AssistanceAct | "";
  assistantName: string;
  assistantProfession: string;
  place: string;
  consent: boolean;
  incidents: IncidentDraft[];
  copyToTreating: boolean;
  copyName: string;
  copyAddress: string;
}

export function emptyReport(init: { reason?: string; place?: string } = {}): ReportDraft {
  return {
    reason: init.reason ?? "",
    findings: "",
    diagnosis: "",
    orientation: "",
    readings: [],
    assistanceAct: "TLS",
    assistantName: "",
    assistantProfession: t("console.docs.report.nurse"),
    place: init.place ?? "",
    consent: true,
    incidents: [],
    copyToTreating: false,
    copyName: "",
    copyAddress: "",
  };
}

/** French text of an incident the hub recorded (kind and side). */
export function incidentText(i: { kind: string; side: string; detail: string }): string {
  const key = `console.docs.incident.${i.kind}`;
  const what = has(key) ? t(key as MessageKey) : i.kind;
  const side = i.side === "gp" ? t("console.docs.incident.sideGp") : t("console.docs.incident.sideStation");
  return i.detail ? t("console.docs.incident.withDetail", { what, side, detail: i.detail }) : t("console.docs.incident.line", { what, side });
}

function blank(s: string): boolean {
  return s.trim() === "";
}

export function validateReport(d: ReportDraft): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (!d.consent) out.push(problem("patientConsent", "console.docs.report.consentRequired"));
  if (blank(d.assistantName)) out.push(problem("assistant.name", "error.required"));
  if (blank(d.assistantProfession)) out.push(problem("assistant.profession", "error.required"));
  if (blank(d.reason)) out.push(problem("reason", "error.required"));
  if (blank(d.findings)) out.push(problem("findings", "error.required"));
  if (blank(d.orientation)) out.push(problem("orientation", "error.required"));
  d.incidents.forEach((inc, i) => {
    if (blank(inc.description)) out.push(problem(`incidents[${i}].description`, "error.required"));
  });
  if (d.copyToTreating && blank(d.copyName)) out.push(problem("copyTo.name", "error.required"));
  return out;
}

function orNull(s: string): string | null {
  return blank(s) ? null : s.trim();
}

/** The content sent to the hub (it adds id, consultationId, dates, patient and GP). */
export function reportContent(d: ReportDraft, prescriptionIds: string[]): Record<string, unknown> {
  return {
    patientConsent: d.consent,
    assistant: { name: d.assistantName.trim(), profession: d.assistantProfession.trim(), rpps: null, place: orNull(d.place) },
    reason: d.reason.trim(),
    findings: d.findings.trim(),
    readings: d.readings.filter((r) => r.included).map((r) => ({ takenAt: r.message.takenAt, reading: r.message.reading })),
    diagnosis: d.diagnosis.trim(),
    orientation: d.orientation.trim(),
    prescriptionIds,
    acts: d.assistanceAct ? [GP_ACT.code, d.assistanceAct] : [GP_ACT.code],
    incidents: d.incidents.map((i) => ({ at: i.at, description: i.description.trim() })),
    copyTo: d.copyToTreating ? { name: d.copyName.trim(), address: orNull(d.copyAddress) } : null,
  };
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** A draft from a signed report's content (to correct it). */
export function reportDraftFrom(content: Record<string, unknown>): ReportDraft {
  const assistant = (content.assistant ?? {}) as Record<string, unknown>;
  const acts = Array.isArray(content.acts) ? (content.acts as string[]) : [];
  const copy = content.copyTo as Record<string, unknown> | null | undefined;
  const readings = Array.isArray(content.readings) ? (content.readings as { takenAt: string; reading: ReadingMessage["reading"] }[]) : [];
  const incidents = Array.isArray(content.incidents) ? (content.incidents as IncidentDraft[]) : [];
  return {
    reason: str(content.reason),
    findings: str(content.findings),
    diagnosis: str(content.diagnosis),
    orientation: str(content.orientation),
    readings: readings.map((r) => ({ message: { type: "reading", reading: r.reading, takenAt: r.takenAt, source: "manual" }, included: true })),
    assistanceAct: (acts.find((a) => ASSISTANCE_ACTS.some((x) => x.code === a)) as AssistanceAct | undefined) ?? "",
    assistantName: str(assistant.name),
    assistantProfession: str(assistant.profession),
    place: str(assistant.place),
    consent: content.patientConsent === true,
    incidents: incidents.map((i) => ({ at: str(i.at), description: str(i.description) })),
    copyToTreating: !!copy,
    copyName: str(copy?.name),
    copyAddress: str(copy?.address),
  };
}

export function euros(cents: number): string {
  return t("console.docs.report.euros", { amount: `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, "0")}` });
}

export interface ReportEditorOptions {
  draft: ReportDraft;
  onChange?(d: ReportDraft): void;
  /** Asks the hub for the call's incidents again. */
  onRefreshIncidents?(): void;
}

export class ReportEditor {
  readonly root: HTMLElement;
  private draft: ReportDraft;
  private fields: BoundField[] = [];
  private readonly readingsEl: HTMLElement;
  private readonly incidentsEl: HTMLElement;
  private readonly copyEl: HTMLElement;

  constructor(private readonly o: ReportEditorOptions) {
    this.draft = structuredClone(o.draft);
    this.readingsEl = h("ul", { class: "doc-checklist", testid: "report-readings" });
    this.incidentsEl = h("ol", { class: "doc-incidents", testid: "report-incidents" });
    this.copyEl = h("div", { class: "doc-copy" });

    const text = (path: string, key: "reason" | "findings" | "diagnosis" | "orientation" | "assistantName" | "assistantProfession" | "place", label: MessageKey, area: number | null, optional = false) => {
      const el = area ? textArea(`report-${key}`, this.draft[key], area) : textInput(`report-${key}`, this.draft[key]);
      el.addEventListener("input", () => {
        this.draft[key] = el.value;
        this.changed();
      });
      const f = boundField(path, t(label), el, { optional });
      this.fields.push(f);
      return f.wrap;
    };
    const consent = checkBox("report-consent", this.draft.consent);
    consent.addEventListener("change", () => {
      this.draft.consent = consent.checked;
      this.changed();
    });
    const consentField = boundField("patientConsent", t("console.docs.report.consent"), consent);
    this.fields.push(consentField);

    const act = h(
      "select",
      { class: "input", testid: "report-act" },
      h("option", { value: "" }, t("console.docs.report.noAssistance")),
      ...ASSISTANCE_ACTS.map((a) => h("option", { value: a.code, selected: this.draft.assistanceAct === a.code }, `${a.code} — ${t(`console.docs.act.${a.code}`)} (${euros(a.cents)})`)),
    );
    act.value = this.draft.assistanceAct;
    act.addEventListener("change", () => {
      this.draft.assistanceAct = act.value as AssistanceAct | "";
      this.changed();
    });
    const actField = boundField("acts", t("console.docs.report.assistanceAct"), act);
    this.fields.push(actField);

    const refresh = h("button", { type: "button", class: "btn btn-secondary btn-small", testid: "report-refresh-incidents" }, t("console.docs.report.refreshIncidents"));
    refresh.addEventListener("click", () => this.o.onRefreshIncidents?.());
    const addIncident = h("button", { type: "button", class: "btn btn-secondary btn-small", testid: "report-add-incident" }, t("console.docs.report.addIncident"));
    addIncident.addEventListener("click", () => {
      this.draft.incidents.push({ at: new Date().toISOString(), description: "" });
      this.renderIncidents();
      this.changed();
      this.incidentsEl.querySelector<HTMLElement>(`[data-field="incidents[${this.draft.incidents.length - 1}].description"]`)?.focus();
    });

    this.root = h(
      "div",
      { class: "doc-editor report-editor", testid: "report-editor" },
      h(
        "fieldset",
        { class: "doc-group" },
        h("legend", null, t("console.docs.report.consultation")),
        text("reason", "reason", "console.docs.report.reason", 2),
        text("findings", "findings", "console.docs.report.findings", 4),
        h("div", { class: "field" }, h("p", { class: "field-label", id: "report-readings-label" }, t("console.docs.report.readings")), this.readingsEl),
        text("diagnosis", "diagnosis", "console.docs.report.diagnosis", 2, true),
        text("orientation", "orientation", "console.docs.report.orientation", 2),
      ),
      h(
        "fieldset",
        { class: "doc-group" },
        h("legend", null, t("console.docs.report.actsTitle")),
        h("p", { class: "doc-act", testid: "report-gp-act" }, `${GP_ACT.code} — ${t("console.docs.act.TCG")} (${euros(GP_ACT.cents)})`),
        actField.wrap,
        text("assistant.name", "assistantName", "console.docs.report.assistantName", null),
        text("assistant.profession", "assistantProfession", "console.docs.report.assistantProfession", null),
        text("assistant.place", "place", "console.docs.report.place", null, true),
        consentField.wrap,
      ),
      h(
        "fieldset",
        { class: "doc-group" },
        h("legend", null, t("console.docs.report.incidents")),
        this.incidentsEl,
        h("div", { class: "actions actions--left" }, refresh, addIncident),
      ),
      h("fieldset", { class: "doc-group" }, h("legend", null, t("console.docs.report.copyTitle")), this.copyEl),
    );
    this.renderReadings();
    this.renderIncidents();
    this.renderCopy();
  }

  value(): ReportDraft {
    return structuredClone(this.draft);
  }

  check(): boolean {
    return !showProblems(this.allFields(), validateReport(this.draft));
  }

  content(prescriptionIds: string[]): Record<string, unknown> {
    return reportContent(this.draft, prescriptionIds);
  }

  showHubProblem(field: string, message: string): void {
    const target = fieldFor(this.allFields(), field);
    showProblems(this.allFields(), target ? [{ field: target.path, message }] : []);
  }

  /** Adds readings received during the call (not already listed), ticked. */
  addReadings(messages: ReadingMessage[]): void {
    for (const m of messages) {
      if (this.draft.readings.some((r) => r.message.takenAt === m.takenAt && r.message.reading.kind === m.reading.kind)) continue;
      this.draft.readings.push({ message: m, included: true });
    }
    this.renderReadings();
  }

  /** Puts the hub's incidents in (those not already listed by time and text). */
  setIncidents(incidents: IncidentDraft[]): void {
    for (const i of incidents) {
      if (this.draft.incidents.some((x) => x.at === i.at)) continue;
      this.draft.incidents.push(i);
    }
    this.draft.incidents.sort((a, b) => a.at.localeCompare(b.at));
    this.renderIncidents();
    this.changed();
  }

  private allFields(): BoundField[] {
    return this.fields.filter((f) => f.wrap.isConnected || this.root.contains(f.wrap));
  }

  private changed(): void {
    this.o.onChange?.(this.value());
  }

  private renderReadings(): void {
    if (this.draft.readings.length === 0) {
      replace(this.readingsEl, h("li", { class: "muted", testid: "report-readings-empty" }, t("console.docs.report.noReadings")));
      return;
    }
    replace(
      this.readingsEl,
      ...this.draft.readings.map((r) => {
        const box = checkBox("report-reading", r.included);
        box.setAttribute("aria-label", `${readingLabel(r.message.reading)} ${formatReading(r.message.reading)}`);
        box.addEventListener("change", () => {
          r.included = box.checked;
          this.changed();
        });
        return h("li", { class: "doc-check" }, h("label", { class: "check-row" }, box, h("span", null, `${readingLabel(r.message.reading)} : ${formatReading(r.message.reading)} — ${formatDateTime(r.message.takenAt)}`)));
      }),
    );
  }

  private renderIncidents(): void {
    this.fields = this.fields.filter((f) => !f.path.startsWith("incidents["));
    if (this.draft.incidents.length === 0) {
      replace(this.incidentsEl, h("li", { class: "muted", testid: "report-incidents-empty" }, t("console.docs.report.noIncidents")));
      return;
    }
    replace(
      this.incidentsEl,
      ...this.draft.incidents.map((inc, i) => {
        const input = textInput("report-incident", inc.description);
        input.addEventListener("input", () => {
          inc.description = input.value;
          this.changed();
        });
        const f = boundField(`incidents[${i}].description`, t("console.docs.report.incidentAt", { time: formatDateTime(inc.at) }), input);
        this.fields.push(f);
        const remove = h("button", { type: "button", class: "btn btn-secondary btn-small", testid: "report-remove-incident" }, t("console.docs.report.removeIncident"));
        remove.addEventListener("click", () => {
          this.draft.incidents.splice(i, 1);
          this.renderIncidents();
          this.changed();
        });
        return h("li", { class: "doc-incident" }, f.wrap, remove);
      }),
    );
  }

  private renderCopy(): void {
    this.fields = this.fields.filter((f) => !f.path.startsWith("copyTo"));
    const box = checkBox("report-copy", this.draft.copyToTreating);
    box.addEventListener("change", () => {
      this.draft.copyToTreating = box.checked;
      this.renderCopy();
      this.changed();
      if (box.checked) this.copyEl.querySelector<HTMLElement>('[data-field="copyTo.name"]')?.focus();
    });
    const wrap = boundField("copyTo", t("console.docs.report.copy"), box).wrap;
    if (!this.draft.copyToTreating) {
      replace(this.copyEl, wrap);
      return;
    }
    const name = textInput("report-copy-name", this.draft.copyName);
    name.addEventListener("input", () => {
      this.draft.copyName = name.value;
      this.changed();
    });
    const address = textInput("report-copy-address", this.draft.copyAddress);
    address.addEventListener("input", () => {
      this.draft.copyAddress = address.value;
      this.changed();
    });
    const fName = boundField("copyTo.name", t("console.docs.report.copyName"), name);
    const fAddress = boundField("copyTo.address", t("console.docs.report.copyAddress"), address, { optional: true });
    this.fields.push(fName, fAddress);
    replace(this.copyEl, wrap, fName.wrap, fAddress.wrap);
  }
}
