/**
 * The call screen: from "Envoi de la demande…" to "Appel terminé", for one requested
 * consultation (it replaces the former waiting screen).
 *
 * - The state comes from the backend's `CallStatus`: the `call-status` event on every change,
 *   and `call_status` every 2 s as a fallback. A status older than the one shown is ignored.
 * - The state is always shown in words and colour, in the header and in a large banner
 *   (`role=status`); the elapsed time sits next to it, outside the live region, so screen
 *   readers hear the state changes and not every second.
 * - The GP's video arrives as JPEG images on a channel (`call_video`) and is drawn on a
 *   canvas; when no image came for 2 s a placeholder with the GP's name takes its place.
 * - Hanging up asks for confirmation in a modal dialog; Escape closes the dialog and never
 *   hangs up. Nothing here starts a call for an excluded consultation.
 * - While the call is live the session does not lock by itself (the user follows the call
 *   without touching the keyboard).
 */
import {
  api,
  Code,
  codeMessage,
  onCallStatus,
  type ApiError,
  type CallState,
  type CallStatus,
  type Consultation,
} from "../lib/api";
import { h, replace } from "../lib/dom";
import { formatTime, has, t } from "../lib/i18n";
import { cameraControls, deviceCheckPanel } from "./devices";
import type { CallStatusWithCamera } from "./devices-api";
import { showRedirectIfExcluded } from "./outcome";
import { readingsPanel } from "./readings";
import { stethoscopePanel } from "./stethoscope";
import { callDocumentsNotice } from "./documents";
import { busy, errorPanel, isGlobalError, screenRoot, title, type Ctx, type Screen, type Tone } from "./ui";

/** States in which the call is going on (the screen polls and keeps the session awake). */
const LIVE: ReadonlySet<CallState> = new Set(["sending", "waitingGp", "connecting", "connected", "reconnecting"]);
/** States with a GP on the line (video, mute, camera, hang-up, chat). */
const IN_CALL: ReadonlySet<CallState> = new Set(["connecting", "connected", "reconnecting"]);
const POLL_MS = 2000;
const STALE_VIDEO_MS = 2000;
const VIDEO_RETRY_MS = 5000;
const QUALITY_KEYS = {
  good: "call.quality.good",
  fair: "call.quality.fair",
  poor: "call.quality.poor",
  unknown: "call.quality.unknown",
} as const;

export interface CallOptions {
  /** Send the request to the hub first (`start_call`), right after `request_consultation`. */
  start: boolean;
  /** Clock (tests). */
  now?: () => number;
}

/** "Dr Claire Martin" from the GP's name (kept as is when it already says Dr). */
export function doctorLabel(gpName: string | null): string {
  if (!gpName || gpName.trim() === "") return t("call.theDoctor");
  const name = gpName.trim();
  return /^(dr|docteur)\.?\s/i.test(name) ? name : t("call.doctor", { name });
}

/** The banner and header text of a call state. */
export function callStateText(s: CallStatus | null): string {
  if (!s) return t("call.state.starting");
  const doctor = doctorLabel(s.gpName);
  switch (s.state) {
    case "sending":
      return t("call.state.sending");
    case "waitingGp":
      return t("call.state.waitingGp");
    case "connecting":
      return t("call.state.connecting", { doctor });
    case "connected":
      return t("call.state.connected", { doctor });
    case "reconnecting":
      return t("call.state.reconnecting");
    case "ended":
      return t("call.state.ended");
    case "failed": {
      // Short in the banner and header; the advice is in the card below.
      const key = `call.fail.${s.error?.code ?? ""}`;
      return t("call.state.failed", { reason: has(key) ? t(key) : t("call.failedUnknown") });
    }
  }
}

export function callTone(s: CallStatus | null): Tone {
  switch (s?.state) {
    case "connected":
      return "ok";
    case "failed":
      return "danger";
    case "ended":
      return "neutral";
    default:
      return "attention";
  }
}

/** 42 s · 2 min 05 s · 1 h 03 min */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return t("call.duration.seconds", { s: total });
  if (total < 3600) return t("call.duration.minutes", { m: Math.floor(total / 60), ss: String(total % 60).padStart(2, "0") });
  return t("call.duration.hours", { h: Math.floor(total / 3600), mm: String(Math.floor((total % 3600) / 60)).padStart(2, "0") });
}

/** Time between the first CONNECTED event and the end; null when no GP was ever on the line. */
export function callDuration(s: CallStatus): number | null {
  const connected = s.events.find((e) => e.kind === "CONNECTED");
  if (!connected) return null;
  const end = s.state === "ended" ? Date.parse(s.since) : Date.now();
  const ms = end - Date.parse(connected.at);
  return Number.isFinite(ms) ? Math.max(0, ms) : null;
}

// ---- Icons (inline SVG, decorative) ----------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";
const ICONS = {
  mic: "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8",
  micOff: "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8M3 3l18 18",
  camera: "M3 7h12v10H3zM15 10l6-3v10l-6-3",
  cameraOff: "M3 7h12v10H3zM15 10l6-3v10l-6-3M2 3l19 18",
  hangup: "M3 14c5-5 13-5 18 0l-2.5 3-4-1.5v-3a12 12 0 0 0-5 0v3l-4 1.5z",
} as const;

function icon(name: keyof typeof ICONS): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", ICONS[name]);
  svg.appendChild(path);
  return svg;
}

// ---- The screen ------------------------------------------------------------------------

export function callScreen(ctx: Ctx, c: Consultation, opts: CallOptions): Screen {
  const now = opts.now ?? (() => Date.now());
  const excluded = c.state === "excluded" || c.assessment.outcome === "excluded";
  let cs: CallStatus | null = null;
  let disposed = false;
  let unlisten: (() => void) | null = null;
  let tickTimer: ReturnType<typeof setInterval> | undefined;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let polling = false;
  let pending = false;
  const errors = errorPanel("call-error");

  // -- Banner: the state in words and colour, elapsed time beside it
  const bannerText = h("span", { class: "call-state-text", testid: "call-state", role: "status", "data-state": "starting" }, callStateText(null));
  const elapsed = h("span", { class: "call-elapsed", testid: "call-elapsed" });
  const banner = h(
    "div",
    { class: "call-banner call-banner--attention" },
    h("span", { class: "call-banner-dot", "aria-hidden": "true" }),
    bannerText,
    elapsed,
  );

  // -- Video stage
  const canvas = h("canvas", {
    class: "remote-video",
    testid: "remote-video",
    width: "1280",
    height: "720",
    role: "img",
    "aria-label": t("call.video"),
    "data-frames": "0",
  });
  const placeholderName = h("p", { class: "video-placeholder-name", testid: "remote-video-name" });
  const placeholderText = h("p", { class: "video-placeholder-text" }, t("call.videoWaiting"));
  const placeholder = h("div", { class: "video-placeholder", testid: "remote-video-placeholder" }, placeholderName, placeholderText);
  const cameraOffNote = h("p", { class: "camera-off-note", testid: "call-camera-off-note", hidden: true }, t("call.videoCameraOff"));
  const stage = h("div", { class: "call-stage", hidden: true }, canvas, placeholder, cameraOffNote);

  // -- Controls
  const muteLabel = h("span", null, t("call.mute"));
  const muteIcon = h("span", { class: "icon-wrap" }, icon("mic"));
  const mute = h("button", { type: "button", class: "btn btn-call", testid: "call-mute", "aria-pressed": "false" }, muteIcon, muteLabel);
  const camLabel = h("span", null, t("call.camera"));
  const camIcon = h("span", { class: "icon-wrap" }, icon("camera"));
  const camera = h("button", { type: "button", class: "btn btn-call", testid: "call-camera", "aria-pressed": "false" }, camIcon, camLabel);
  const hangup = h(
    "button",
    { type: "button", class: "btn btn-call btn-hangup", testid: "call-hangup", "aria-haspopup": "dialog" },
    h("span", { class: "icon-wrap" }, icon("hangup")),
    t("call.hangup"),
  );
  const controls = h("div", { class: "call-controls", role: "group", "aria-label": t("call.controls"), hidden: true }, mute, camera, hangup);

  // -- Cards of the states without a GP on the line
  const waitingSince = h("p", { class: "muted", testid: "call-waiting-since" });
  const waitingCard = h("div", { class: "card card--waiting", testid: "call-waiting", hidden: true }, h("p", { class: "lead" }, t("call.waitingHelp")), waitingSince);
  const failedText = h("p", { class: "error-message", testid: "call-failed-message" });
  const failedCard = h("div", { class: "card card--failed", testid: "call-failed", hidden: true }, failedText);
  const summaryDuration = h("p", { class: "lead", testid: "call-summary-duration" });
  const summaryDoctor = h("p", { testid: "call-summary-doctor" });
  const endedCard = h(
    "section",
    { class: "card card--ended", testid: "call-summary", hidden: true, "aria-labelledby": "call-summary-title" },
    h("h2", { class: "section-title", id: "call-summary-title", tabindex: "-1" }, t("call.summary")),
    summaryDuration,
    summaryDoctor,
  );
  const excludedCard = excluded ? h("div", { class: "error-panel", testid: "call-excluded", role: "alert" }, h("p", { class: "error-message" }, t("call.excluded"))) : null;

  const retry = h("button", { type: "button", class: "btn btn-primary btn-lg", testid: "call-retry", hidden: true }, t("call.retry"));
  const settings = h(
    "button",
    { type: "button", class: "btn btn-secondary btn-lg", testid: "call-open-settings", hidden: true, onclick: () => ctx.go({ name: "hub-settings" }) },
    t("call.openSettings"),
  );
  const cancel = h("button", { type: "button", class: "btn btn-secondary btn-lg", testid: "cancel-request", hidden: true }, t("call.cancel"));
  const back = h(
    "button",
    { type: "button", class: "btn btn-primary btn-lg", testid: "call-back-to-patient", hidden: !excluded, onclick: () => ctx.go({ name: "patient", id: c.patientId }) },
    t("call.backToPatient"),
  );
  const actions = h("div", { class: "actions", testid: "call-actions" }, retry, settings, cancel, back);

  // -- Side panels
  const qualityText = h("span", { class: "quality-text" });
  const quality = h(
    "div",
    { class: "call-quality", testid: "call-quality", "data-level": "unknown", hidden: true },
    h("span", { class: "quality-bars", "aria-hidden": "true" }, h("span"), h("span"), h("span")),
    qualityText,
  );
  const chatLog = h("ul", { class: "chat-log", testid: "call-chat-log", "aria-live": "polite", "aria-relevant": "additions" });
  const chatEmpty = h("p", { class: "muted" }, t("call.chatEmpty"));
  const chatInput = h("input", { type: "text", class: "input", id: "call-chat-input", testid: "call-chat-input", maxlength: "1000", autocomplete: "off" });
  const chatSend = h("button", { type: "submit", class: "btn btn-secondary", testid: "call-chat-send" }, t("call.chatSend"));
  const chatError = h("p", { class: "field-error", testid: "call-chat-error", hidden: true, "aria-live": "polite" });
  const chatForm = h(
    "form",
    { class: "chat-form", novalidate: true },
    h("label", { for: "call-chat-input", class: "field-label" }, t("call.chatInput")),
    h("div", { class: "chat-row" }, chatInput, chatSend),
    chatError,
  );
  const chatSection = h(
    "section",
    { class: "card call-panel", "aria-labelledby": "call-chat-title", hidden: true },
    h("h2", { class: "section-title", id: "call-chat-title" }, t("call.chat")),
    chatEmpty,
    chatLog,
    chatForm,
  );
  const eventsList = h("ul", { class: "call-events", testid: "call-events" });
  const eventsEmpty = h("p", { class: "muted" }, t("call.eventsEmpty"));
  const eventsSection = h(
    "section",
    { class: "card call-panel", "aria-labelledby": "call-events-title", hidden: excluded },
    h("h2", { class: "section-title", id: "call-events-title" }, t("call.events")),
    eventsEmpty,
    eventsList,
  );
  // Device check (preview, level meter, test tone) and choice; camera buttons during the call.
  const devicesPanel = excluded ? null : deviceCheckPanel({ idPrefix: "call" });
  const devicesBody = h("div", { testid: "call-devices" }, devicesPanel?.el);
  const cameras = cameraControls();
  const devicesSection = h(
    "section",
    { class: "card call-panel", "aria-labelledby": "call-devices-title", hidden: excluded },
    h("h2", { class: "section-title", id: "call-devices-title" }, t("call.devices")),
    devicesBody,
  );

  // -- Hang-up confirmation (modal)
  const confirmYes = h("button", { type: "button", class: "btn btn-danger btn-lg", testid: "call-hangup-yes" }, t("call.hangupConfirm"));
  const confirmNo = h("button", { type: "button", class: "btn btn-secondary btn-lg", testid: "call-hangup-no" }, t("call.hangupKeep"));
  const dialog = h(
    "div",
    {
      class: "modal",
      role: "alertdialog",
      "aria-modal": "true",
      "aria-labelledby": "call-hangup-title",
      "aria-describedby": "call-hangup-explain",
      testid: "call-hangup-confirm",
    },
    h("h2", { class: "section-title", id: "call-hangup-title" }, t("call.hangupTitle")),
    h("p", { id: "call-hangup-explain" }, t("call.hangupExplain")),
    h("div", { class: "actions" }, confirmNo, confirmYes),
  );
  const backdrop = h("div", { class: "modal-backdrop", hidden: true }, dialog);

  const documents = callDocumentsNotice(ctx, c.id, c.patientId);
  const mainCol = h("div", { class: "call-main" }, stage, controls, cameras.el, waitingCard, devicesSection, failedCard, endedCard, documents.el, excludedCard, errors.el, actions);
  const readingsBox = readingsPanel({ patientId: c.patientId, consultationId: c.id });
  readingsBox.el.hidden = excluded;
  const steth = excluded ? null : stethoscopePanel();
  const side = h("div", { class: "call-side" }, quality, steth?.el, readingsBox.el, chatSection, eventsSection);
  const layout = h("div", { class: "call-layout" }, mainCol, side);
  const root = screenRoot(
    "call",
    h("div", { class: "call-head" }, title("call", t("call.title")), c.complaint ? h("p", { class: "complaint" }, c.complaint) : null),
    excluded ? null : banner,
    layout,
    backdrop,
  );

  // ---- Rendering ---------------------------------------------------------------------

  let shownEvents = -1;
  let shownChat = -1;
  let lastState: CallState | "starting" = "starting";

  function render() {
    const state = cs?.state ?? null;
    const inCall = !!state && IN_CALL.has(state);
    const text = callStateText(cs);
    if (bannerText.textContent !== text) bannerText.textContent = text;
    bannerText.dataset.state = state ?? "starting";
    banner.className = `call-banner call-banner--${callTone(cs)} call-banner--${state ?? "starting"}`;

    stage.hidden = !inCall;
    controls.hidden = !inCall;
    waitingCard.hidden = !(state === "sending" || state === "waitingGp");
    failedCard.hidden = state !== "failed";
    endedCard.hidden = state !== "ended";
    quality.hidden = !inCall;
    chatSection.hidden = !cs || !(inCall || (state === "ended" && cs.chat.length > 0));
    chatForm.hidden = !inCall;
    devicesSection.hidden = state === "ended";
    cameras.el.hidden = !inCall;

    const failCode = cs?.error?.code ?? "";
    retry.hidden = state !== "failed" || failCode.startsWith("EXCLUDED_") || failCode === Code.NotRequested;
    settings.hidden = !(state === "failed" && failCode === Code.HubNotEnrolled && ctx.status()?.user?.role === "manager");
    cancel.hidden = !(state === "sending" || state === "waitingGp" || state === "failed");
    back.hidden = !(state === "ended" || state === "failed");
    back.className = `btn btn-lg ${state === "ended" ? "btn-primary" : "btn-secondary"}`;

    if (cs) {
      placeholderName.textContent = doctorLabel(cs.gpName);
      placeholderText.textContent = state === "reconnecting" ? t("call.videoReconnecting") : t("call.videoWaiting");
      cameraOffNote.hidden = cs.cameraOn;
      renderToggles(cs);
      cameras.update(cs as CallStatusWithCamera);
      renderQuality(cs);
      renderEvents(cs);
      renderChat(cs);
      documents.update(cs);
      if (state === "failed") failedText.textContent = cs.error ? (codeMessage(cs.error.code) ?? cs.error.message) : t("call.failedUnknown");
      if (state === "ended") {
        const d = callDuration(cs);
        summaryDuration.textContent = d === null ? t("call.summaryNoCall") : t("call.summaryDuration", { duration: formatDuration(d) });
        summaryDoctor.textContent = cs.gpName ? t("call.summaryDoctor", { doctor: doctorLabel(cs.gpName) }) : "";
        summaryDoctor.hidden = !cs.gpName;
      }
    }
    if (!inCall) closeDialog(false);
    tick();
    ctx.refreshState?.();

    // Focus must not stay on a control that just disappeared (e.g. the chat at the end).
    if (state !== lastState) {
      lastState = state ?? "starting";
      const active = document.activeElement as HTMLElement | null;
      if (root.isConnected && (!active || active === document.body || (root.contains(active) && active.closest("[hidden]")))) {
        const next = state === "failed" && !retry.hidden ? retry : state === "ended" ? back : null;
        next?.focus();
      }
    }
  }

  function renderToggles(s: CallStatus) {
    mute.setAttribute("aria-pressed", String(s.muted));
    mute.classList.toggle("btn-call--off", s.muted);
    muteLabel.textContent = s.muted ? t("call.muted") : t("call.mute");
    replace(muteIcon, icon(s.muted ? "micOff" : "mic"));
    camera.setAttribute("aria-pressed", String(!s.cameraOn));
    camera.classList.toggle("btn-call--off", !s.cameraOn);
    camLabel.textContent = s.cameraOn ? t("call.camera") : t("call.cameraOff");
    replace(camIcon, icon(s.cameraOn ? "camera" : "cameraOff"));
  }

  function renderQuality(s: CallStatus) {
    const level = s.quality.level ?? "unknown";
    quality.dataset.level = level;
    const value = t(QUALITY_KEYS[level]);
    const parts = [t("call.quality", { value })];
    if (s.quality.rttMs !== null && s.quality.lossPercent !== null) {
      parts.push(t("call.qualityDetail", { rtt: Math.round(s.quality.rttMs), loss: Math.round(s.quality.lossPercent * 10) / 10 }));
    }
    qualityText.textContent = parts.join(" — ");
  }

  function renderEvents(s: CallStatus) {
    if (s.events.length === shownEvents) return;
    shownEvents = s.events.length;
    eventsEmpty.hidden = s.events.length > 0;
    replace(
      eventsList,
      s.events.map((e) =>
        h("li", { class: "call-event", "data-kind": e.kind }, h("span", { class: "call-event-time" }, formatTime(e.at)), h("span", null, e.message)),
      ),
    );
    eventsList.scrollTop = eventsList.scrollHeight;
  }

  function renderChat(s: CallStatus) {
    if (s.chat.length === shownChat) return;
    shownChat = s.chat.length;
    chatEmpty.hidden = s.chat.length > 0;
    replace(
      chatLog,
      s.chat.map((line) => {
        const who = line.from === "gp" ? doctorLabel(s.gpName) : t("call.chatFromStation");
        return h(
          "li",
          { class: `chat-line chat-line--${line.from}`, "data-from": line.from },
          h("span", { class: "chat-meta" }, t("call.chatLine", { who, time: formatTime(line.at) })),
          h("span", { class: "chat-text" }, line.text),
        );
      }),
    );
    chatLog.scrollTop = chatLog.scrollHeight;
  }

  /** Every second: elapsed time, the video placeholder. */
  function tick() {
    if (!cs || excluded) {
      elapsed.textContent = "";
      return;
    }
    const since = Date.parse(cs.since);
    elapsed.textContent = LIVE.has(cs.state) && Number.isFinite(since) ? t("call.elapsed", { duration: formatDuration(now() - since) }) : "";
    if (cs.state === "sending" || cs.state === "waitingGp") waitingSince.textContent = t("call.waitingQueued", { time: formatTime(c.updatedAt || c.createdAt) });
    const fresh = lastFrameAt > 0 && now() - lastFrameAt <= STALE_VIDEO_MS && cs.state !== "reconnecting";
    placeholder.hidden = fresh;
    canvas.classList.toggle("remote-video--stale", !fresh);
  }

  /** A newer status of this consultation's call replaces the one shown. */
  function accept(s: CallStatus | null) {
    if (disposed || !s || s.consultationId !== c.id) return;
    if (cs && Date.parse(s.since) < Date.parse(cs.since)) return;
    cs = s;
    if (LIVE.has(s.state)) {
      ctx.keepAwake?.();
      startPolling();
      if (IN_CALL.has(s.state)) void subscribeVideo();
    } else {
      stopPolling();
      videoSubscribed = false;
    }
    render();
  }

  // ---- Backend ---------------------------------------------------------------------------

  function startPolling() {
    if (pollTimer !== undefined || disposed) return;
    pollTimer = setInterval(() => {
      if (polling) return;
      polling = true;
      api
        .callStatus()
        .then(accept)
        .catch(() => undefined)
        .finally(() => {
          polling = false;
        });
    }, POLL_MS);
  }
  function stopPolling() {
    if (pollTimer !== undefined) clearInterval(pollTimer);
    pollTimer = undefined;
  }

  async function start() {
    cs = null;
    shownEvents = -1;
    shownChat = -1;
    render();
    startPolling();
    try {
      accept(await api.startCall(c.id));
    } catch (e) {
      const err = e as ApiError;
      if (disposed || isGlobalError(err)) return;
      if (await showRedirectIfExcluded(ctx, c, err)) return;
      accept({
        consultationId: c.id,
        state: "failed",
        since: new Date(now()).toISOString(),
        gpName: null,
        muted: false,
        cameraOn: true,
        quality: { rttMs: null, lossPercent: null, level: null },
        events: [],
        chat: [],
        error: { code: err.code, message: err.message },
      });
    }
  }

  async function attach() {
    render();
    try {
      const s = await api.callStatus();
      if (disposed) return;
      if (s && s.consultationId === c.id) accept(s);
      else await start();
    } catch (e) {
      if (!disposed && !isGlobalError(e as ApiError)) errors.show(e as ApiError);
    }
  }

  /** Run a call command; its answer is the new status. Errors go to the panel. */
  async function command(fn: () => Promise<CallStatus>) {
    if (pending) return;
    pending = true;
    errors.show(null);
    try {
      accept(await fn());
    } catch (e) {
      if (!isGlobalError(e as ApiError)) errors.show(e as ApiError);
    } finally {
      pending = false;
    }
  }

  mute.addEventListener("click", () => {
    if (cs) void command(() => api.callSetMuted(!cs!.muted));
  });
  camera.addEventListener("click", () => {
    if (cs) void command(() => api.callSetCamera(!cs!.cameraOn));
  });
  retry.addEventListener("click", () => {
    errors.show(null);
    void busy(retry, t("call.retrying"), start);
  });
  cancel.addEventListener("click", async () => {
    errors.show(null);
    try {
      await busy(cancel, t("call.cancelling"), () => api.cancelConsultation(c.id));
      ctx.go({ name: "patient", id: c.patientId });
    } catch (e) {
      if (!isGlobalError(e as ApiError)) errors.show(e as ApiError);
    }
  });
  chatForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = chatInput.value.trim();
    if (text === "" || pending) return;
    chatError.hidden = true;
    pending = true;
    try {
      accept(await api.callSendChat(text.slice(0, 1000)));
      chatInput.value = "";
    } catch (e) {
      const err = e as ApiError;
      if (!isGlobalError(err)) {
        chatError.textContent = err.message;
        chatError.hidden = false;
      }
    } finally {
      pending = false;
      chatInput.focus();
    }
  });

  // -- Hang-up dialog
  function openDialog() {
    backdrop.hidden = false;
    layout.inert = true;
    confirmNo.focus();
  }
  function closeDialog(restoreFocus: boolean) {
    if (backdrop.hidden) return;
    backdrop.hidden = true;
    layout.inert = false;
    if (restoreFocus) hangup.focus();
  }
  hangup.addEventListener("click", openDialog);
  confirmNo.addEventListener("click", () => closeDialog(true));
  confirmYes.addEventListener("click", async () => {
    await busy(confirmYes, t("call.hangingUp"), () => command(() => api.callHangUp()));
    closeDialog(false);
    if (cs?.state === "ended") endedCard.querySelector<HTMLElement>(".section-title")?.focus();
    else hangup.focus();
  });
  dialog.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") {
      // Escape closes the question; it never hangs up.
      ev.preventDefault();
      ev.stopPropagation();
      closeDialog(true);
    } else if (ev.key === "Tab") {
      const order = [confirmNo, confirmYes];
      const i = order.indexOf(document.activeElement as HTMLButtonElement);
      ev.preventDefault();
      order[(i + (ev.shiftKey ? order.length - 1 : 1)) % order.length].focus();
    }
  });

  // -- Video
  let videoSubscribed = false;
  let videoRetryAt = 0;
  let frames = 0;
  let lastFrameAt = 0;
  let decoding = false;
  let nextFrame: ArrayBuffer | null = null;
  let g2d: CanvasRenderingContext2D | null = null;

  async function subscribeVideo() {
    if (videoSubscribed || disposed || now() < videoRetryAt) return;
    videoSubscribed = true;
    try {
      const channel = await api.callVideo(onFrame);
      if (disposed) channel.onmessage = () => undefined;
    } catch {
      videoSubscribed = false;
      videoRetryAt = now() + VIDEO_RETRY_MS;
    }
  }

  function onFrame(jpeg: ArrayBuffer) {
    if (disposed) return;
    frames += 1;
    canvas.dataset.frames = String(frames);
    lastFrameAt = now();
    if (!placeholder.hidden) tick();
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

  // ---- Start -------------------------------------------------------------------------

  if (!excluded) {
    unlisten = onCallStatus(accept);
    tickTimer = setInterval(tick, 1000);
    void (opts.start ? start() : attach());
  }

  return {
    name: "call",
    root,
    state: "state.call",
    tone: "attention",
    liveState: () => (excluded ? { text: t("call.excluded"), tone: "danger" } : { text: callStateText(cs), tone: callTone(cs) }),
    dispose() {
      disposed = true;
      unlisten?.();
      stopPolling();
      if (tickTimer !== undefined) clearInterval(tickTimer);
      devicesPanel?.dispose();
      cameras.dispose();
      readingsBox.dispose();
      steth?.dispose();
    },
  };
}
