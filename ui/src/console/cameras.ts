/**
 * The station's cameras in the GP's console: which camera the station sends (room,
 * otoscope, dermatoscope) and buttons to ask for another one, whether the station's picture
 * is live (a camera unplugged or busy: the call goes on with sound), and the stills the GP
 * or the nurse takes — received over the data channel in chunks (with progress), shown in
 * a gallery, enlarged on click.
 *
 * Messages mirror `relais_protocol::camera::CameraMessage`.
 */
import "../styles/cameras.css";
import { h } from "../lib/dom";
import { formatTime, t } from "../lib/i18n";

export type CameraRole = "room" | "otoscope" | "dermatoscope";
export const CAMERA_ROLES: readonly CameraRole[] = ["room", "otoscope", "dermatoscope"];

export interface CameraSwitchedMessage {
  type: "cameraSwitched";
  role: CameraRole | null;
  label: string;
}
export interface CameraStateMessage {
  type: "cameraState";
  available: boolean;
  on: boolean;
  code: string | null;
  message: string | null;
}
export interface StillMessage {
  type: "still";
  id: string;
  role: CameraRole | null;
  label: string;
  mime: string;
  width: number;
  height: number;
  size: number;
  chunks: number;
  takenAt: string;
  requestedBy: "station" | "gp";
}
export interface StillChunkMessage {
  type: "stillChunk";
  id: string;
  index: number;
  data: string;
}
export interface StillFailedMessage {
  type: "stillFailed";
  code: string;
  message: string;
}
/** Station → GP camera messages. */
export type CameraMessage = CameraSwitchedMessage | CameraStateMessage | StillMessage | StillChunkMessage | StillFailedMessage;
/** GP → station. */
export type CameraRequest = { type: "cameraRequest"; role: CameraRole } | { type: "stillRequest" };

const isRole = (v: unknown): v is CameraRole => typeof v === "string" && (CAMERA_ROLES as readonly string[]).includes(v);
const str = (v: unknown): v is string => typeof v === "string";
const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** A camera message from a parsed data-channel object; null when it is not one. */
export function parseCameraMessage(v: Record<string, unknown>): CameraMessage | null {
  switch (v.type) {
    case "cameraSwitched":
      return (v.role === null || isRole(v.role)) && str(v.label) ? { type: "cameraSwitched", role: v.role, label: v.label } : null;
    case "cameraState":
      return typeof v.available === "boolean" && typeof v.on === "boolean"
        ? { type: "cameraState", available: v.available, on: v.on, code: str(v.code) ? v.code : null, message: str(v.message) ? v.message : null }
        : null;
    case "still":
      return str(v.id) && str(v.label) && str(v.mime) && num(v.width) && num(v.height) && num(v.size) && num(v.chunks) && str(v.takenAt)
        ? {
            type: "still",
            id: v.id,
            role: isRole(v.role) ? v.role : null,
            label: v.label,
            mime: v.mime,
            width: v.width,
            height: v.height,
            size: v.size,
            chunks: v.chunks,
            takenAt: v.takenAt,
            requestedBy: v.requestedBy === "gp" ? "gp" : "station",
          }
        : null;
    case "stillChunk":
      return str(v.id) && num(v.index) && str(v.data) ? { type: "stillChunk", id: v.id, index: v.index, data: v.data } : null;
    case "stillFailed":
      return str(v.code) && str(v.message) ? { type: "stillFailed", code: v.code, message: v.message } : null;
    default:
      return null;
  }
}

/** Bytes of a base64 string (standard alphabet). */
export function fromBase64(data: string): Uint8Array {
  const bin = atob(data);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A still being received: its chunks so far. */
export class StillAssembly {
  private readonly parts: (Uint8Array | undefined)[];
  private received = 0;
  constructor(readonly header: StillMessage) {
    this.parts = new Array<Uint8Array | undefined>(Math.max(0, header.chunks)).fill(undefined);
  }
  /** Adds a chunk; false when it does not belong here. */
  add(index: number, bytes: Uint8Array): boolean {
    if (index < 0 || index >= this.parts.length || this.parts[index]) return false;
    this.parts[index] = bytes;
    this.received += 1;
    return true;
  }
  /** 0..1 */
  get progress(): number {
    return this.parts.length === 0 ? 1 : this.received / this.parts.length;
  }
  get complete(): boolean {
    return this.received === this.parts.length;
  }
  /** The whole file, once complete and of the announced size. */
  bytes(): Uint8Array | null {
    if (!this.complete) return null;
    const size = this.parts.reduce((n, p) => n + (p?.length ?? 0), 0);
    if (size !== this.header.size) return null;
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of this.parts) {
      if (!p) return null;
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const ROLE_KEYS = {
  room: "console.cameras.room",
  otoscope: "console.cameras.otoscope",
  dermatoscope: "console.cameras.dermatoscope",
} as const;

export function roleLabel(role: CameraRole | null): string {
  return role ? t(ROLE_KEYS[role]) : t("console.cameras.noRole");
}

/** How long a camera request waits for the station's answer. */
export const REQUEST_TIMEOUT_MS = 10_000;

export class CamerasPanel {
  readonly root: HTMLElement;
  private readonly current: HTMLElement;
  private readonly state: HTMLElement;
  private readonly error: HTMLElement;
  private readonly buttons = new Map<CameraRole, HTMLButtonElement>();
  private readonly stillButton: HTMLButtonElement;
  private readonly progress: HTMLElement;
  private readonly progressBar: HTMLProgressElement;
  private readonly progressText: HTMLElement;
  private readonly gallery: HTMLElement;
  private readonly galleryEmpty: HTMLElement;
  private readonly viewer: HTMLDialogElement;
  private readonly viewerImg: HTMLImageElement;
  private readonly viewerCaption: HTMLElement;
  private readonly assemblies = new Map<string, StillAssembly>();
  private readonly urls: string[] = [];
  private role: CameraRole | null = null;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private stillPending: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deps: { send(m: CameraRequest): boolean }) {
    this.current = h("p", { class: "cam-current", testid: "camera-current", "data-role": "" }, t("console.cameras.unknown"));
    this.state = h("p", { class: "cam-state", testid: "camera-state", role: "alert", hidden: true });
    this.error = h("p", { class: "field-error", testid: "camera-error", "aria-live": "polite", hidden: true });
    const group = h("div", { class: "cam-roles", role: "group", "aria-label": t("console.cameras.choose") });
    for (const role of CAMERA_ROLES) {
      const b = h("button", { type: "button", class: "btn cam-btn cam-role", testid: `camera-${role}`, "aria-pressed": "false" }, t(ROLE_KEYS[role]));
      b.addEventListener("click", () => this.request(role));
      this.buttons.set(role, b);
      group.append(b);
    }
    this.stillButton = h("button", { type: "button", class: "btn btn-primary cam-still", testid: "take-still" }, t("console.cameras.takeStill"));
    this.stillButton.addEventListener("click", () => this.requestStill());
    this.progressBar = h("progress", { max: "100", value: "0", "aria-labelledby": "still-progress-text" });
    this.progressText = h("span", { id: "still-progress-text" });
    this.progress = h("div", { class: "cam-progress", testid: "still-progress", hidden: true, role: "status" }, this.progressText, this.progressBar);
    this.galleryEmpty = h("p", { class: "muted" }, t("console.cameras.noStills"));
    this.gallery = h("ul", { class: "cam-gallery", testid: "stills", "aria-label": t("console.cameras.stills") });
    this.viewerImg = h("img", { class: "cam-viewer-img", testid: "still-viewer-img", alt: "" });
    this.viewerCaption = h("p", { class: "cam-viewer-caption" });
    const close = h("button", { type: "button", class: "btn cam-btn", testid: "still-viewer-close" }, t("console.cameras.close"));
    this.viewer = h(
      "dialog",
      { class: "cam-viewer", testid: "still-viewer", "aria-label": t("console.cameras.viewer") },
      this.viewerImg,
      h("div", { class: "cam-viewer-bar" }, this.viewerCaption, close),
    );
    close.addEventListener("click", () => this.viewer.close());
    this.viewer.addEventListener("click", (ev) => {
      if (ev.target === this.viewer) this.viewer.close();
    });
    this.root = h(
      "section",
      { class: "card cam-panel", testid: "cameras", "aria-labelledby": "cameras-title" },
      h("h2", { id: "cameras-title", class: "section-title" }, t("console.cameras.title")),
      this.current,
      this.state,
      group,
      h("div", { class: "cam-still-row" }, this.stillButton),
      this.progress,
      this.error,
      h("h3", { class: "cam-subtitle" }, t("console.cameras.stills")),
      this.galleryEmpty,
      this.gallery,
      this.viewer,
    );
  }

  private showError(text: string | null) {
    this.error.hidden = !text;
    this.error.textContent = text ?? "";
  }

  /** Asks the station for the camera of `role`. */
  request(role: CameraRole): void {
    this.showError(null);
    if (!this.deps.send({ type: "cameraRequest", role })) {
      this.showError(t("console.cameras.notReady"));
      return;
    }
    const b = this.buttons.get(role);
    b?.setAttribute("aria-busy", "true");
    b?.classList.add("is-busy");
    clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      this.clearBusy();
      this.showError(t("console.cameras.noAnswer"));
    }, REQUEST_TIMEOUT_MS);
  }

  /** Asks the station for a still of the camera it sends. */
  requestStill(): void {
    this.showError(null);
    if (!this.deps.send({ type: "stillRequest" })) {
      this.showError(t("console.cameras.notReady"));
      return;
    }
    this.stillButton.disabled = true;
    this.stillButton.textContent = t("console.cameras.taking");
    clearTimeout(this.stillPending);
    this.stillPending = setTimeout(() => this.stillDone(t("console.cameras.noAnswer")), 30_000);
  }

  private stillDone(error: string | null) {
    clearTimeout(this.stillPending);
    this.stillButton.disabled = false;
    this.stillButton.textContent = t("console.cameras.takeStill");
    if (error) this.showError(error);
  }

  private clearBusy() {
    clearTimeout(this.pending);
    for (const b of this.buttons.values()) {
      b.removeAttribute("aria-busy");
      b.classList.remove("is-busy");
    }
  }

  /** A data-channel message: handled (true) when it is a camera message. */
  handle(m: { type: string }): boolean {
    const msg = m as CameraMessage;
    switch (msg.type) {
      case "cameraSwitched":
        this.clearBusy();
        this.role = msg.role;
        this.current.dataset.role = msg.role ?? "";
        this.current.textContent = t("console.cameras.current", { role: roleLabel(msg.role), label: msg.label });
        for (const [role, b] of this.buttons) b.setAttribute("aria-pressed", String(role === msg.role));
        return true;
      case "cameraState":
        this.root.dataset.available = String(msg.available);
        this.state.hidden = msg.available && msg.on && !msg.message;
        this.state.textContent = !msg.available
          ? (msg.message ?? t("console.cameras.unavailable"))
          : !msg.on
            ? t("console.cameras.off")
            : (msg.message ?? "");
        if (msg.available && msg.message) {
          // A request refused (role not assigned, camera busy): the picture is still live.
          this.clearBusy();
          this.showError(msg.message);
          this.state.hidden = true;
        }
        return true;
      case "still":
        this.assemblies.set(msg.id, new StillAssembly(msg));
        this.showProgress(msg.id);
        return true;
      case "stillChunk": {
        const a = this.assemblies.get(msg.id);
        if (!a) return true;
        try {
          a.add(msg.index, fromBase64(msg.data));
        } catch {
          this.assemblies.delete(msg.id);
          this.progress.hidden = true;
          this.stillDone(t("console.cameras.stillBroken"));
          return true;
        }
        this.showProgress(msg.id);
        if (a.complete) this.finish(a);
        return true;
      }
      case "stillFailed":
        this.progress.hidden = true;
        this.stillDone(msg.message);
        return true;
      default:
        return false;
    }
  }

  private showProgress(id: string) {
    const a = this.assemblies.get(id);
    if (!a) return;
    const pct = Math.round(a.progress * 100);
    this.progress.hidden = a.complete;
    this.progressBar.value = pct;
    this.progressText.textContent = t("console.cameras.receiving", { pct });
  }

  private finish(a: StillAssembly) {
    this.assemblies.delete(a.header.id);
    const bytes = a.bytes();
    if (!bytes) {
      this.stillDone(t("console.cameras.stillBroken"));
      return;
    }
    this.stillDone(null);
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: a.header.mime }));
    this.urls.push(url);
    const s = a.header;
    const caption = t("console.cameras.stillCaption", { role: roleLabel(s.role), time: formatTime(s.takenAt), w: s.width, h: s.height });
    const img = h("img", { src: url, alt: caption, class: "cam-thumb", loading: "lazy" });
    const open = h(
      "button",
      {
        type: "button",
        class: "cam-thumb-btn",
        testid: "still",
        "data-id": s.id,
        "data-width": String(s.width),
        "data-height": String(s.height),
        "data-size": String(bytes.length),
        "data-role": s.role ?? "",
        title: t("console.cameras.enlarge"),
      },
      img,
      h("span", { class: "cam-thumb-caption" }, caption),
    );
    open.addEventListener("click", () => this.enlarge(url, caption));
    this.gallery.prepend(h("li", null, open));
    this.galleryEmpty.hidden = true;
  }

  private enlarge(url: string, caption: string) {
    this.viewerImg.src = url;
    this.viewerImg.alt = caption;
    this.viewerCaption.textContent = caption;
    if (typeof this.viewer.showModal === "function" && !this.viewer.open) this.viewer.showModal();
  }

  /** The role of the camera the station sends. */
  get currentRole(): CameraRole | null {
    return this.role;
  }

  dispose(): void {
    clearTimeout(this.pending);
    clearTimeout(this.stillPending);
    if (this.viewer.open) this.viewer.close();
    // Stills stay viewable after the call (the gallery keeps its object URLs until the page goes).
    this.progress.hidden = true;
  }
}
