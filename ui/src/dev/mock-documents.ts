/**
 * Dev mock of the documents and printing commands, for looking at the screens in the
 * browser: `?mock&screen=documents` (a signed prescription v2 replacing v1, a sick note
 * and a report),
 * `printer=stopped` (the print fails, then "Réessayer" prints), `pending=1` (a failed print
 * offered on the home screen), `?mock&screen=printers`.
 */
import type { PrintJob, Printers, SignedDocument } from "../station/documents-api";

type Args = Record<string, unknown>;

const prescription = {
  id: "9d1c0a52-7a7e-4f0e-b3b1-5f2d6c1e8a40",
  issuedAt: "2026-11-26T10:42:00+01:00",
  prescriber: { name: "Dr Claire Martin", qualification: "Médecin généraliste", rpps: "10100345676", address: "12 rue du Bourg, 28000 Chartres, France", phone: "+33237123456", email: "c.martin@example.fr" },
  patient: { familyName: "DURAND", givenNames: "Paul", sex: "M", birthDate: "1950-03-14" },
  lines: [
    { drug: "Metformine 500 mg", dosage: "1 comprimé matin et soir", quantity: "1 boîte de 60", renewals: 2, ald: true, nonSubstitutable: true },
    { drug: "Amoxicilline 1 g", dosage: "1 comprimé matin et soir pendant les repas", duration: "6 jours", renewals: 0, ald: false, nonSubstitutable: false },
    { drug: "Paracétamol 1 g", dosage: "1 comprimé toutes les 6 heures si fièvre", duration: "5 jours", renewals: 0, ald: false, nonSubstitutable: false },
  ],
  notes: "Revoir le médecin traitant si la fièvre persiste au-delà de 72 heures.",
};

const sickNote = {
  id: "4b7e2d10-3c5a-4e8f-9a21-7d6c5b4a3f20",
  issuedAt: "2026-11-26T10:45:00+01:00",
  prescriber: prescription.prescriber,
  patient: prescription.patient,
  kind: "initial",
  startDate: "2026-11-26",
  days: 3,
  byTreatingGp: false,
  reason: "Syndrome grippal fébrile avec courbatures",
  exits: "allowed",
  exitsJustification: null,
  notes: "",
};

export function mockDocuments(params: URLSearchParams): { handle(cmd: string, a: Args): { value: unknown } | null } {
  const stopped = params.get("printer") === "stopped";
  let polls = 0;
  const jobs: PrintJob[] = [];
  const job = (over: Partial<PrintJob>): PrintJob => ({
    id: `j${jobs.length + 1}`,
    documentId: "d2",
    documentKind: "prescription",
    documentVersion: 2,
    consultationId: "c-doc",
    printer: stopped ? "Accueil-Laser" : "Relais-PDF",
    state: "printing",
    code: null,
    message: null,
    attempts: 1,
    spoolJob: "Relais-PDF-12",
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    ...over,
  });
  const failed = (j: PrintJob): PrintJob => ({
    ...j,
    state: "failed",
    code: "PRINTER_STOPPED",
    message: `L’imprimante « ${j.printer} » est arrêtée (éteinte, hors ligne ou mise en pause). Vérifiez-la (allumée, papier, câble), puis touchez Réessayer.`,
  });
  if (params.get("pending")) jobs.push(failed(job({ id: "j0" })));
  const sha = "5e1f0c2a9b7d44e3a1c8f6b2d0e9a7c35b4d2e1f0a9c8b7d6e5f4a3b2c1d0e9f";
  const docs = (): SignedDocument[] => [
    { id: "d1", consultationId: "c-doc", kind: "prescription", version: 1, supersedes: null, superseded: true, content: { ...prescription, lines: prescription.lines.slice(1) }, sha256: "a0".repeat(32), shortHash: "a0a0a0a0a0a0", signedAt: "2026-11-26T10:41:00+01:00", signedBy: { name: "Dr Claire Martin", rpps: "10100345676" }, receivedAt: "2026-11-26T10:41:01+01:00", receivedVia: "dataChannel", prints: [] },
    { id: "d2", consultationId: "c-doc", kind: "prescription", version: 2, supersedes: "d1", superseded: false, content: prescription, sha256: sha, shortHash: sha.slice(0, 12), signedAt: "2026-11-26T10:44:00+01:00", signedBy: { name: "Dr Claire Martin", rpps: "10100345676" }, receivedAt: "2026-11-26T10:44:01+01:00", receivedVia: "dataChannel", prints: jobs.filter((j) => j.documentId === "d2") },
    { id: "s1", consultationId: "c-doc", kind: "sickNote", version: 1, supersedes: null, superseded: false, content: sickNote, sha256: "c2".repeat(32), shortHash: "c2c2c2c2c2c2", signedAt: "2026-11-26T10:45:00+01:00", signedBy: { name: "Dr Claire Martin", rpps: "10100345676" }, receivedAt: "2026-11-26T10:45:01+01:00", receivedVia: "dataChannel", prints: [] },
    { id: "r1", consultationId: "c-doc", kind: "report", version: 1, supersedes: null, superseded: false, content: { gp: { name: "Dr Claire Martin", qualification: "Médecin généraliste" }, patient: prescription.patient, reason: "Toux grasse et fièvre depuis trois jours", findings: "Température 38,6 °C, saturation 96 %, crépitants à la base droite.", diagnosis: "Pneumopathie communautaire probable", orientation: "Traitement ambulatoire, radiographie si pas d’amélioration à 72 h", acts: [{ code: "TCG" }, { code: "TLS" }] }, sha256: "b1".repeat(32), shortHash: "b1b1b1b1b1b1", signedAt: "2026-11-26T10:46:00+01:00", signedBy: { name: "Dr Claire Martin", rpps: "10100345676" }, receivedAt: "2026-11-26T10:46:01+01:00", receivedVia: "hub", prints: [] },
  ];
  const printers = (): Printers => ({
    printers: [
      { name: "Relais-PDF", isDefault: !stopped, state: "idle", accepting: true, message: null },
      { name: "Accueil-Laser", isDefault: stopped, state: stopped ? "stopped" : "idle", accepting: true, message: stopped ? "Paused" : null },
    ],
    chosen: null,
    effective: stopped ? "Accueil-Laser" : "Relais-PDF",
  });
  const later = <T>(ms: number, v: () => T) => new Promise<T>((r) => setTimeout(() => r(v()), ms));
  return {
    handle(cmd, a) {
      switch (cmd) {
        case "consultation_documents":
        case "fetch_documents":
          return { value: later(cmd === "fetch_documents" ? 700 : 50, docs) };
        case "list_printers":
          return { value: printers() };
        case "set_default_printer":
          return { value: { ...printers(), chosen: (a.name as string | null) ?? null, effective: (a.name as string | null) ?? printers().effective } };
        case "print_document": {
          const j = job({});
          jobs.push(j);
          polls = 0;
          return { value: later(600, () => j) };
        }
        case "print_status": {
          const i = jobs.findIndex((j) => j.id === a.jobId);
          polls += 1;
          if (i >= 0 && polls >= 3) jobs[i] = stopped && jobs[i].attempts < 2 ? failed(jobs[i]) : { ...jobs[i], state: "done" };
          return { value: later(100, () => jobs[i]) };
        }
        case "retry_print": {
          const i = jobs.findIndex((j) => j.id === a.jobId);
          jobs[i] = { ...jobs[i], state: "printing", code: null, message: null, attempts: jobs[i].attempts + 1, printer: "Relais-PDF" };
          polls = 0;
          return { value: later(600, () => jobs[i]) };
        }
        case "cancel_print": {
          const i = jobs.findIndex((j) => j.id === a.jobId);
          jobs[i] = { ...jobs[i], state: "cancelled" };
          return { value: jobs[i] };
        }
        case "pending_prints":
          return { value: jobs.filter((j) => j.state === "failed" || j.state === "pending") };
        default:
          return null;
      }
    },
  };
}
