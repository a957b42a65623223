import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn(), Channel: class {} }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => undefined) }));
import { invoke } from "@tauri-apps/api/core";
import type { PrintJob, Printers, SignedDocument } from "../src/station/documents-api";
import {
  callDocumentsNotice,
  documentsScreen,
  pendingPrintsNotice,
  prescriptionView,
  printControl,
  printView,
  PRINT_POLL_MS,
} from "../src/station/documents";
import { printersScreen } from "../src/station/printers";
import { allByTestId, byTestId, callStatus, fakeCtx, flush } from "./helpers";

const invokeMock = vi.mocked(invoke);

const prescription = {
  id: "d-1",
  issuedAt: "2026-11-26T10:42:00+01:00",
  prescriber: { name: "Dr Claire Martin", qualification: "Médecin généraliste", rpps: "10000000007", address: "1 rue de la Paix, 28000 Chartres, France", phone: "+33237000000", email: "c.martin@example.fr" },
  patient: { familyName: "DUPONT", givenNames: "Jeanne", sex: "F", birthDate: "1948-03-02" },
  lines: [
    { drug: "Paracétamol 1 g", dosage: "1 comprimé 3 fois par jour", duration: "5 jours", renewals: 0, ald: false, nonSubstitutable: false },
    { drug: "Metformine 500 mg", dosage: "1 comprimé matin et soir", quantity: "1 boîte de 60", renewals: 2, ald: true, nonSubstitutable: true },
  ],
  notes: "Boire beaucoup d’eau.",
};

function job(over: Partial<PrintJob> = {}): PrintJob {
  return {
    id: "j1",
    documentId: "d-1",
    documentKind: "prescription",
    documentVersion: 1,
    consultationId: "c1",
    printer: "Relais-PDF",
    state: "printing",
    code: null,
    message: null,
    attempts: 1,
    spoolJob: "Relais-PDF-3",
    createdAt: "2026-11-26T10:50:00+01:00",
    updatedAt: "2026-11-26T10:50:00+01:00",
    ...over,
  };
}

function doc(over: Partial<SignedDocument> = {}): SignedDocument {
  return {
    id: "d-1",
    consultationId: "c1",
    kind: "prescription",
    version: 1,
    supersedes: null,
    superseded: false,
    content: prescription,
    sha256: "a1b2c3d4e5f6".padEnd(64, "0"),
    shortHash: "a1b2c3d4e5f6",
    signedAt: "2026-11-26T10:45:00+01:00",
    signedBy: { name: "Dr Claire Martin", rpps: "10000000007" },
    receivedAt: "2026-11-26T10:45:01+01:00",
    receivedVia: "dataChannel",
    prints: [],
    ...over,
  };
}

type Handler = (args: Record<string, unknown>) => unknown;
let handlers: Record<string, Handler>;
const calls: { cmd: string; args: Record<string, unknown> }[] = [];

beforeEach(() => {
  document.body.innerHTML = "";
  calls.length = 0;
  handlers = {};
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string, payload?: unknown) => {
    const args = (payload as { args?: Record<string, unknown> } | undefined)?.args ?? {};
    calls.push({ cmd, args });
    const h = handlers[cmd];
    if (!h) throw { code: "UNKNOWN_COMMAND", message: cmd };
    return h(args);
  });
});

afterEach(() => {
  vi.useRealTimers();
});

describe("the prescription view", () => {
  it("shows the ALD lines apart, the renewals and the non-substitutable mention", () => {
    const el = prescriptionView(prescription);
    document.body.append(el);
    expect(byTestId("doc-prescriber")?.textContent).toContain("Dr Claire Martin");
    expect(byTestId("doc-prescriber")?.textContent).toContain("RPPS 10000000007");
    expect(byTestId("doc-patient")?.textContent).toBe("DUPONT Jeanne · femme · né(e) le 02/03/1948");
    expect(byTestId("doc-lines-ald")?.textContent).toContain("Metformine 500 mg");
    expect(byTestId("doc-lines-ald")?.textContent).toContain("À renouveler 2 fois");
    expect(byTestId("doc-lines-ald")?.textContent).toContain("Non substituable");
    expect(byTestId("doc-lines-other")?.textContent).toContain("Paracétamol 1 g");
    expect(byTestId("doc-lines-other")?.textContent).not.toContain("Non substituable");
    expect(byTestId("doc-notes")?.textContent).toBe("Boire beaucoup d’eau.");
    expect(byTestId("doc-number")?.textContent).toBe("d-1");
  });

  it("has one list without ALD lines, and never injects HTML", () => {
    const el = prescriptionView({ ...prescription, lines: [{ drug: "<b>x</b>", dosage: "1", ald: false }] });
    expect(el.querySelector("[data-testid=doc-lines-ald]")).toBeNull();
    expect(el.querySelector("b")).toBeNull();
    expect(el.textContent).toContain("<b>x</b>");
  });
});

describe("printing a document", () => {
  it("shows sending, printing, then printed, following the job every second", async () => {
    vi.useFakeTimers();
    handlers.print_document = () => job({ state: "printing" });
    let polls = 0;
    handlers.print_status = () => (++polls < 2 ? job({ state: "printing" }) : job({ state: "done" }));
    const c = printControl(doc());
    document.body.append(c.el);
    expect(byTestId("print-state")?.textContent).toBe("Pas encore imprimée");
    byTestId<HTMLButtonElement>("print-button")!.click();
    expect(byTestId("print-state")?.dataset.state).toBe("sending");
    expect(byTestId("print-state")?.textContent).toBe("Envoi à l’imprimante…");
    await vi.advanceTimersByTimeAsync(0);
    expect(byTestId("print-state")?.dataset.state).toBe("printing");
    expect(byTestId("print-state")?.textContent).toBe("Impression en cours sur Relais-PDF…");
    expect(byTestId<HTMLButtonElement>("print-button")!.disabled).toBe(true);
    await vi.advanceTimersByTimeAsync(PRINT_POLL_MS);
    expect(byTestId("print-state")?.dataset.state).toBe("printing");
    await vi.advanceTimersByTimeAsync(PRINT_POLL_MS);
    expect(byTestId("print-state")?.textContent).toBe("Imprimée sur Relais-PDF");
    expect(byTestId("print-state")?.className).toContain("print-state--ok");
    expect(byTestId("print-button")?.textContent).toBe("Réimprimer");
    expect(calls.filter((x) => x.cmd === "print_status").every((x) => x.args.jobId === "j1")).toBe(true);
    await vi.advanceTimersByTimeAsync(PRINT_POLL_MS * 3);
    expect(polls).toBe(2);
    c.dispose();
  });

  it("shows a failure with its message and code, and retries the same job", async () => {
    vi.useFakeTimers();
    const stopped = job({ state: "failed", code: "PRINTER_STOPPED", message: "L’imprimante « Relais-Stopped » est arrêtée (éteinte, hors ligne ou mise en pause)." });
    handlers.print_document = () => stopped;
    handlers.retry_print = (a) => job({ id: String(a.jobId), state: "done", attempts: 2 });
    const c = printControl(doc());
    document.body.append(c.el);
    byTestId<HTMLButtonElement>("print-button")!.click();
    await vi.advanceTimersByTimeAsync(0);
    expect(byTestId("print-state")?.textContent).toBe("Échec de l’impression");
    expect(byTestId("print-error")?.hidden).toBe(false);
    expect(byTestId("print-error")?.textContent).toContain("est arrêtée");
    expect(byTestId("print-error")?.textContent).toContain("PRINTER_STOPPED");
    expect(byTestId("print-retry")?.hidden).toBe(false);
    expect(byTestId("print-button")?.hidden).toBe(true);
    byTestId<HTMLButtonElement>("print-retry")!.click();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.find((x) => x.cmd === "retry_print")?.args).toEqual({ jobId: "j1" });
    expect(byTestId("print-state")?.textContent).toBe("Imprimée sur Relais-PDF");
    expect(byTestId("print-attempts")?.textContent).toBe("2 essais");
    expect(byTestId("print-error")?.hidden).toBe(true);
    c.dispose();
  });

  it("offers a failed print again when the screen opens (after a restart)", () => {
    const c = printControl(doc({ prints: [job({ state: "failed", code: "PRINTER_STOPPED", message: "arrêtée" })] }));
    document.body.append(c.el);
    expect(byTestId("print-retry")?.hidden).toBe(false);
    expect(printView(job({ state: "pending" })).tone).toBe("attention");
    c.dispose();
  });
});

describe("the documents screen", () => {
  it("fetches from the hub and shows each document with version and short hash", async () => {
    handlers.fetch_documents = () => [doc(), doc({ id: "d-0", version: 1, superseded: true }), doc({ id: "r-1", kind: "report", content: { reason: "Toux", diagnosis: "Bronchite", gp: { name: "Dr Claire Martin" }, patient: {} } })];
    handlers.list_printers = (): Printers => ({ printers: [], chosen: "Relais-PDF", effective: "Relais-PDF" });
    const ctx = fakeCtx();
    const s = documentsScreen(ctx, { consultationId: "c1", patientId: "p1" });
    document.body.append(s.root);
    await flush();
    await flush();
    expect(calls.find((x) => x.cmd === "fetch_documents")?.args).toEqual({ consultationId: "c1" });
    const card = byTestId("document-prescription")!;
    expect(byTestId("doc-version", card)?.textContent).toBe("Version 1");
    expect(byTestId("doc-hash", card)?.textContent).toBe("Empreinte a1b2c3d4e5f6");
    expect(byTestId("print-button", card)).not.toBeNull();
    expect(byTestId("document-prescription-superseded")).not.toBeNull();
    expect(byTestId("doc-diagnosis")?.textContent).toContain("Bronchite");
    expect(byTestId("documents-printer")?.textContent).toBe("Imprimante : Relais-PDF");
    byTestId<HTMLButtonElement>("documents-back")!.click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "patient", id: "p1" });
    s.dispose?.();
  });

  it("still shows the stored documents when the hub cannot be reached", async () => {
    handlers.fetch_documents = () => {
      throw { code: "HUB_UNREACHABLE", message: "Le serveur Relais est injoignable." };
    };
    handlers.consultation_documents = () => [doc()];
    handlers.list_printers = () => ({ printers: [], chosen: null, effective: null });
    const s = documentsScreen(fakeCtx(), { consultationId: "c1" });
    document.body.append(s.root);
    for (let i = 0; i < 4; i++) await flush();
    expect(byTestId("documents-error")?.hidden).toBe(false);
    expect(byTestId("document-prescription")).not.toBeNull();
    s.dispose?.();
  });
});

describe("the call screen's notice", () => {
  it("says \"Ordonnance reçue\" when the journal has a received document, and leads to the documents", async () => {
    handlers.consultation_documents = () => [doc()];
    const ctx = fakeCtx();
    const n = callDocumentsNotice(ctx, "c1", "p1");
    document.body.append(n.el);
    n.update(callStatus());
    expect(n.el.hidden).toBe(true);
    n.update(callStatus({ events: [{ at: "2026-11-26T10:45:01+01:00", kind: "DOCUMENT_RECEIVED", message: "Document signé reçu du médecin." }] }));
    await flush();
    expect(n.el.hidden).toBe(false);
    expect(allByTestId("call-document-received").map((e) => e.textContent)).toEqual(["✓ Ordonnance reçue · Version 1"]);
    n.update(callStatus({ state: "ended", events: [{ at: "x", kind: "DOCUMENT_RECEIVED", message: "" }] }));
    expect(byTestId("call-open-documents")?.textContent).toBe("Documents et impression");
    byTestId<HTMLButtonElement>("call-open-documents")!.click();
    expect(ctx.go).toHaveBeenCalledWith({ name: "documents", consultationId: "c1", patientId: "p1" });
  });
});

describe("prints still pending", () => {
  it("are listed with their failure and can be retried", async () => {
    let open = [job({ state: "failed", code: "PRINTER_STOPPED", message: "L’imprimante est arrêtée." })];
    handlers.pending_prints = () => open;
    handlers.retry_print = () => {
      open = [];
      return job({ state: "printing" });
    };
    const n = pendingPrintsNotice(fakeCtx());
    document.body.append(n.el);
    await n.refresh();
    expect(n.el.hidden).toBe(false);
    expect(n.el.textContent).toContain("1 impression en attente");
    expect(n.el.textContent).toContain("L’imprimante est arrêtée.");
    byTestId<HTMLButtonElement>("pending-print-retry")!.click();
    for (let i = 0; i < 4; i++) await flush();
    expect(calls.some((x) => x.cmd === "retry_print")).toBe(true);
    expect(n.el.hidden).toBe(true);
  });
});

describe("the printer settings", () => {
  it("lists the printers with their state and saves the choice", async () => {
    const printers: Printers = {
      printers: [
        { name: "Relais-PDF", isDefault: true, state: "idle", accepting: true, message: null },
        { name: "Relais-Stopped", isDefault: false, state: "stopped", accepting: true, message: "Arrêtée pour les tests" },
      ],
      chosen: null,
      effective: "Relais-PDF",
    };
    handlers.list_printers = () => printers;
    handlers.set_default_printer = (a) => ({ ...printers, chosen: a.name as string, effective: a.name as string });
    const s = printersScreen(fakeCtx());
    document.body.append(s.root);
    await flush();
    await flush();
    const states = allByTestId("printer-state").map((e) => `${e.dataset.printer}: ${e.textContent}`);
    expect(states).toEqual(["Relais-PDF: Prête", "Relais-Stopped: Arrêtée"]);
    expect(byTestId<HTMLInputElement>("printer-option-default")!.checked).toBe(true);
    byTestId<HTMLInputElement>("printer-option-Relais-Stopped")!.click();
    byTestId<HTMLFormElement>("printers-form")!.requestSubmit();
    await flush();
    await flush();
    expect(calls.find((x) => x.cmd === "set_default_printer")?.args).toEqual({ name: "Relais-Stopped" });
    expect(byTestId("printers-saved")?.textContent).toBe("Enregistré. Les ordonnances seront imprimées sur Relais-Stopped.");
    s.dispose?.();
  });
});
