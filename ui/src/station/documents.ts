/**
 * The GP's signed documents at the station: the documents screen (a readable view of the
 * prescription, the report and the sick note, version and short hash, "Imprimer" with its visible state),
 * the notice on the call screen when a document arrives ("Ordonnance reçue"), and the
 * notice of prints still pending on the home screen.
 *
 * Print states as the nurse reads them: "Envoi à l’imprimante…" while the job is handed to
 * the system, "Impression en cours…" while the printer works (followed every second),
 * "Imprimée", or "Échec" with the message, the code behind "Détails", and "Réessayer".
 */
import "../styles/documents.css";
import { codeMessage, type ApiError, type CallStatus } from "../lib/api";
import { h, replace } from "../lib/dom";
import { formatDate, formatDateTime, has, t, tn, type MessageKey } from "../lib/i18n";
import { documentsApi, type DocumentKind, type PrintJob, type SignedDocument } from "./documents-api";
import { exportControl } from "./export";
import { busy, errorPanel, isGlobalError, screenRoot, title, type Ctx, type Screen, type Tone } from "./ui";

/** How often a print being printed is asked about. */
export const PRINT_POLL_MS = 1000;

// ---- Reading the content (JSON of the signed document) ----------------------------------

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (o: Obj, k: string): string => (typeof o[k] === "string" ? (o[k] as string) : "");
const num = (o: Obj, k: string): number | null => (typeof o[k] === "number" ? (o[k] as number) : null);
const arr = (o: Obj, k: string): unknown[] => (Array.isArray(o[k]) ? (o[k] as unknown[]) : []);

export function kindLabel(kind: DocumentKind): string {
  return kind === "prescription" ? t("documents.kind.prescription") : kind === "sickNote" ? t("documents.kind.sickNote") : t("documents.kind.report");
}

/** "Ordonnance reçue" / "Compte rendu reçu" / "Arrêt de travail reçu". */
export function receivedLabel(kind: DocumentKind): string {
  return kind === "prescription" ? t("documents.received.prescription") : kind === "sickNote" ? t("documents.received.sickNote") : t("documents.received.report");
}

function row(label: string, value: string | null | undefined, testid?: string) {
  if (!value) return null;
  return [h("dt", null, label), h("dd", testid ? { testid } : null, value)];
}

function sexLabel(sex: string): string {
  return sex === "F" ? t("documents.sex.F") : sex === "M" ? t("documents.sex.M") : t("documents.sex.I");
}

function partyBlock(p: Obj, testid: string) {
  return h(
    "div",
    { class: "doc-party", testid },
    h("p", { class: "doc-party-name" }, str(p, "name")),
    str(p, "qualification") ? h("p", null, str(p, "qualification")) : null,
    str(p, "rpps") ? h("p", null, t("documents.rpps", { rpps: str(p, "rpps") })) : null,
    str(p, "address") ? h("p", null, str(p, "address")) : null,
    str(p, "phone") || str(p, "email") ? h("p", null, [str(p, "phone"), str(p, "email")].filter(Boolean).join(" · ")) : null,
  );
}

function patientLine(p: Obj): string {
  const parts = [`${str(p, "familyName")} ${str(p, "givenNames")}`.trim()];
  if (str(p, "sex")) parts.push(sexLabel(str(p, "sex")));
  if (str(p, "birthDate")) parts.push(t("documents.bornOn", { date: formatDate(str(p, "birthDate")) }));
  const w = num(p, "weightKg");
  if (w !== null) parts.push(t("documents.weight", { kg: String(w).replace(".", ",") }));
  return parts.join(" · ");
}

function lineItem(l: Obj, i: number) {
  const renewals = num(l, "renewals") ?? 0;
  return h(
    "li",
    { class: "doc-line", testid: "doc-line" },
    h("p", { class: "doc-drug" }, `${i + 1}. ${str(l, "drug")}`),
    h("p", null, str(l, "dosage")),
    str(l, "duration") ? h("p", null, t("documents.duration", { value: str(l, "duration") })) : null,
    str(l, "quantity") ? h("p", null, t("documents.quantity", { value: str(l, "quantity") })) : null,
    renewals > 0 ? h("p", null, tn("documents.renewals", renewals)) : null,
    l.nonSubstitutable === true ? h("p", { class: "doc-ns", testid: "doc-line-ns" }, t("documents.nonSubstitutable")) : null,
  );
}

/** A readable view of a prescription's content. */
export function prescriptionView(content: unknown): HTMLElement {
  const p = obj(content);
  const lines = arr(p, "lines").map(obj);
  const ald = lines.filter((l) => l.ald === true);
  const other = lines.filter((l) => l.ald !== true);
  const list = (items: Obj[], offset: number, testid: string) =>
    h("ol", { class: "doc-lines", testid }, items.map((l, i) => lineItem(l, i + offset)));
  const zones = ald.length
    ? [
        h("h3", { class: "doc-zone" }, t("documents.zoneAld")),
        list(ald, 0, "doc-lines-ald"),
        h("h3", { class: "doc-zone" }, t("documents.zoneOther")),
        other.length ? list(other, ald.length, "doc-lines-other") : h("p", { class: "muted" }, t("documents.none")),
      ]
    : [list(other, 0, "doc-lines")];
  return h(
    "div",
    { class: "doc-view doc-view--prescription", testid: "doc-view" },
    partyBlock(obj(p.prescriber), "doc-prescriber"),
    h(
      "dl",
      { class: "summary" },
      row(t("documents.patient"), patientLine(obj(p.patient)), "doc-patient"),
      row(t("documents.issuedAt"), str(p, "issuedAt") ? formatDateTime(str(p, "issuedAt")) : ""),
      row(t("documents.number"), str(p, "id"), "doc-number"),
    ),
    zones,
    str(p, "notes") ? h("p", { class: "doc-notes", testid: "doc-notes" }, str(p, "notes")) : null,
  );
}

/** A readable view of a report's content. */
export function reportView(content: unknown): HTMLElement {
  const r = obj(content);
  const section = (label: string, value: string, testid: string) =>
    value ? h("section", { class: "doc-section", testid }, h("h3", null, label), h("p", null, value)) : null;
  const acts = arr(r, "acts").map((a) => (typeof a === "string" ? a : str(obj(a), "code")));
  const incidents = arr(r, "incidents").map(obj);
  const copy = obj(r.copyTo);
  return h(
    "div",
    { class: "doc-view doc-view--report", testid: "doc-view" },
    partyBlock(obj(r.gp), "doc-prescriber"),
    h("dl", { class: "summary" }, row(t("documents.patient"), patientLine(obj(r.patient)), "doc-patient")),
    section(t("documents.report.reason"), str(r, "reason"), "doc-reason"),
    section(t("documents.report.findings"), str(r, "findings"), "doc-findings"),
    section(t("documents.report.diagnosis"), str(r, "diagnosis"), "doc-diagnosis"),
    section(t("documents.report.orientation"), str(r, "orientation"), "doc-orientation"),
    acts.length ? section(t("documents.report.acts"), acts.join(", "), "doc-acts") : null,
    incidents.length
      ? h(
          "section",
          { class: "doc-section", testid: "doc-incidents" },
          h("h3", null, t("documents.report.incidents")),
          h("ul", null, incidents.map((i) => h("li", null, str(i, "description")))),
        )
      : null,
    str(copy, "name") ? section(t("documents.report.copyTo"), str(copy, "name"), "doc-copy-to") : null,
  );
}

/** `YYYY-MM-DD` plus `n` calendar days. */
function plusDays(iso: string, n: number): string {
  const [y, m, d] = iso.split("-").map(Number);
  const at = new Date(Date.UTC(y, m - 1, d + n));
  return at.toISOString().slice(0, 10);
}

/** "du 26/11/2026 au 28/11/2026 inclus (3 jours)", or "" when the dates are not readable. */
export function sickNotePeriod(startDate: string, days: number | null): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startDate) || days === null || days < 1) return "";
  return t("documents.sn.periodText", { start: formatDate(startDate), end: formatDate(plusDays(startDate, days - 1)), count: tn("sickNote.days", days) });
}

/** A readable view of a sick note's content (the medical reason marked as the caisse's). */
export function sickNoteView(content: unknown): HTMLElement {
  const s = obj(content);
  const choice = (prefix: string, v: string) => (has(`${prefix}.${v}`) ? t(`${prefix}.${v}` as MessageKey) : v);
  return h(
    "div",
    { class: "doc-view doc-view--sick-note", testid: "doc-view" },
    partyBlock(obj(s.prescriber), "doc-prescriber"),
    h(
      "dl",
      { class: "summary" },
      row(t("documents.patient"), patientLine(obj(s.patient)), "doc-patient"),
      row(t("documents.issuedAt"), str(s, "issuedAt") ? formatDateTime(str(s, "issuedAt")) : ""),
      row(t("documents.sn.number"), str(s, "id"), "doc-number"),
      row(t("documents.sn.kind"), choice("console.docs.sn.kind", str(s, "kind")), "doc-sn-kind"),
      row(t("documents.sn.period"), sickNotePeriod(str(s, "startDate"), num(s, "days")), "doc-sn-period"),
      row(t("documents.sn.exits"), choice("console.docs.sn.exits", str(s, "exits")), "doc-sn-exits"),
      row(t("documents.sn.justification"), str(s, "exitsJustification")),
    ),
    h("p", { class: "doc-notes", testid: "doc-sn-treating" }, s.byTreatingGp === true ? t("documents.sn.treating") : t("documents.sn.notTreating")),
    str(s, "reason") ? h("section", { class: "doc-section", testid: "doc-sn-reason" }, h("h3", null, t("documents.sn.reason")), h("p", null, str(s, "reason"))) : null,
    str(s, "notes") ? h("section", { class: "doc-section", testid: "doc-notes" }, h("h3", null, t("documents.sn.notes")), h("p", null, str(s, "notes"))) : null,
  );
}

/** The readable view of a document of any kind. */
export function documentView(doc: SignedDocument): HTMLElement {
  return doc.kind === "prescription" ? prescriptionView(doc.content) : doc.kind === "sickNote" ? sickNoteView(doc.content) : reportView(doc.content);
}

// ---- Printing ---------------------------------------------------------------------------

export type PrintView = { text: string; tone: Tone; state: string };

/** What the nurse reads about a print. */
export function printView(job: PrintJob | null, sending = false): PrintView {
  if (sending) return { text: t("print.sending"), tone: "attention", state: "sending" };
  if (!job) return { text: t("print.notPrinted"), tone: "neutral", state: "none" };
  switch (job.state) {
    case "pending":
      return { text: t("print.pending"), tone: "attention", state: "pending" };
    case "printing":
      return { text: t("print.printing", { printer: job.printer }), tone: "attention", state: "printing" };
    case "done":
      return { text: t("print.done", { printer: job.printer }), tone: "ok", state: "done" };
    case "failed":
      return { text: t("print.failed"), tone: "danger", state: "failed" };
    case "cancelled":
      return { text: t("print.cancelled"), tone: "neutral", state: "cancelled" };
  }
}

/** The "Imprimer" block of a document: button, state in words and colour, retry. */
export function printControl(doc: SignedDocument): { el: HTMLElement; dispose(): void } {
  let job: PrintJob | null = doc.prints.length ? doc.prints[doc.prints.length - 1] : null;
  let sending = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  const errors = errorPanel("print-error");
  const stateText = h("p", { class: "print-state", testid: "print-state", role: "status", "aria-live": "polite" });
  const spinner = h("span", { class: "spinner", "aria-hidden": "true", hidden: true });
  const print = h("button", { type: "button", class: "btn btn-primary btn-lg", testid: "print-button" }, t("print.print"));
  const retry = h("button", { type: "button", class: "btn btn-primary btn-lg", testid: "print-retry", hidden: true }, t("common.retry"));
  const since = h("p", { class: "muted", testid: "print-attempts", hidden: true });

  function render() {
    const v = printView(job, sending);
    stateText.textContent = v.text;
    stateText.className = `print-state print-state--${v.tone}`;
    stateText.dataset.state = v.state;
    spinner.hidden = !(sending || job?.state === "printing");
    const failed = job?.state === "failed" || job?.state === "pending";
    retry.hidden = !failed || sending;
    print.hidden = failed && !sending;
    print.disabled = sending || job?.state === "printing";
    print.textContent = job?.state === "done" ? t("print.reprint") : t("print.print");
    since.hidden = !job || job.attempts < 2;
    if (job) since.textContent = tn("print.attempts", job.attempts);
    if (job?.state === "failed") {
      const err: ApiError = { code: job.code ?? "PRINT_FAILED", message: job.message ?? t("print.failed") };
      errors.show(err, job.message ?? codeMessage(err.code) ?? t("print.failed"));
    } else errors.show(null);
  }

  function follow() {
    if (timer !== undefined) clearTimeout(timer);
    if (disposed || job?.state !== "printing") return;
    timer = setTimeout(async () => {
      if (disposed || !job) return;
      try {
        job = await documentsApi.printStatus(job.id);
      } catch (e) {
        if (isGlobalError(e as ApiError)) return;
      }
      if (disposed) return;
      render();
      follow();
    }, PRINT_POLL_MS);
  }

  async function send(fn: () => Promise<PrintJob>, button: HTMLButtonElement) {
    sending = true;
    render();
    try {
      job = await busy(button, t("print.sending"), fn);
    } catch (e) {
      const err = e as ApiError;
      sending = false;
      if (isGlobalError(err)) return render();
      render();
      errors.show(err, codeMessage(err.code) ?? err.message);
      return;
    }
    sending = false;
    if (disposed) return;
    render();
    follow();
    (job?.state === "failed" ? retry : print).focus();
  }

  print.addEventListener("click", () => void send(() => documentsApi.printDocument(doc.id), print));
  retry.addEventListener("click", () => {
    const id = job?.id;
    if (id) void send(() => documentsApi.retryPrint(id), retry);
  });

  const el = h(
    "div",
    { class: "print-control", testid: "print-control" },
    h("div", { class: "print-status" }, spinner, stateText),
    since,
    errors.el,
    h("div", { class: "actions" }, print, retry),
  );
  render();
  follow();
  return {
    el,
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

// ---- The documents screen ---------------------------------------------------------------

function documentCard(doc: SignedDocument, controls: { dispose(): void }[]): HTMLElement {
  const head = h(
    "div",
    { class: "doc-head" },
    h("h2", { class: "section-title", testid: "doc-title" }, kindLabel(doc.kind)),
    h(
      "p",
      { class: "doc-meta" },
      h("span", { class: "pill pill--neutral", testid: "doc-version" }, t("documents.version", { n: doc.version })),
      " ",
      h("span", { testid: "doc-signed" }, t("documents.signedBy", { name: doc.signedBy.name, when: formatDateTime(doc.signedAt) })),
      " ",
      h("span", { class: "doc-hash", testid: "doc-hash", title: doc.sha256 }, t("documents.hash", { hash: doc.shortHash })),
    ),
  );
  if (doc.superseded) {
    return h(
      "details",
      { class: "card doc-card doc-card--superseded", testid: `document-${doc.kind}-superseded` },
      h("summary", null, t("documents.superseded", { kind: kindLabel(doc.kind), n: doc.version })),
      head,
      documentView(doc),
    );
  }
  const control = printControl(doc);
  controls.push(control);
  return h(
    "section",
    { class: "card doc-card", testid: `document-${doc.kind}`, "data-document-id": doc.id },
    head,
    documentView(doc),
    control.el,
  );
}

export interface DocumentsRoute {
  consultationId: string;
  patientId?: string;
}

export function documentsScreen(ctx: Ctx, route: DocumentsRoute): Screen {
  let disposed = false;
  let controls: { dispose(): void }[] = [];
  const errors = errorPanel("documents-error");
  const list = h("div", { class: "documents", testid: "documents-list" }, h("p", { class: "muted", role: "status" }, t("common.loading")));
  const progress = h("p", { class: "progress", testid: "documents-progress", role: "status", hidden: true }, h("span", { class: "spinner", "aria-hidden": "true" }), t("documents.fetching"));
  const printerLine = h("p", { class: "muted", testid: "documents-printer" });
  const refresh = h("button", { type: "button", class: "btn btn-secondary", testid: "documents-refresh" }, t("documents.refresh"));
  const printers = h("button", { type: "button", class: "btn btn-secondary", testid: "documents-printers", onclick: () => ctx.go({ name: "printers" }) }, t("documents.changePrinter"));
  const back = h(
    "button",
    { type: "button", class: "btn btn-secondary", testid: "documents-back", onclick: () => ctx.go(route.patientId ? { name: "patient", id: route.patientId } : { name: "today" }) },
    t("common.back"),
  );

  function show(docs: SignedDocument[]) {
    for (const c of controls) c.dispose();
    controls = [];
    if (!docs.length) {
      replace(list, h("p", { class: "notice", testid: "documents-empty" }, t("documents.empty")));
      return;
    }
    // Current versions first (prescription, sick note, report), replaced versions after.
    const rank: Record<DocumentKind, number> = { prescription: 0, sickNote: 1, report: 2 };
    const order = (d: SignedDocument) => (d.superseded ? 3 : 0) + (rank[d.kind] ?? 2);
    const sorted = [...docs].sort((a, b) => order(a) - order(b) || b.version - a.version);
    replace(list, sorted.map((d) => documentCard(d, controls)));
  }

  async function load(fromHub: boolean) {
    errors.show(null);
    progress.hidden = !fromHub;
    try {
      const docs = fromHub ? await busy(refresh, t("documents.fetching"), () => documentsApi.fetchDocuments(route.consultationId)) : await documentsApi.consultationDocuments(route.consultationId);
      if (disposed) return;
      show(docs);
    } catch (e) {
      const err = e as ApiError;
      if (disposed || isGlobalError(err)) return;
      errors.show(err, codeMessage(err.code) ?? err.message);
      // The stored documents are still shown when the hub cannot be reached.
      if (fromHub) {
        try {
          show(await documentsApi.consultationDocuments(route.consultationId));
        } catch {
          /* the error above says it */
        }
      }
    } finally {
      progress.hidden = true;
    }
  }

  refresh.addEventListener("click", () => void load(true));
  documentsApi
    .listPrinters()
    .then((p) => {
      if (!disposed) printerLine.textContent = p.effective ? t("documents.printer", { name: p.effective }) : t("documents.noPrinter");
    })
    .catch((e) => {
      if (!disposed && !isGlobalError(e as ApiError)) printerLine.textContent = codeMessage((e as ApiError).code) ?? (e as ApiError).message;
    });
  void load(true);

  const root = screenRoot(
    "documents",
    title("documents", t("documents.title")),
    h("div", { class: "documents-bar" }, printerLine, h("div", { class: "actions" }, refresh, printers, back)),
    progress,
    errors.el,
    list,
    exportControl(route.consultationId).el,
  );
  return {
    name: "documents",
    root,
    state: "state.documents",
    dispose() {
      disposed = true;
      for (const c of controls) c.dispose();
    },
  };
}

// ---- On the call screen: "Ordonnance reçue" ---------------------------------------------

/**
 * The documents notice of the call screen: shows each document received during the call
 * ("Ordonnance reçue", from the call's `DOCUMENT_RECEIVED` journal entries) and, once the
 * call ended, the way to the documents and their printing.
 */
export function callDocumentsNotice(ctx: Ctx, consultationId: string, patientId?: string): { el: HTMLElement; update(cs: CallStatus | null): void } {
  let seen = 0;
  const items = h("ul", { class: "doc-received-list", testid: "call-documents-received" });
  const refused = h("p", { class: "error-message", testid: "call-document-refused", hidden: true }, t("documents.refusedInCall"));
  const open = h(
    "button",
    { type: "button", class: "btn btn-primary btn-lg", testid: "call-open-documents", onclick: () => ctx.go({ name: "documents", consultationId, patientId }) },
    t("documents.open"),
  );
  const el = h(
    "section",
    { class: "card card--ok doc-notice", testid: "call-documents", hidden: true, role: "status", "aria-live": "polite" },
    items,
    refused,
    open,
  );

  async function refreshList() {
    try {
      const docs = await documentsApi.consultationDocuments(consultationId);
      replace(
        items,
        docs.filter((d) => !d.superseded).map((d) => h("li", { class: "doc-received", testid: "call-document-received" }, h("span", { class: "banner-icon", "aria-hidden": "true" }, "✓"), ` ${receivedLabel(d.kind)} · ${t("documents.version", { n: d.version })}`)),
      );
    } catch {
      /* the notice stays as it was */
    }
  }

  function update(cs: CallStatus | null) {
    if (!cs) return;
    const received = cs.events.filter((e) => e.kind === "DOCUMENT_RECEIVED").length;
    refused.hidden = !cs.events.some((e) => e.kind === "DOCUMENT_REFUSED");
    if (received > seen) {
      seen = received;
      void refreshList();
    }
    el.hidden = !(received > 0 || !refused.hidden || cs.state === "ended");
    open.textContent = cs.state === "ended" ? t("documents.openAfterCall") : t("documents.open");
  }
  return { el, update };
}

// ---- On the home screen: prints still pending --------------------------------------------

/** The notice of prints that failed or were interrupted, with "Réessayer" and "Voir". */
export function pendingPrintsNotice(ctx: Ctx): { el: HTMLElement; refresh(): Promise<void> } {
  const el = h("section", { class: "card card--attention pending-prints", testid: "pending-prints", hidden: true, role: "status" });

  function render(jobs: PrintJob[]) {
    el.hidden = jobs.length === 0;
    if (!jobs.length) return replace(el);
    replace(
      el,
      h("h2", { class: "section-title" }, tn("print.pendingTitle", jobs.length)),
      h(
        "ul",
        { class: "pending-list" },
        jobs.slice(0, 5).map((j) => {
          const retry = h("button", { type: "button", class: "btn btn-primary", testid: "pending-print-retry" }, t("common.retry"));
          retry.addEventListener("click", async () => {
            try {
              await busy(retry, t("print.sending"), () => documentsApi.retryPrint(j.id));
            } catch {
              /* shown again below */
            }
            await refresh();
          });
          const view = h("button", { type: "button", class: "btn btn-secondary", testid: "pending-print-open", onclick: () => ctx.go({ name: "documents", consultationId: j.consultationId }) }, t("print.open"));
          const drop = h("button", { type: "button", class: "btn btn-secondary", testid: "pending-print-cancel" }, t("print.giveUp"));
          drop.addEventListener("click", async () => {
            try {
              await documentsApi.cancelPrint(j.id);
            } catch {
              /* shown again below */
            }
            await refresh();
          });
          return h(
            "li",
            { class: "pending-print", testid: "pending-print" },
            h("p", null, t("print.pendingItem", { kind: kindLabel(j.documentKind), n: j.documentVersion, printer: j.printer, when: formatDateTime(j.createdAt) })),
            j.message ? h("p", { class: "error-message" }, j.message) : null,
            h("div", { class: "actions" }, retry, view, drop),
          );
        }),
      ),
    );
  }

  async function refresh() {
    try {
      render(await documentsApi.pendingPrints());
    } catch {
      render([]);
    }
  }
  return { el, refresh };
}
