/**
 * Typed wrappers for the station commands (docs/COMMANDS.md is the contract).
 *
 * Every command goes through `invoke(name, { args })` (or `invoke(name)` when it takes no
 * input). A rejection is always turned into an {@link ApiError}: backend errors keep their
 * stable `code` and French `message`; anything else becomes `{ code: "UNKNOWN" }` with a
 * French message, the raw text kept in `detail` for the "Détails" toggle.
 *
 * Listeners registered with {@link onApiError} see every error first: the app uses this to
 * show the lock screen on `SESSION_LOCKED` whatever screen made the call.
 */
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { has, t } from "./i18n";

// ---- Types of the contract -------------------------------------------------------------

export type SiteKind = "pharmacie" | "ehpad" | "infirmier_domicile" | "autre";
export const SITE_KINDS: readonly SiteKind[] = ["pharmacie", "ehpad", "infirmier_domicile", "autre"];

export type Site = { id: string; kind: SiteKind; name: string; commune: string; address: string | null };
export type Role = "manager" | "assistant";
export type User = {
  id: string;
  username: string;
  displayName: string;
  profession: string;
  rpps: string | null;
  role: Role;
};
export type Status = {
  storage: "ready" | "needsPassphrase";
  storageMessage: string | null;
  initialized: boolean;
  site: Site | null;
  user: User | null;
  locked: boolean;
  lockAfterSeconds: number;
  hubUrl: string | null;
  version: string;
};
export type Sex = "F" | "M" | "I";
export const SEXES: readonly Sex[] = ["F", "M", "I"];
export type Patient = {
  familyName: string;
  usedName: string | null;
  givenNames: string;
  sex: Sex;
  birthDate: string; // YYYY-MM-DD
  birthPlaceCode: string | null;
  nir: string | null;
  phone: string;
  address: string | null;
  postalCode: string | null;
  commune: string;
  treatingDoctor: { name: string; rpps: string | null } | null;
  coverage: { ald: boolean; c2s: boolean; ame: boolean };
  weightKg: number | null;
};
export type FieldError = { field: string; code: string; message: string };
export type PatientSummary = {
  id: string;
  familyName: string;
  usedName: string | null;
  givenNames: string;
  birthDate: string;
  age: number;
  nirMasked: string | null;
  commune: string;
};
export type ConsultationState =
  | "draft"
  | "triaged"
  | "requested"
  | "inCall"
  | "reported"
  | "closed"
  | "excluded"
  | "cancelled";
export type Redirect = "SAMU_15" | "URGENCES" | "PEDIATRE";
export type Assessment = {
  outcome: "accepted" | "excluded" | "incomplete";
  reasons: { code: string; message: string }[];
  redirect: Redirect[];
  priority: string[];
};
export type Answers = {
  abdominalPain: boolean | null;
  technicalGesture: boolean | null;
  emergencySigns: boolean | null;
};
export const QUESTIONS: readonly (keyof Answers)[] = ["abdominalPain", "technicalGesture", "emergencySigns"];
export type Priority = {
  noTreatingDoctor: boolean;
  mobilityDifficulty: boolean;
  longDelay: boolean;
  chronicDisease: boolean;
  c2s: boolean;
};
export const PRIORITY_KEYS: readonly (keyof Priority)[] = [
  "noTreatingDoctor",
  "mobilityDifficulty",
  "longDelay",
  "chronicDisease",
  "c2s",
];
export type Consultation = {
  id: string;
  patientId: string;
  state: ConsultationState;
  stateLabel: string;
  complaint: string;
  assessment: Assessment;
  createdAt: string;
  updatedAt: string;
  redirectionAcknowledged: boolean;
};
export type PatientRecord = { id: string; patient: Patient; age: number; consultations: Consultation[] };
export type TodayItem = { consultation: Consultation; patient: PatientSummary };
export type AuditEntry = {
  seq: number;
  at: string;
  actor: string;
  action: string;
  recordType: string;
  recordId: string | null;
  detail: string;
};
export type AuditTrail = { entries: AuditEntry[]; ok: boolean; checked: number; firstBroken: number | null };

export type SetupInput = {
  site: { kind: SiteKind; name: string; commune: string; address: string | null };
  user: { username: string; displayName: string; profession: string; rpps: string | null; password: string };
};
export type IntakeInput = {
  patientId: string;
  complaint: string;
  answers: Answers;
  priority: Priority;
  consent: boolean;
};
/** Draft kinds: `"patient"` or `"intake:<patientId>"`. */
export type DraftKind = "patient" | `intake:${string}`;

// ---- Hub link and call -----------------------------------------------------------------

export type HubStatus = {
  enrolled: boolean;
  /** The hub's address; the configured suggestion when not enrolled. */
  url: string | null;
  fingerprint: string | null;
  stationName: string | null;
  enrolledAt: string | null;
};
export type EnrolInput = { url: string; fingerprint: string; code: string };
export type CallState = "sending" | "waitingGp" | "connecting" | "connected" | "reconnecting" | "ended" | "failed";
export const CALL_STATES: readonly CallState[] = ["sending", "waitingGp", "connecting", "connected", "reconnecting", "ended", "failed"];
/** One entry of the call's technical journal; `message` is French. */
export type CallEvent = { at: string; kind: string; message: string };
export type ChatLine = { from: "gp" | "station"; text: string; at: string };
export type MediaDevice = { id: string; label: string };
export type MediaDevices = { cameras: MediaDevice[]; microphones: MediaDevice[]; speakers: MediaDevice[] };
export type QualityLevel = "good" | "fair" | "poor";
export type CallQuality = { rttMs: number | null; lossPercent: number | null; level: QualityLevel | null };
export type CallStatus = {
  consultationId: string;
  state: CallState;
  /** When the state was entered (RFC 3339). */
  since: string;
  gpName: string | null;
  muted: boolean;
  cameraOn: boolean;
  quality: CallQuality;
  /** Oldest first. */
  events: CallEvent[];
  chat: ChatLine[];
  /** Why the state is "failed". */
  error: { code: string; message: string } | null;
};
/** Longest chat line the backend accepts. */
export const CHAT_MAX = 1000;

// ---- Errors ----------------------------------------------------------------------------

/** The error every wrapper rejects with. */
export interface ApiError {
  code: string;
  message: string;
  field?: string;
  fields?: FieldError[];
  /** Raw text of a non-contract rejection (shown under "Détails" only). */
  detail?: string;
}

/** Codes the UI branches on. */
export const Code = {
  Unknown: "UNKNOWN",
  SessionLocked: "SESSION_LOCKED",
  NotSignedIn: "NOT_SIGNED_IN",
  BadCredentials: "BAD_CREDENTIALS",
  WrongKey: "WRONG_KEY",
  PassphraseTooShort: "PASSPHRASE_TOO_SHORT",
  AlreadyInitialized: "ALREADY_INITIALIZED",
  PasswordTooShort: "PASSWORD_TOO_SHORT",
  InvalidPatient: "INVALID_PATIENT",
  IncompleteIntake: "INCOMPLETE_INTAKE",
  ConsentRequired: "CONSENT_REQUIRED",
  Forbidden: "FORBIDDEN",
  HubNotEnrolled: "HUB_NOT_ENROLLED",
  HubUnreachable: "HUB_UNREACHABLE",
  HubCertificateMismatch: "HUB_CERTIFICATE_MISMATCH",
  HubBadSetting: "HUB_BAD_SETTING",
  HubProtocol: "HUB_PROTOCOL",
  BadEnrolmentCode: "BAD_ENROLMENT_CODE",
  RateLimited: "RATE_LIMITED",
  CallInProgress: "CALL_IN_PROGRESS",
  NotRequested: "NOT_REQUESTED",
} as const;

/**
 * Our own French text for a code, when the catalogue has one (`error.<CODE>`): it says what
 * to do next. Used when the backend sends no message, and by screens that prefer the advice.
 */
export function codeMessage(code: string): string | null {
  const key = `error.${code}`;
  return has(key) ? t(key) : null;
}

export function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as ApiError).code === "string" &&
    typeof (e as ApiError).message === "string"
  );
}

function isFieldError(e: unknown): e is FieldError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as FieldError).field === "string" &&
    typeof (e as FieldError).message === "string"
  );
}

/** Turn anything a command may reject with into an {@link ApiError}. */
export function normaliseError(e: unknown): ApiError {
  if (typeof e === "string") {
    const s = e.trim();
    if (s.startsWith("{")) {
      try {
        return normaliseError(JSON.parse(s));
      } catch {
        /* not JSON: fall through */
      }
    }
    return { code: Code.Unknown, message: t("error.unknown"), detail: e };
  }
  if (typeof e === "object" && e !== null && typeof (e as { code?: unknown }).code === "string") {
    const raw = e as { code: string; message?: unknown; field?: unknown; fields?: unknown };
    const out: ApiError = {
      code: raw.code,
      message:
        typeof raw.message === "string" && raw.message.trim() !== "" ? raw.message : (codeMessage(raw.code) ?? t("error.unknown")),
    };
    if (typeof raw.field === "string") out.field = raw.field;
    if (Array.isArray(raw.fields)) out.fields = raw.fields.filter(isFieldError);
    return out;
  }
  const detail =
    e instanceof Error ? `${e.name}: ${e.message}` : e === undefined ? "undefined" : safeStringify(e);
  return { code: Code.Unknown, message: t("error.unknown"), detail };
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

type ErrorListener = (e: ApiError, command: string) => void;
const listeners = new Set<ErrorListener>();

/** Observe every command error (before the caller sees it). Returns the unsubscribe function. */
export function onApiError(fn: ErrorListener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export async function call<T>(command: string, args?: object): Promise<T> {
  try {
    return args === undefined ? await invoke<T>(command) : await invoke<T>(command, { args });
  } catch (raw) {
    const err = normaliseError(raw);
    for (const l of listeners) {
      try {
        l(err, command);
      } catch {
        /* a listener must not hide the error from the caller */
      }
    }
    throw err;
  }
}

// ---- Commands --------------------------------------------------------------------------

export const api = {
  appStatus: () => call<Status>("app_status"),
  unlockStorage: (passphrase: string) => call<Status>("unlock_storage", { passphrase }),
  setupSite: (input: SetupInput) => call<Status>("setup_site", input),
  signIn: (username: string, password: string) => call<Status>("sign_in", { username, password }),
  signOut: () => call<Status>("sign_out"),
  lock: () => call<Status>("lock"),
  touch: () => call<Status>("touch"),
  validatePatient: (patient: Patient) => call<FieldError[]>("validate_patient", { patient }),
  createPatient: (patient: Patient) => call<PatientRecord>("create_patient", { patient }),
  updatePatient: (id: string, patient: Patient) => call<PatientRecord>("update_patient", { id, patient }),
  getPatient: (id: string) => call<PatientRecord>("get_patient", { id }),
  searchPatients: (query: string) => call<PatientSummary[]>("search_patients", { query }),
  submitIntake: (input: IntakeInput) => call<Consultation>("submit_intake", input),
  acknowledgeRedirection: (consultationId: string) =>
    call<Consultation>("acknowledge_redirection", { consultationId }),
  requestConsultation: (consultationId: string) => call<Consultation>("request_consultation", { consultationId }),
  cancelConsultation: (consultationId: string) => call<Consultation>("cancel_consultation", { consultationId }),
  today: () => call<TodayItem[]>("today"),
  auditTrail: (limit: number) => call<AuditTrail>("audit_trail", { limit }),
  saveDraft: (kind: DraftKind, data: unknown) => call<null>("save_draft", { kind, data }),
  loadDraft: (kind: DraftKind) => call<unknown>("load_draft", { kind }),
  clearDraft: (kind: DraftKind) => call<null>("clear_draft", { kind }),
  /** The first screen is on display (start-up benchmark). */
  uiReady: () => call<null>("ui_ready"),

  // -- Hub link and call
  hubStatus: () => call<HubStatus>("hub_status"),
  enrolStation: (input: EnrolInput) => call<HubStatus>("enrol_station", input),
  startCall: (consultationId: string) => call<CallStatus>("start_call", { consultationId }),
  callStatus: () => call<CallStatus | null>("call_status"),
  callSetMuted: (muted: boolean) => call<CallStatus>("call_set_muted", { muted }),
  callSetCamera: (on: boolean) => call<CallStatus>("call_set_camera", { on }),
  callSendChat: (text: string) => call<CallStatus>("call_send_chat", { text }),
  callHangUp: () => call<CallStatus>("call_hang_up"),
  mediaDevices: () => call<MediaDevices>("media_devices"),
  /**
   * The GP's video: `onFrame` gets one JPEG image per frame until the call ends. Returns the
   * channel (its `onmessage` can be replaced) once the backend accepted the subscription.
   */
  callVideo: async (onFrame: (jpeg: ArrayBuffer) => void): Promise<Channel<ArrayBuffer>> => {
    const channel = new Channel<ArrayBuffer>();
    channel.onmessage = (m) => {
      const buf = toArrayBuffer(m);
      if (buf) onFrame(buf);
    };
    await call<null>("call_video", { onFrame: channel });
    return channel;
  },
};
export type Api = typeof api;

/** A raw channel message as an ArrayBuffer (a backend sending JSON bytes is tolerated). */
function toArrayBuffer(m: unknown): ArrayBuffer | null {
  if (m instanceof ArrayBuffer) return m;
  if (ArrayBuffer.isView(m)) return m.buffer.slice(m.byteOffset, m.byteOffset + m.byteLength) as ArrayBuffer;
  if (Array.isArray(m)) return new Uint8Array(m as number[]).buffer;
  return null;
}

/**
 * Follow the `call-status` event (every change of the call). Returns the function that stops
 * listening; it may be called before the subscription is in place.
 */
export function onCallStatus(cb: (s: CallStatus) => void): () => void {
  let stopped = false;
  let unlisten: (() => void) | null = null;
  listen<CallStatus>("call-status", (ev) => {
    if (!stopped) cb(ev.payload);
  })
    .then((fn) => {
      if (stopped) fn();
      else unlisten = fn;
    })
    .catch(() => undefined);
  return () => {
    stopped = true;
    unlisten?.();
    unlisten = null;
  };
}
