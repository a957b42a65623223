/**
 * Devices at the station: the device check (camera preview, microphone level meter,
 * speaker test tone) with the choice of camera, microphone and speaker and the role of each
 * camera — shown while waiting for the GP and under Réglages › Appareils — and the camera
 * controls of the call (one button per role, keyboard shortcuts Alt+1/2/3, a still with
 * Alt+P).
 *
 * Every choice is saved at once for this station (`call_select_devices`, `camera_set_role`);
 * a saved device that is no longer plugged is replaced by the default one, and the screen
 * says so in a notice — it never blocks the call.
 */
import "../styles/cameras.css";
import type { ApiError, MediaDevice } from "../lib/api";
import { devicesApi as api, type CallStatusWithCamera as CallStatus, type CameraRole, type CheckStatus, type DeviceChoice, type DevicesView } from "./devices-api";
import { h, replace } from "../lib/dom";
import { formatTime, t } from "../lib/i18n";
import { errorPanel, field, isGlobalError, screenRoot, title, type Ctx, type Screen } from "./ui";

export const CAMERA_ROLES: readonly CameraRole[] = ["room", "otoscope", "dermatoscope"];
/** Alt + this key sends the camera of the role. */
export const ROLE_KEYS: Readonly<Record<CameraRole, string>> = { room: "1", otoscope: "2", dermatoscope: "3" };
/** Alt + this key takes a still. */
export const STILL_KEY = "p";
const STATUS_POLL_MS = 150;

const ROLE_LABELS = { room: "devices.role.room", otoscope: "devices.role.otoscope", dermatoscope: "devices.role.dermatoscope" } as const;

/** "Alt+1" */
export function shortcut(key: string): string {
  return t("devices.shortcut", { key });
}

export function roleLabel(role: CameraRole | null): string {
  return role ? t(ROLE_LABELS[role]) : t("devices.role.none");
}

/** Meter width (0..100 %) of an RMS level: −60 dBFS → 0, 0 dBFS → 100, log scale. */
export function meterPercent(level: number): number {
  if (!(level > 0)) return 0;
  const db = 20 * Math.log10(level);
  return Math.max(0, Math.min(100, Math.round(((db + 60) / 60) * 100)));
}

// ---- Device check ----------------------------------------------------------------------

export interface DeviceCheckPanel {
  el: HTMLElement;
  dispose(): void;
}

/** The device check with the device choice. */
export function deviceCheckPanel(opts: { idPrefix?: string } = {}): DeviceCheckPanel {
  const p = opts.idPrefix ?? "dc";
  let disposed = false;
  let view: DevicesView | null = null;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let polling = false;
  const errors = errorPanel("devices-error");

  const notices = h("div", { testid: "device-notices", "aria-live": "polite" });
  const canvas = h("canvas", { class: "device-preview", testid: "device-preview", width: "640", height: "480", role: "img", "aria-label": t("devices.preview"), "data-frames": "0" });
  const previewNote = h("p", { class: "device-preview-note", testid: "device-preview-note" }, t("devices.previewStarting"));
  const meterFill = h("div", { class: "level-meter-fill" });
  const meter = h("div", { class: "level-meter", testid: "mic-level", role: "meter", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0", "aria-label": t("devices.micLevel"), "data-level": "0" }, meterFill);
  const micNote = h("p", { class: "muted", testid: "mic-note" });
  const speakerBtn = h("button", { type: "button", class: "btn btn-secondary btn-lg", testid: "speaker-test" }, t("devices.speakerTest"));
  const speakerNote = h("p", { class: "muted", testid: "speaker-note", "aria-live": "polite" });
  const selects = h("div", { testid: "device-selects" }, h("p", { class: "muted" }, t("common.loading")));
  const roles = h("div", { testid: "device-roles" });

  const el = h(
    "div",
    { class: "device-check-wrap", testid: "device-check" },
    notices,
    errors.el,
    h(
      "div",
      { class: "device-check" },
      h(
        "div",
        null,
        h("h3", { class: "field-label", id: `${p}-preview-title` }, t("devices.previewTitle")),
        h("div", { class: "device-preview-wrap" }, canvas, previewNote),
        h("h3", { class: "field-label", id: `${p}-mic-title` }, t("devices.micTitle")),
        meter,
        micNote,
        h("h3", { class: "field-label" }, t("devices.speakerTitle")),
        speakerBtn,
        speakerNote,
      ),
      h("div", null, selects, h("h3", { class: "field-label" }, t("devices.rolesTitle")), h("p", { class: "field-hint" }, t("devices.rolesHint")), roles),
    ),
  );

  function select(testid: string, label: string, list: MediaDevice[], chosen: string | null, allowDefault: boolean, onChange: (id: string | null) => void) {
    const control = h(
      "select",
      { class: "input" },
      allowDefault ? h("option", { value: "" }, t("devices.systemDefault")) : null,
      list.map((m) => h("option", { value: m.id, selected: m.id === chosen }, m.label)),
    );
    if (!allowDefault && chosen === null && list.length) control.value = list[0].id;
    control.addEventListener("change", () => onChange(control.value === "" ? null : control.value));
    const f = field({ testid, errorTestid: `${testid}-error`, label, control });
    return f.wrap;
  }

  function render(v: DevicesView) {
    view = v;
    replace(
      notices,
      v.notices.map((n) => h("p", { class: "device-notice", testid: "device-notice", "data-code": n.code, role: "status" }, n.message)),
    );
    const choose = (patch: Partial<DeviceChoice>) => void save({ ...v.saved, ...patch });
    replace(
      selects,
      v.cameras.length
        ? select("device-camera", t("devices.camera"), v.cameras, v.effective.cameraId, false, (id) => choose({ cameraId: id }))
        : h("p", { class: "device-notice", testid: "device-camera-missing" }, t("devices.noCamera")),
      v.microphones.length
        ? select("device-microphone", t("devices.microphone"), v.microphones, v.effective.microphoneId, true, (id) => choose({ microphoneId: id }))
        : h("p", { class: "device-notice", testid: "device-microphone-missing" }, t("devices.noMicrophone")),
      v.speakers.length
        ? select("device-speaker", t("devices.speaker"), v.speakers, v.effective.speakerId, true, (id) => choose({ speakerId: id }))
        : h("p", { class: "device-notice", testid: "device-speaker-missing" }, t("devices.noSpeaker")),
    );
    replace(
      roles,
      v.cameras.length === 0
        ? h("p", { class: "muted" }, t("devices.noCamera"))
        : v.cameras.map((c, i) => {
            const id = `${p}-role-${i}`;
            const control = h(
              "select",
              { class: "input", id, testid: `device-role-${c.id}` },
              h("option", { value: "" }, t("devices.role.none")),
              CAMERA_ROLES.map((r) => h("option", { value: r, selected: c.role === r }, roleLabel(r))),
            );
            control.addEventListener("change", () => void setRole(c.id, control.value === "" ? null : (control.value as CameraRole)));
            return h("div", { class: "device-role-row" }, h("label", { for: id, class: "device-role-name" }, c.label), control);
          }),
    );
  }

  async function load() {
    try {
      const v = await api.devicesList();
      if (!disposed) render(v);
    } catch (e) {
      if (!disposed && !isGlobalError(e as ApiError)) errors.show(e as ApiError);
    }
  }

  async function save(choice: DeviceChoice) {
    errors.show(null);
    try {
      const v = await api.callSelectDevices(choice);
      if (disposed) return;
      render(v);
      await startCheck();
    } catch (e) {
      if (!disposed && !isGlobalError(e as ApiError)) errors.show(e as ApiError);
    }
  }

  async function setRole(cameraId: string, role: CameraRole | null) {
    errors.show(null);
    try {
      const v = await api.cameraSetRole(cameraId, role);
      if (!disposed) render(v);
    } catch (e) {
      if (!disposed && !isGlobalError(e as ApiError)) errors.show(e as ApiError);
    }
  }

  // -- Preview and meters
  let frames = 0;
  let decoding = false;
  let nextFrame: ArrayBuffer | null = null;
  let g2d: CanvasRenderingContext2D | null = null;

  function onFrame(jpeg: ArrayBuffer) {
    if (disposed) return;
    frames += 1;
    canvas.dataset.frames = String(frames);
    previewNote.hidden = true;
    if (decoding) nextFrame = jpeg;
    else draw(jpeg);
  }

  function draw(jpeg: ArrayBuffer) {
    if (typeof createImageBitmap !== "function") return;
    decoding = true;
    createImageBitmap(new Blob([jpeg], { type: "image/jpeg" }))
      .then((bmp) => {
        if (canvas.width !== bmp.width || canvas.height !== bmp.height) {
          canvas.width = bmp.width;
          canvas.height = bmp.height;
        }
        g2d ??= canvas.getContext("2d");
        g2d?.drawImage(bmp, 0, 0);
        bmp.close();
      })
      .catch(() => undefined)
      .finally(() => {
        decoding = false;
        const n = nextFrame;
        nextFrame = null;
        if (n && !disposed) draw(n);
      });
  }

  function showCheck(s: CheckStatus) {
    const pct = meterPercent(s.level);
    meterFill.style.width = `${pct}%`;
    meter.setAttribute("aria-valuenow", String(pct));
    meter.dataset.level = pct > 90 ? "high" : String(pct);
    micNote.textContent = s.microphoneError ?? (s.microphone ? t("devices.micHelp", { name: s.microphone }) : t("devices.noMicrophone"));
    if (s.cameraError) {
      previewNote.hidden = false;
      previewNote.textContent = s.cameraError;
      canvas.dataset.error = "true";
    } else {
      delete canvas.dataset.error;
      if (frames === 0) previewNote.textContent = t("devices.previewStarting");
    }
    speakerBtn.disabled = s.speakerTesting;
    speakerBtn.textContent = s.speakerTesting ? t("devices.speakerPlaying") : t("devices.speakerTest");
    if (s.speakerError) speakerNote.textContent = s.speakerError;
  }

  async function startCheck() {
    try {
      frames = 0;
      const s = await api.deviceCheckStart(onFrame);
      if (disposed) {
        void api.deviceCheckStop().catch(() => undefined);
        return;
      }
      showCheck(s);
      if (pollTimer === undefined) {
        pollTimer = setInterval(() => {
          if (polling || disposed) return;
          polling = true;
          api
            .deviceCheckStatus()
            .then((st) => {
              if (!disposed) showCheck(st);
            })
            .catch(() => undefined)
            .finally(() => {
              polling = false;
            });
        }, STATUS_POLL_MS);
      }
    } catch (e) {
      if (!disposed && !isGlobalError(e as ApiError)) errors.show(e as ApiError);
    }
  }

  speakerBtn.addEventListener("click", async () => {
    speakerNote.textContent = "";
    try {
      const s = await api.deviceCheckSpeaker();
      showCheck(s);
      speakerNote.textContent = t("devices.speakerAsk");
    } catch (e) {
      const err = e as ApiError;
      if (!isGlobalError(err)) speakerNote.textContent = err.message;
    }
  });

  void load().then(() => startCheck());

  return {
    el,
    dispose() {
      disposed = true;
      if (pollTimer !== undefined) clearInterval(pollTimer);
      void api.deviceCheckStop().catch(() => undefined);
      void view;
    },
  };
}

/** Réglages › Appareils. */
export function devicesScreen(ctx: Ctx): Screen {
  const panel = deviceCheckPanel({ idPrefix: "settings" });
  const back = h("button", { type: "button", class: "btn btn-secondary btn-lg", testid: "devices-back", onclick: () => ctx.go({ name: "hub-settings" }) }, t("devices.back"));
  const root = screenRoot("devices", title("devices", t("devices.title")), h("p", { class: "lead" }, t("devices.intro")), panel.el, h("div", { class: "actions" }, back));
  return {
    name: "devices",
    root,
    state: "state.devices",
    tone: "neutral",
    dispose() {
      panel.dispose();
    },
  };
}

// ---- Camera controls of the call ---------------------------------------------------------

export interface CameraControls {
  el: HTMLElement;
  update(cs: CallStatus): void;
  dispose(): void;
}

export function cameraControls(): CameraControls {
  let cs: CallStatus | null = null;
  let pending = false;
  const current = h("p", { class: "cam-current", testid: "call-camera-current", "data-role": "" });
  const state = h("p", { class: "cam-state", testid: "call-camera-state", role: "alert", hidden: true });
  const error = h("p", { class: "field-error", testid: "call-camera-error", "aria-live": "polite", hidden: true });
  const buttons = new Map<CameraRole, HTMLButtonElement>();
  const group = h("div", { class: "station-cams", role: "group", "aria-label": t("devices.switchCamera") });
  for (const role of CAMERA_ROLES) {
    const b = h(
      "button",
      { type: "button", class: "btn btn-secondary cam-role", testid: `call-camera-${role}`, "aria-pressed": "false", "aria-keyshortcuts": shortcut(ROLE_KEYS[role]) },
      roleLabel(role),
      h("kbd", { "aria-hidden": "true" }, shortcut(ROLE_KEYS[role])),
    );
    b.addEventListener("click", () => void switchTo(role));
    buttons.set(role, b);
    group.append(b);
  }
  const still = h(
    "button",
    { type: "button", class: "btn btn-primary cam-role", testid: "call-take-still", "aria-keyshortcuts": shortcut(STILL_KEY.toUpperCase()) },
    t("devices.takeStill"),
    h("kbd", { "aria-hidden": "true" }, shortcut(STILL_KEY.toUpperCase())),
  );
  still.addEventListener("click", () => void takeStill());
  group.append(still);
  const stills = h("ul", { class: "station-stills", testid: "call-stills", "aria-live": "polite" });
  const el = h("section", { class: "card call-panel", testid: "call-cameras", "aria-labelledby": "call-cameras-title" }, h("h2", { class: "section-title", id: "call-cameras-title" }, t("devices.callTitle")), current, state, group, error, stills);

  function showError(text: string | null) {
    error.hidden = !text;
    error.textContent = text ?? "";
  }

  async function switchTo(role: CameraRole) {
    if (pending) return;
    pending = true;
    showError(null);
    buttons.get(role)?.setAttribute("aria-busy", "true");
    try {
      await api.callSwitchCamera(role);
    } catch (e) {
      if (!isGlobalError(e as ApiError)) showError((e as ApiError).message);
    } finally {
      pending = false;
      buttons.get(role)?.removeAttribute("aria-busy");
    }
  }

  async function takeStill() {
    if (pending) return;
    pending = true;
    showError(null);
    still.disabled = true;
    try {
      await api.callTakeStill();
    } catch (e) {
      if (!isGlobalError(e as ApiError)) showError((e as ApiError).message);
    } finally {
      pending = false;
      still.disabled = false;
    }
  }

  function onKey(ev: KeyboardEvent) {
    if (!ev.altKey || ev.ctrlKey || ev.metaKey || !cs) return;
    const key = ev.key.toLowerCase();
    const code = ev.code.toLowerCase();
    const role = CAMERA_ROLES.find((r) => ROLE_KEYS[r] === key || code === `digit${ROLE_KEYS[r]}`);
    if (role) {
      ev.preventDefault();
      void switchTo(role);
    } else if (key === STILL_KEY || code === `key${STILL_KEY}`) {
      ev.preventDefault();
      void takeStill();
    }
  }
  document.addEventListener("keydown", onKey);

  return {
    el,
    update(s: CallStatus) {
      cs = s;
      const cam = s.camera;
      if (!cam) return;
      current.dataset.role = cam.role ?? "";
      current.textContent = cam.label ? t("devices.current", { role: roleLabel(cam.role), label: cam.label }) : t("devices.noCamera");
      for (const [role, b] of buttons) b.setAttribute("aria-pressed", String(role === cam.role));
      state.hidden = cam.available && !cam.message;
      state.textContent = cam.message ?? (cam.available ? "" : t("devices.cameraUnavailable"));
      still.disabled = pending || !cam.available;
      if (stills.childElementCount !== cam.stills.length) {
        replace(
          stills,
          cam.stills.map((st) =>
            h(
              "li",
              { testid: "call-still", "data-id": st.id },
              t(st.sent ? "devices.stillSent" : "devices.stillKept", {
                time: formatTime(st.takenAt),
                role: roleLabel(st.role),
                w: st.width,
                h: st.height,
                by: st.requestedBy === "gp" ? t("devices.byGp") : t("devices.byStation"),
              }),
            ),
          ),
        );
      }
    },
    dispose() {
      document.removeEventListener("keydown", onKey);
    },
  };
}
