import { vi } from "vitest";
import type { CallStatus, Consultation, PatientRecord, Status } from "../src/lib/api";
import type { Ctx } from "../src/station/ui";

export function fakeCtx(status: Status | null = null): Ctx & {
  go: ReturnType<typeof vi.fn>;
  refreshState: ReturnType<typeof vi.fn>;
  keepAwake: ReturnType<typeof vi.fn>;
} {
  return { status: () => status, go: vi.fn(), applyStatus: vi.fn(), refreshState: vi.fn(), keepAwake: vi.fn() };
}

/** A call status of consultation c1 (connected with Dr Claire Martin unless told). */
export function callStatus(over: Partial<CallStatus> = {}): CallStatus {
  return {
    consultationId: "c1",
    state: "connected",
    since: "2026-11-24T10:45:00+01:00",
    gpName: "Dr Claire Martin",
    muted: false,
    cameraOn: true,
    quality: { rttMs: 48, lossPercent: 0.5, level: "good" },
    events: [
      { at: "2026-11-24T10:42:10+01:00", kind: "REQUEST_SENT", message: "Demande envoyée au serveur Relais." },
      { at: "2026-11-24T10:45:00+01:00", kind: "CONNECTED", message: "Communication établie avec le Dr Claire Martin." },
    ],
    chat: [],
    error: null,
    ...over,
  };
}

export const byTestId = <T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document) =>
  root.querySelector<T>(`[data-testid="${id}"]`);
export const allByTestId = <T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document) =>
  Array.from(root.querySelectorAll<T>(`[data-testid="${id}"]`));

/** Let pending promise callbacks run. */
export const flush = () => new Promise((r) => setTimeout(r, 0));

export function consultation(over: Partial<Consultation> = {}): Consultation {
  return {
    id: "c1",
    patientId: "p1",
    state: "triaged",
    stateLabel: "Accueil fait",
    complaint: "Toux",
    assessment: { outcome: "accepted", reasons: [], redirect: [], priority: [] },
    createdAt: "2026-11-24T10:42:00+01:00",
    updatedAt: "2026-11-24T10:42:00+01:00",
    redirectionAcknowledged: false,
    ...over,
  };
}

export function excluded(over: Partial<Consultation["assessment"]> = {}): Consultation {
  return consultation({
    state: "excluded",
    stateLabel: "Orientée",
    assessment: {
      outcome: "excluded",
      reasons: [
        { code: "EMERGENCY_SIGNS", message: "Signes d'urgence : appelez le 15 immédiatement." },
        { code: "ABDOMINAL_PAIN", message: "Douleur abdominale : rendez-vous aux urgences ou contactez le 15." },
      ],
      redirect: ["SAMU_15", "URGENCES"],
      priority: [],
      ...over,
    },
  });
}

export function record(age = 68): PatientRecord {
  return {
    id: "p1",
    age,
    consultations: [],
    patient: {
      familyName: "DURAND",
      usedName: null,
      givenNames: "Paul",
      sex: "M",
      birthDate: "1958-11-24",
      birthPlaceCode: null,
      nir: null,
      phone: "0612345678",
      address: null,
      postalCode: null,
      commune: "Champhol",
      treatingDoctor: null,
      coverage: { ald: false, c2s: false, ame: false },
      weightKg: null,
    },
  };
}

export function status(over: Partial<Status> = {}): Status {
  return {
    storage: "ready",
    storageMessage: null,
    initialized: true,
    site: { id: "s1", kind: "pharmacie", name: "Pharmacie du Centre", commune: "Chartres", address: null },
    user: { id: "u1", username: "cdupont", displayName: "Claire Dupont", profession: "Pharmacienne", rpps: null, role: "manager" },
    locked: false,
    lockAfterSeconds: 300,
    hubUrl: null,
    version: "0.1.0",
    ...over,
  };
}
