/**
 * TypeScript mirror of `crates/protocol` (relais_protocol): the hub's API bodies, the
 * signaling envelope and the data-channel messages. JSON is camelCase everywhere; the
 * contract is docs/HUB_PROTOCOL.md.
 */
import { parseCameraMessage, type CameraMessage } from "./cameras";
import { parseStethoscopeMessage, type StethoscopeMessage } from "./stethoscope";

// ---- api.rs ------------------------------------------------------------------------------

/** Error body of every refused request. */
export interface ApiError {
  code: string;
  message: string;
}

export type Role = "gp" | "coordinator";

export interface LoginRequest {
  email: string;
  password: string;
  totp: string;
}

export interface Account {
  id: string;
  email: string;
  name: string;
  rpps?: string;
  role: Role;
}

export type Sex = "F" | "M" | "I";

export interface PatientSummary {
  familyName: string;
  givenNames: string;
  sex: Sex;
  /** YYYY-MM-DD */
  birthDate: string;
  /** The médecin traitant recorded at the station (its RPPS decides a sick note's "by the médecin traitant"). */
  treatingDoctor?: { name: string; rpps?: string | null } | null;
}

export type HubConsultationStatus = "waiting" | "accepted" | "ended" | "cancelled";

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface RoomTicket {
  consultationId: string;
  roomId: string;
  joinToken: string;
  iceServers: IceServer[];
  relayOnly: boolean;
}

// relais_core::triage::Assessment
export type Outcome = "accepted" | "excluded" | "incomplete";
export type Redirect = "SAMU_15" | "URGENCES" | "PEDIATRE";
export interface Reason {
  code: string;
  message: string;
}
export interface Assessment {
  outcome: Outcome;
  reasons: Reason[];
  redirect: Redirect[];
  /** Priority codes in a fixed order: NO_TREATING_DOCTOR, MOBILITY_DIFFICULTY, LONG_DELAY, AGE_70_PLUS, CHRONIC_DISEASE, C2S. */
  priority: string[];
}

export interface WaitingConsultation {
  id: string;
  stationName: string;
  /** RFC 3339 */
  requestedAt: string;
  patient: PatientSummary;
  ageYears: number;
  complaint: string;
  assessment: Assessment;
  status: HubConsultationStatus;
}

// ---- signal.rs ---------------------------------------------------------------------------

export const PROTOCOL_VERSION = 1;
export const MAX_MESSAGE_BYTES = 64 * 1024;
export type Side = "station" | "gp";

export type Signal =
  | { type: "welcome"; side: Side; roomId: string; peerPresent: boolean; rejoinToken: string; iceServers: IceServer[]; relayOnly: boolean }
  | { type: "peerJoined" }
  | { type: "peerLeft" }
  | { type: "offer"; sdp: string }
  | { type: "answer"; sdp: string }
  | { type: "candidate"; candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null }
  | { type: "restartRequest" }
  | { type: "incident"; kind: string; detail: string }
  | { type: "hangup" }
  | { type: "error"; code: string; message: string };

/** A message in its envelope. */
export type Envelope = { v: typeof PROTOCOL_VERSION } & Signal;

const SIGNAL_TYPES = new Set<Signal["type"]>([
  "welcome",
  "peerJoined",
  "peerLeft",
  "offer",
  "answer",
  "candidate",
  "restartRequest",
  "incident",
  "hangup",
  "error",
]);

/** Serialise a message in its envelope: `{"v":1,"type":…}`. */
export function encodeSignal(signal: Signal): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...signal });
}

/** Parse one received frame; null when it is not a known version-1 message. */
export function parseSignal(text: unknown): Signal | null {
  if (typeof text !== "string" || text.length > MAX_MESSAGE_BYTES) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value) || value.v !== PROTOCOL_VERSION || typeof value.type !== "string") return null;
  if (!SIGNAL_TYPES.has(value.type as Signal["type"])) return null;
  const { v: _v, ...signal } = value;
  switch (signal.type) {
    case "offer":
    case "answer":
      return typeof signal.sdp === "string" ? (signal as Signal) : null;
    case "candidate":
      return typeof signal.candidate === "string" ? (signal as Signal) : null;
    case "welcome":
      return typeof signal.rejoinToken === "string" && Array.isArray(signal.iceServers) ? (signal as Signal) : null;
    default:
      return signal as Signal;
  }
}

// ---- data.rs -----------------------------------------------------------------------------

export const DATA_CHANNEL_LABEL = "relais";

// relais_core::measurement::Reading (tag `kind`)
export type Reading =
  | { kind: "bloodPressure"; systolic: number; diastolic: number }
  | { kind: "pulse"; bpm: number }
  | { kind: "spO2"; percent: number }
  | { kind: "temperature"; celsius: number }
  | { kind: "weight"; kg: number }
  | { kind: "glycaemia"; gPerL: number };

export type ReadingKind = Reading["kind"];
export const READING_KINDS: readonly ReadingKind[] = ["bloodPressure", "pulse", "spO2", "temperature", "weight", "glycaemia"];

export type ReadingMessage = { type: "reading"; reading: Reading; takenAt: string; source: string };
export type ChatMessage = { type: "chat"; from: "gp" | "station"; text: string; at: string };
export type DataMessage = ReadingMessage | ChatMessage | StethoscopeMessage | CameraMessage;

/** Parse one data-channel message; null when it is not one we know. */
export function parseDataMessage(text: unknown): DataMessage | null {
  if (typeof text !== "string") return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const steth = parseStethoscopeMessage(value);
  if (steth) return steth;
  const camera = parseCameraMessage(value);
  if (camera) return camera;
  if (value.type === "chat") {
    if ((value.from === "gp" || value.from === "station") && typeof value.text === "string" && typeof value.at === "string") {
      return { type: "chat", from: value.from, text: value.text, at: value.at };
    }
    return null;
  }
  if (value.type === "reading" && isObject(value.reading) && typeof value.takenAt === "string" && typeof value.source === "string") {
    const r = value.reading;
    if (!READING_KINDS.includes(r.kind as ReadingKind)) return null;
    return { type: "reading", reading: r as unknown as Reading, takenAt: value.takenAt, source: value.source };
  }
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One entry of a consultation's audit trail (`GET /api/consultations/{id}/events`). */
export interface ConsultationEvent {
  seq: number;
  at: string;
  /** `account`, `station`, `system` or `anonymous`. */
  actorKind: string;
  actorId?: string;
  /** e.g. `consultation.accept`, `signal.incident`, `signal.hangup`. */
  action: string;
  detail: string;
}
