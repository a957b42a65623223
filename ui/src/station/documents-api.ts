/**
 * Typed wrappers of the documents and printing commands (docs/COMMANDS.md, "Documents and
 * printing"), on the same `call` as every command (errors as ApiError, lock screen…).
 */
import { call } from "../lib/api";

export type DocumentKind = "prescription" | "report" | "sickNote";
export type PrintState = "pending" | "printing" | "done" | "failed" | "cancelled";
export type PrintJob = {
  id: string;
  documentId: string;
  documentKind: DocumentKind;
  documentVersion: number;
  consultationId: string;
  printer: string;
  state: PrintState;
  code: string | null;
  message: string | null;
  attempts: number;
  spoolJob: string | null;
  createdAt: string;
  updatedAt: string;
};
export type SignedDocument = {
  id: string;
  consultationId: string;
  kind: DocumentKind;
  version: number;
  supersedes: string | null;
  superseded: boolean;
  content: unknown;
  sha256: string;
  shortHash: string;
  signedAt: string;
  signedBy: { name: string; rpps: string };
  receivedAt: string;
  receivedVia: "hub" | "dataChannel";
  prints: PrintJob[];
};
export type PrinterState = "idle" | "printing" | "stopped";
export type Printer = { name: string; isDefault: boolean; state: PrinterState; accepting: boolean; message: string | null };
export type Printers = { printers: Printer[]; chosen: string | null; effective: string | null };

/** Codes of this area the UI branches on. */
export const PrintCode = {
  HashMismatch: "DOCUMENT_HASH_MISMATCH",
  PrinterNotFound: "PRINTER_NOT_FOUND",
  PrinterStopped: "PRINTER_STOPPED",
  PrintFailed: "PRINT_FAILED",
  CupsUnavailable: "CUPS_UNAVAILABLE",
  NoPrinter: "NO_PRINTER",
} as const;

export const documentsApi = {
  consultationDocuments: (consultationId: string) => call<SignedDocument[]>("consultation_documents", { consultationId }),
  fetchDocuments: (consultationId: string) => call<SignedDocument[]>("fetch_documents", { consultationId }),
  getDocument: (id: string) => call<SignedDocument>("get_document", { id }),
  listPrinters: () => call<Printers>("list_printers"),
  setDefaultPrinter: (name: string | null) => call<Printers>("set_default_printer", { name }),
  printDocument: (documentId: string, printer?: string) => call<PrintJob>("print_document", { documentId, printer: printer ?? null }),
  printStatus: (jobId: string) => call<PrintJob>("print_status", { jobId }),
  retryPrint: (jobId: string) => call<PrintJob>("retry_print", { jobId }),
  cancelPrint: (jobId: string) => call<PrintJob>("cancel_print", { jobId }),
  pendingPrints: () => call<PrintJob[]>("pending_prints"),
};
export type DocumentsApi = typeof documentsApi;
