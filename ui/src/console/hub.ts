/**
 * The hub's HTTPS API, as the GP's browser sees it (docs/HUB_PROTOCOL.md).
 *
 * Same-origin requests with the session cookie; JSON in and out. Every failure rejects with
 * an {@link ApiError} `{ code, message }`: the hub's own body when it sent one, `NETWORK`
 * when the hub could not be reached, `HTTP_<status>` for an answer without a usable body.
 * {@link errorMessage} gives the French sentence to show: the catalogue's for the codes the
 * console knows, else the hub's own message.
 */
import { has, t } from "../lib/i18n";
import type { Account, ApiError, LoginRequest, RoomTicket, WaitingConsultation } from "./protocol";

export const Code = {
  Network: "NETWORK",
  BadCredentials: "BAD_CREDENTIALS",
  BadTotp: "BAD_TOTP",
  TotpReplayed: "TOTP_REPLAYED",
  RateLimited: "RATE_LIMITED",
  NotSignedIn: "NOT_SIGNED_IN",
  SessionExpired: "SESSION_EXPIRED",
  AlreadyAccepted: "ALREADY_ACCEPTED",
  NotFound: "NOT_FOUND",
} as const;

/** The error every call rejects with; `status` is the HTTP status (0 for a network failure). */
export interface HubError extends ApiError {
  status: number;
  /** `DOCUMENT_INVALID`: the camelCase path of the wrong field, and the validation code. */
  field?: string;
  reason?: string;
}

export function isHubError(e: unknown): e is HubError {
  return typeof e === "object" && e !== null && typeof (e as HubError).code === "string" && typeof (e as HubError).message === "string";
}

/** An error is "you are not signed in any more". */
export function isSignedOut(e: unknown): boolean {
  return isHubError(e) && (e.code === Code.NotSignedIn || e.code === Code.SessionExpired || (e.status === 401 && !isLoginCode(e.code)));
}

function isLoginCode(code: string): boolean {
  return code === Code.BadCredentials || code === Code.BadTotp || code === Code.TotpReplayed;
}

/** The French sentence for an error: catalogue by code, else the hub's message, else a generic one. */
export function errorMessage(e: unknown): string {
  if (!isHubError(e)) return t("console.error.unknown");
  const key = `console.error.${e.code}`;
  if (has(key)) return t(key);
  return e.message.trim() !== "" ? e.message : t("console.error.unknown");
}

/** Turn anything thrown or answered into a {@link HubError}. */
export async function toHubError(res: Response): Promise<HubError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (isHubError(body)) {
    const e: HubError = { code: body.code, message: body.message, status: res.status };
    const extra = body as { field?: unknown; reason?: unknown };
    if (typeof extra.field === "string") e.field = extra.field;
    if (typeof extra.reason === "string") e.reason = extra.reason;
    return e;
  }
  return { code: `HTTP_${res.status}`, message: "", status: res.status };
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export class Hub {
  /** `fetchImpl` defaults to the global `fetch`, looked up at each call (tests stub it). */
  constructor(
    private readonly base = "",
    private readonly fetchImpl?: FetchLike,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const f = this.fetchImpl ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init));
    let res: Response;
    try {
      res = await f(this.base + path, {
        method,
        credentials: "same-origin",
        headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw { code: Code.Network, message: t("console.error.NETWORK"), status: 0 } satisfies HubError;
    }
    if (!res.ok) throw await toHubError(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (text === "") return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw { code: `HTTP_${res.status}`, message: "", status: res.status } satisfies HubError;
    }
  }

  me(): Promise<Account> {
    return this.request("GET", "/api/me");
  }
  login(req: LoginRequest): Promise<Account> {
    return this.request("POST", "/api/login", req);
  }
  logout(): Promise<void> {
    return this.request("POST", "/api/logout");
  }
  waiting(): Promise<WaitingConsultation[]> {
    return this.request("GET", "/api/consultations/waiting");
  }
  accept(id: string): Promise<RoomTicket> {
    return this.request("POST", `/api/consultations/${encodeURIComponent(id)}/accept`);
  }
}
