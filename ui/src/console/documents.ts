/**
 * The GP's documents during and after the call: tabs "Appel", "Ordonnance", "Compte
 * rendu", "Arrêt de travail" in the call screen's side column (the video stays in view; the column widens
 * while a document is open). Each document is a draft until signed; once signed it is
 * shown read-only with its version and short hash, and "Corriger (nouvelle version)"
 * opens a draft from it that supersedes it; the earlier versions are listed under it. A signed document is also sent to the station
 * on the data channel when the call is up (the station can always fetch it from the hub).
 *
 * Types mirror `relais_protocol::documents` (docs/HUB_PROTOCOL.md).
 */
import "../styles/console-documents.css";
import { h, replace } from "../lib/dom";
import { formatDateTime, formatDecimal, has, t, tn, type MessageKey } from "../lib/i18n";
import { errorMessage, type Hub } from "./hub";
import { PrescriptionEditor, prescriptionDraftFrom, CHILD_UNDER_YEARS, emptyPrescription, type PrescriptionDraft } from "./prescription-editor";
import type { DataMessage, ReadingMessage, WaitingConsultation } from "./protocol";
import { ReportEditor, emptyReport, incidentText, reportDraftFrom, GP_ACT, ASSISTANCE_ACTS, euros, type ReportDraft } from "./report-editor";
import { openSignDialog, shortHash } from "./sign-dialog";
import { SickNoteEditor, addDays as addDaysIso, emptySickNote, longDate, sickNoteDraftFrom, type SickNoteDraft } from "./sick-note-editor";

export type DocumentKind = "prescription" | "report" | "sickNote";
/** The document kinds, in the order of their tabs. */
export const DOCUMENT_KINDS: readonly DocumentKind[] = ["prescription", "report", "sickNote"];

export interface SignedDocument {
  id: string;
  consultationId: string;
  kind: DocumentKind;
  version: number;
  supersedes: string | null;
  content: Record<string, unknown>;
  signedAt: string;
  signedBy: { name: string; rpps: string };
  sha256: string;
}

export interface CallIncident {
  at: string;
  side: string;
  kind: string;
  detail: string;
}

export type DocumentMessage = { type: "document"; document: SignedDocument };

export function listDocuments(hub: Hub, consultationId: string): Promise<SignedDocument[]> {
  return hub.request("GET", `/api/gp/consultations/${encodeURIComponent(consultationId)}/documents`);
}

export function callIncidents(hub: Hub, consultationId: string): Promise<CallIncident[]> {
  return hub.request("GET", `/api/gp/consultations/${encodeURIComponent(consultationId)}/incidents`);
}

/** The latest version of each kind. */
export function latestOf(docs: SignedDocument[], kind: DocumentKind): SignedDocument | null {
  return docs.filter((d) => d.kind === kind).reduce<SignedDocument | null>((best, d) => (!best || d.version > best.version ? d : best), null);
}

export interface DocumentsWorkspaceOptions {
  hub: Hub;
  consultation: WaitingConsultation;
  /** Sends on the data channel; false when the channel is not open. */
  send(m: DocumentMessage): boolean;
}

type Tab = "call" | DocumentKind;

interface Slot {
  kind: DocumentKind;
  panel: HTMLElement;
  tab: HTMLButtonElement;
  signed: SignedDocument | null;
  /** Every signed version, oldest first. */
  versions: SignedDocument[];
  /** Correcting `signed`: the editor shows instead of the signed view. */
  correcting: boolean;
  sentNote: string;
}

export class DocumentsWorkspace {
  readonly tabs: HTMLElement;
  private readonly callPanel: HTMLElement;
  private readonly slots: Record<DocumentKind, Slot>;
  private layout: HTMLElement | null = null;
  private active: Tab = "call";
  private rxDraft: PrescriptionDraft = emptyPrescription();
  private reportDraft: ReportDraft;
  private reportEditor: ReportEditor | null = null;
  private sickNoteDraft: SickNoteDraft = emptySickNote();
  private readonly readings: ReadingMessage[] = [];
  private incidentsLoaded = false;
  private readonly child: boolean;

  constructor(private readonly o: DocumentsWorkspaceOptions) {
    const c = o.consultation;
    this.child = c.ageYears < CHILD_UNDER_YEARS;
    this.reportDraft = emptyReport({ reason: c.complaint, place: c.stationName });
    this.callPanel = h("div", { class: "doc-tabpanel doc-tabpanel--call", id: "doc-panel-call", role: "tabpanel", "aria-labelledby": "doc-tab-call", testid: "tabpanel-call" });
    const tab = (id: Tab, label: string) => {
      const b = h("button", { type: "button", role: "tab", class: "doc-tab", id: `doc-tab-${id}`, "aria-controls": `doc-panel-${id}`, testid: `tab-${id}` }, h("span", null, label), h("span", { class: "doc-tab-badge", testid: `tab-${id}-badge` }));
      b.addEventListener("click", () => this.select(id));
      return b;
    };
    const callTab = tab("call", t("console.docs.tab.call"));
    const slot = (kind: DocumentKind, label: string): Slot => ({
      kind,
      tab: tab(kind, label),
      panel: h("div", { class: "doc-tabpanel", id: `doc-panel-${kind}`, role: "tabpanel", "aria-labelledby": `doc-tab-${kind}`, testid: `tabpanel-${kind}`, hidden: true }),
      signed: null,
      versions: [],
      correcting: false,
      sentNote: "",
    });
    this.slots = {
      prescription: slot("prescription", t("console.docs.tab.prescription")),
      report: slot("report", t("console.docs.tab.report")),
      sickNote: slot("sickNote", t("console.docs.tab.sickNote")),
    };
    this.tabs = h("div", { class: "doc-tabs", role: "tablist", "aria-label": t("console.docs.tabs") }, callTab, ...DOCUMENT_KINDS.map((k) => this.slots[k].tab));
    this.tabs.addEventListener("keydown", (ev) => this.onTabKey(ev));
    for (const kind of DOCUMENT_KINDS) this.render(kind);
    this.markTabs();
  }

  /** Moves the side column's content under the "Appel" tab and adds the document tabs. */
  mount(side: HTMLElement, layout: HTMLElement): void {
    this.layout = layout;
    replace(this.callPanel, ...Array.from(side.childNodes));
    replace(side, this.tabs, this.callPanel, ...DOCUMENT_KINDS.map((k) => this.slots[k].panel));
    void this.load();
  }

  /** Observes data-channel messages (the readings, for the report). Never consumes them. */
  observe(m: DataMessage): void {
    if (m.type === "reading") {
      this.readings.push(m);
      this.reportEditor?.addReadings([m]);
      this.reportDraft.readings.push({ message: m, included: true });
    }
  }

  select(tab: Tab): void {
    this.active = tab;
    this.markTabs();
    this.callPanel.hidden = tab !== "call";
    for (const s of Object.values(this.slots)) s.panel.hidden = s.kind !== tab;
    this.layout?.classList.toggle("gp-call-layout--docs", tab !== "call");
    if (tab === "report" && !this.incidentsLoaded) void this.loadIncidents();
    const panel = tab === "call" ? this.callPanel : this.slots[tab].panel;
    panel.querySelector<HTMLElement>("h2, h3")?.focus({ preventScroll: true });
  }

  private markTabs(): void {
    for (const b of Array.from(this.tabs.querySelectorAll<HTMLButtonElement>("[role=tab]"))) {
      const on = b.id === `doc-tab-${this.active}`;
      b.setAttribute("aria-selected", String(on));
      b.tabIndex = on ? 0 : -1;
    }
    for (const s of Object.values(this.slots)) {
      const badge = s.tab.querySelector<HTMLElement>(".doc-tab-badge");
      if (badge) badge.textContent = s.signed ? t("console.docs.tab.signedV", { version: s.signed.version }) : "";
      s.tab.dataset.signed = String(!!s.signed);
    }
  }

  private onTabKey(ev: KeyboardEvent): void {
    const order: Tab[] = ["call", ...DOCUMENT_KINDS];
    const i = order.indexOf(this.active);
    let next: Tab | null = null;
    const key = ev.key.toLowerCase();
    if (key === "arrowright") next = order[(i + 1) % order.length];
    else if (key === "arrowleft") next = order[(i + order.length - 1) % order.length];
    else if (ev.key === "Home") next = order[0];
    else if (ev.key === "End") next = order[order.length - 1];
    if (!next) return;
    ev.preventDefault();
    this.select(next);
    this.tabs.querySelector<HTMLElement>(`#doc-tab-${next}`)?.focus();
  }

  private async load(): Promise<void> {
    try {
      const docs = await listDocuments(this.o.hub, this.o.consultation.id);
      for (const kind of DOCUMENT_KINDS) {
        const latest = latestOf(docs, kind);
        if (latest) {
          this.slots[kind].signed = latest;
          this.slots[kind].versions = docs.filter((d) => d.kind === kind).sort((a, b) => a.version - b.version);
          this.render(kind);
        }
      }
      this.markTabs();
    } catch {
      // Nothing signed yet is the usual case; a failure shows when signing.
    }
  }

  private async loadIncidents(): Promise<void> {
    this.incidentsLoaded = true;
    try {
      const found = await callIncidents(this.o.hub, this.o.consultation.id);
      const drafts = found.map((i) => ({ at: i.at, description: incidentText(i) }));
      for (const d of drafts) if (!this.reportDraft.incidents.some((x) => x.at === d.at)) this.reportDraft.incidents.push(d);
      this.reportEditor?.setIncidents(drafts);
    } catch (e) {
      this.incidentsLoaded = false;
      const note = this.slots.report.panel.querySelector<HTMLElement>("[data-testid=doc-note]");
      if (note) note.textContent = t("console.docs.incidentsFailed", { reason: errorMessage(e) });
    }
  }

  /** Draws a slot: the editor (draft or correction) or the signed document. */
  private render(kind: DocumentKind): void {
    const s = this.slots[kind];
    const titles: Record<DocumentKind, string> = { prescription: t("console.docs.rx.title"), report: t("console.docs.report.title"), sickNote: t("console.docs.sn.title") };
    const title = h("h2", { class: "section-title doc-title", tabindex: "-1" }, titles[kind]);
    const note = h("p", { class: "doc-note", testid: "doc-note", role: "status" }, s.sentNote);
    if (s.signed && !s.correcting) {
      const correct = h("button", { type: "button", class: "btn btn-secondary", testid: "doc-correct" }, t("console.docs.correct"));
      correct.addEventListener("click", () => {
        s.correcting = true;
        if (kind === "prescription") this.rxDraft = prescriptionDraftFrom(s.signed?.content ?? {});
        else if (kind === "report") this.reportDraft = reportDraftFrom(s.signed?.content ?? {});
        else this.sickNoteDraft = sickNoteDraftFrom(s.signed?.content ?? {});
        this.render(kind);
        s.panel.querySelector<HTMLElement>("input, textarea")?.focus();
      });
      const view = kind === "prescription" ? prescriptionView(s.signed) : kind === "report" ? reportView(s.signed) : sickNoteView(s.signed);
      replace(s.panel, h("div", { class: "card doc-card" }, title, signedMeta(s.signed), note, view, versionsList(s.versions, s.signed), h("div", { class: "actions" }, correct)));
      return;
    }
    const sign = h("button", { type: "button", class: "btn btn-primary btn-xl", testid: "doc-sign" }, t(s.correcting ? "console.docs.signCorrection" : "console.docs.sign"));
    let editor: PrescriptionEditor | ReportEditor | SickNoteEditor;
    if (kind === "prescription") {
      editor = new PrescriptionEditor({ child: this.child, draft: this.rxDraft, onChange: (d) => (this.rxDraft = d) });
    } else if (kind === "sickNote") {
      editor = new SickNoteEditor({ draft: this.sickNoteDraft, treatingDoctor: this.o.consultation.patient.treatingDoctor, onChange: (d) => (this.sickNoteDraft = d) });
    } else {
      editor = this.reportEditor = new ReportEditor({ draft: this.reportDraft, onChange: (d) => (this.reportDraft = d), onRefreshIncidents: () => void this.loadIncidents() });
    }
    const cancel = s.correcting ? h("button", { type: "button", class: "btn btn-secondary", testid: "doc-cancel-correction" }, t("console.docs.cancelCorrection")) : null;
    cancel?.addEventListener("click", () => {
      s.correcting = false;
      this.render(kind);
    });
    sign.addEventListener("click", () => {
      if (!editor.check()) return;
      const content = editor instanceof ReportEditor ? editor.content(this.prescriptionIds()) : editor.content();
      openSignDialog(document.body, {
        hub: this.o.hub,
        consultationId: this.o.consultation.id,
        kind,
        content,
        supersedes: s.correcting ? (s.signed?.id ?? null) : null,
        onSigned: (doc) => this.signed(kind, doc),
        onInvalid: (field, message) => editor.showHubProblem(field, message),
        onClose: () => (s.panel.querySelector<HTMLElement>("[data-testid=doc-correct]") ?? sign).focus(),
      });
    });
    const intro = s.correcting && s.signed ? h("p", { class: "notice-line", testid: "doc-correcting" }, t("console.docs.correcting", { version: s.signed.version })) : null;
    replace(s.panel, h("div", { class: "card doc-card" }, title, intro, note, editor.root, h("div", { class: "actions doc-actions" }, cancel, sign)));
  }

  private prescriptionIds(): string[] {
    const rx = this.slots.prescription.signed;
    return rx ? [rx.id] : [];
  }

  private signed(kind: DocumentKind, doc: SignedDocument): void {
    const s = this.slots[kind];
    s.signed = doc;
    s.versions = [...s.versions.filter((v) => v.id !== doc.id), doc];
    s.correcting = false;
    s.sentNote = this.o.send({ type: "document", document: doc }) ? t("console.docs.sentToStation") : t("console.docs.stationWillFetch");
    if (kind === "prescription") this.rxDraft = prescriptionDraftFrom(doc.content);
    else if (kind === "report") this.reportDraft = reportDraftFrom(doc.content);
    else this.sickNoteDraft = sickNoteDraftFrom(doc.content);
    this.render(kind);
    this.markTabs();
  }
}

function signedMeta(doc: SignedDocument): HTMLElement {
  return h(
    "p",
    { class: "doc-meta", testid: "doc-meta", "data-version": String(doc.version), "data-sha256": doc.sha256, "data-document-id": doc.id },
    h("span", { class: "badge badge--ok" }, t("console.docs.signedBadge")),
    " ",
    t("console.docs.signedMeta", { version: doc.version, date: formatDateTime(doc.signedAt), name: doc.signedBy.name, hash: shortHash(doc.sha256) }),
  );
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function prescriptionView(doc: SignedDocument): HTMLElement {
  const c = doc.content;
  const lines = Array.isArray(c.lines) ? (c.lines as Record<string, unknown>[]) : [];
  const patient = (c.patient ?? {}) as Record<string, unknown>;
  return h(
    "div",
    { class: "doc-view", testid: "rx-view" },
    typeof patient.weightKg === "number" ? h("p", null, t("console.docs.rx.weightView", { kg: formatDecimal(patient.weightKg) })) : null,
    h(
      "ol",
      { class: "doc-view-lines" },
      ...lines.map((l) =>
        h(
          "li",
          { testid: "rx-view-line" },
          h("strong", null, str(l.drug)),
          l.ald === true ? h("span", { class: "badge badge--attention" }, t("console.docs.rx.aldBadge")) : null,
          l.nonSubstitutable === true ? h("span", { class: "badge" }, t("console.docs.rx.nsBadge")) : null,
          h("br"),
          str(l.dosage),
          str(l.duration) ? ` — ${str(l.duration)}` : "",
          str(l.quantity) ? ` — ${str(l.quantity)}` : "",
          typeof l.renewals === "number" && l.renewals > 0 ? ` — ${t("console.docs.rx.renewView", { n: l.renewals })}` : "",
        ),
      ),
    ),
    str(c.notes) ? h("p", { class: "doc-view-notes" }, str(c.notes)) : null,
  );
}

function reportView(doc: SignedDocument): HTMLElement {
  const c = doc.content;
  const acts = Array.isArray(c.acts) ? (c.acts as string[]) : [];
  const row = (label: string, value: string) => (value ? h("div", { class: "doc-view-row" }, h("dt", null, label), h("dd", null, value)) : null);
  const fee = (code: string) => {
    const a = code === GP_ACT.code ? GP_ACT : ASSISTANCE_ACTS.find((x) => x.code === code);
    return a ? `${code} (${euros(a.cents)})` : code;
  };
  const copy = c.copyTo as Record<string, unknown> | null | undefined;
  const incidents = Array.isArray(c.incidents) ? (c.incidents as Record<string, unknown>[]) : [];
  return h(
    "dl",
    { class: "doc-view", testid: "report-view" },
    row(t("console.docs.report.reason"), str(c.reason)),
    row(t("console.docs.report.findings"), str(c.findings)),
    row(t("console.docs.report.diagnosis"), str(c.diagnosis)),
    row(t("console.docs.report.orientation"), str(c.orientation)),
    row(t("console.docs.report.actsTitle"), acts.map(fee).join(", ")),
    row(t("console.docs.report.incidents"), incidents.map((i) => str(i.description)).join(" ; ")),
    row(t("console.docs.report.copyTitle"), copy ? str(copy.name) : ""),
  );
}

/** The earlier signed versions of a document (nothing when there is only one). */
function versionsList(versions: SignedDocument[], current: SignedDocument): HTMLElement | null {
  const earlier = versions.filter((v) => v.id !== current.id);
  if (earlier.length === 0) return null;
  return h(
    "details",
    { class: "doc-versions", testid: "doc-versions" },
    h("summary", null, t("console.docs.versions")),
    h(
      "ol",
      null,
      ...[...earlier, current]
        .sort((a, b) => a.version - b.version)
        .map((v) => h("li", { testid: "doc-version", "data-version": String(v.version) }, t("console.docs.versionLine", { version: v.version, date: formatDateTime(v.signedAt), hash: shortHash(v.sha256) }))),
    ),
  );
}

function sickNoteView(doc: SignedDocument): HTMLElement {
  const c = doc.content;
  const row = (label: string, value: string, testid?: string) => (value ? h("div", { class: "doc-view-row" }, h("dt", null, label), h("dd", testid ? { testid } : null, value)) : null);
  const start = str(c.startDate);
  const days = typeof c.days === "number" ? c.days : 0;
  const iso = /^\d{4}-\d{2}-\d{2}$/;
  const end = iso.test(start) && days > 0 ? addDaysIso(start, days - 1) : "";
  const kind = str(c.kind);
  const exits = str(c.exits);
  const label = (prefix: string, v: string) => (has(`${prefix}.${v}`) ? t(`${prefix}.${v}` as MessageKey) : v);
  return h(
    "dl",
    { class: "doc-view", testid: "sn-view" },
    row(t("console.docs.sn.view.kind"), label("console.docs.sn.kind", kind)),
    row(t("console.docs.sn.view.period"), end ? t("console.docs.sn.period", { start: longDate(start), end: longDate(end), count: tn("sickNote.days", days) }) : "", "sn-view-period"),
    row(t("console.docs.sn.view.treating"), c.byTreatingGp === true ? t("console.docs.sn.view.treatingYes") : t("console.docs.sn.view.treatingNo")),
    row(t("console.docs.sn.view.reason"), str(c.reason)),
    row(t("console.docs.sn.view.exits"), [label("console.docs.sn.exits", exits), str(c.exitsJustification)].filter(Boolean).join(" — ")),
    row(t("console.docs.sn.view.notes"), str(c.notes)),
  );
}
