/**
 * The call screen: the station's video large, the GP's own image small, the controls
 * (microphone, camera, hang up), the call state and quality always in view, the readings
 * received over the data channel and the chat. All call logic is in {@link Call}; this
 * module only renders its events.
 */
import { h, replace } from "../lib/dom";
import { formatAge, formatTime, t } from "../lib/i18n";
import { Call, type CallDeps, type CallState, type EndReason, type MediaMode, type Notice } from "./call";
import { formatCallDuration, formatReading, readingLabel, readingSource } from "./format";
import type { ChatMessage, DataMessage, ReadingMessage, RoomTicket, WaitingConsultation } from "./protocol";
import type { Quality } from "./quality";
import { CamerasPanel } from "./cameras";
import { isStethoscopeStream, StethoscopePanel } from "./stethoscope";
import { icon, screenRoot, setIcon, type Screen } from "./ui";
import { DocumentsWorkspace } from "./documents";
import { Hub } from "./hub";
import { patientName } from "./waiting";

export interface CallScreenOptions {
  ticket: RoomTicket;
  consultation: WaitingConsultation;
  deps?: Partial<CallDeps>;
  /** The hub (documents: prescription and report). */
  hub?: Hub;
  onBack(): void;
  /** The call has just ended (the app shows sign-out again). */
  onEnded?(): void;
}

/** One reading as a list item. */
export function readingItem(m: ReadingMessage): HTMLLIElement {
  return h(
    "li",
    { class: "reading", testid: "reading", "data-kind": m.reading.kind },
    h("span", { class: "reading-label" }, readingLabel(m.reading)),
    h("span", { class: "reading-value" }, formatReading(m.reading)),
    h("span", { class: "reading-meta" }, t("console.call.readingMeta", { time: formatTime(m.takenAt), source: readingSource(m.source) })),
  );
}

/** One chat line as a list item. */
export function chatItem(m: ChatMessage): HTMLLIElement {
  return h(
    "li",
    { class: `gp-chat-line gp-chat-line--${m.from}`, testid: "chat-line", "data-from": m.from },
    h(
      "span",
      { class: "chat-who" },
      m.from === "gp" ? t("console.call.chatFromGp") : t("console.call.chatFromStation"),
      h("span", { class: "chat-time" }, ` · ${formatTime(m.at)}`),
    ),
    h("span", { class: "gp-chat-text" }, m.text),
  );
}

const STATE_KEYS = {
  connecting: "console.call.state.connecting",
  connected: "console.call.state.connected",
  reconnecting: "console.call.state.reconnecting",
  ended: "console.call.state.ended",
} as const;

const QUALITY_KEYS = {
  good: "console.call.quality.good",
  medium: "console.call.quality.medium",
  poor: "console.call.quality.poor",
  unknown: "console.call.quality.unknown",
} as const;

const END_KEYS: Record<EndReason, "console.call.endedLocal" | "console.call.endedRemote" | "console.call.endedSignal"> = {
  local: "console.call.endedLocal",
  remote: "console.call.endedRemote",
  signalLost: "console.call.endedSignal",
};

export function callScreen(o: CallScreenOptions): Screen & { call: Call } {
  const c = o.consultation;

  // ---- Elements ------------------------------------------------------------------------
  const stateText = h("span", { class: "gp-call-state-text" });
  const stateEl = h("p", { class: "call-state", testid: "call-state", role: "status", "data-state": "connecting" }, h("span", { class: "dot", "aria-hidden": "true" }), stateText);
  const qualityValue = h("strong", { class: "quality-value" });
  const qualityDetail = h("span", { class: "quality-detail" });
  const qualityEl = h("p", { class: "quality", testid: "quality", "data-level": "unknown" }, `${t("console.call.quality")} : `, qualityValue, " ", qualityDetail);

  const remoteVideo = h("video", { class: "gp-remote-video", testid: "remote-video", autoplay: true, playsinline: true, "aria-label": t("console.call.remoteVideo") });
  const placeholder = h("p", { class: "gp-video-placeholder", testid: "remote-placeholder" }, t("console.call.waitingVideo"));
  const localVideo = h("video", { class: "local-video", testid: "local-video", autoplay: true, playsinline: true, "aria-label": t("console.call.localVideo") });
  localVideo.muted = true;
  localVideo.setAttribute("muted", "");
  const selfBadges = h("div", { class: "self-badges" });
  const notice = h("p", { class: "call-notice", testid: "call-notice", role: "status", hidden: true });
  const mediaNotice = h("p", { class: "call-media-notice", testid: "media-notice", role: "alert", hidden: true });
  const hubError = h("p", { class: "call-media-notice", testid: "call-error", role: "alert", hidden: true });

  const micBtn = h("button", { type: "button", class: "btn btn-control", testid: "toggle-mic", "aria-pressed": "false" }, icon("mic"), h("span", null, t("console.call.muteMic")));
  const camBtn = h("button", { type: "button", class: "btn btn-control", testid: "toggle-camera", "aria-pressed": "false" }, icon("camera"), h("span", null, t("console.call.muteCamera")));
  const hangupBtn = h("button", { type: "button", class: "btn btn-control gp-btn-hangup", testid: "hangup" }, icon("hangup"), h("span", null, t("console.call.hangup")));
  const controls = h("div", { class: "gp-call-controls", role: "group", "aria-label": t("console.call.controls") }, micBtn, camBtn, hangupBtn);

  const readings = h("ul", { class: "readings", testid: "readings", "aria-labelledby": "readings-title" });
  const readingsEmpty = h("p", { class: "muted", testid: "readings-empty" }, t("console.call.readingsEmpty"));
  const chatLog = h("ol", { class: "gp-chat-log", testid: "chat-log", "aria-live": "polite", "aria-labelledby": "chat-title" });
  const chatInput = h("input", { type: "text", class: "input", id: "chat-input", testid: "chat-input", autocomplete: "off", maxlength: "2000" });
  const chatSend = h("button", { type: "submit", class: "btn btn-primary", testid: "chat-send" }, icon("send"), h("span", null, t("console.call.chatSend")));
  const chatError = h("p", { class: "field-error", testid: "chat-error", hidden: true, "aria-live": "polite" });
  const chatForm = h(
    "form",
    { class: "chat-form", novalidate: true },
    h("label", { for: "chat-input", class: "field-label" }, t("console.call.chatInput")),
    h("div", { class: "gp-chat-row" }, chatInput, chatSend),
    chatError,
  );

  const stage = h(
    "div",
    { class: "gp-call-stage" },
    h("div", { class: "call-topbar" }, stateEl, qualityEl),
    h("div", { class: "video-wrap" }, remoteVideo, placeholder, notice, h("div", { class: "self-view" }, localVideo, selfBadges)),
    mediaNotice,
    hubError,
    controls,
  );
  const side = h(
    "aside",
    { class: "gp-call-side", "aria-label": t("console.call.title") },
    h(
      "div",
      { class: "card call-patient" },
      h("h1", { id: "call-title", class: "call-patient-name", tabindex: "-1" }, patientName(c)),
      h("p", { class: "call-patient-sub" }, t("console.waiting.ageSex", { age: formatAge(c.ageYears), sex: t(`sex.${c.patient.sex}`) }), " · ", c.stationName),
      h("p", { class: "complaint" }, c.complaint),
    ),
    h("section", { class: "card gp-call-panel", "aria-labelledby": "readings-title" }, h("h2", { id: "readings-title", class: "section-title" }, t("console.call.readings")), readingsEmpty, readings),
    h("section", { class: "card gp-call-panel call-chat", "aria-labelledby": "chat-title" }, h("h2", { id: "chat-title", class: "section-title" }, t("console.call.chat")), chatLog, chatForm),
  );
  const steth = new StethoscopePanel({ send: (m) => call.sendData(m) });
  side.insertBefore(steth.root, side.children[1] ?? null);
  const cameras = new CamerasPanel({ send: (m) => call.sendData(m) });
  side.insertBefore(cameras.root, side.children[1] ?? null);
  const root = screenRoot("call", h("div", { class: "gp-call-layout" }, stage, side));
  root.setAttribute("aria-labelledby", "call-title");
  const docs = new DocumentsWorkspace({ hub: o.hub ?? new Hub(), consultation: c, send: (m) => call.sendData(m) });
  docs.mount(side, root.querySelector<HTMLElement>(".gp-call-layout") ?? root);

  // ---- Rendering of the call's events ---------------------------------------------------
  function showState(s: CallState) {
    stateEl.dataset.state = s;
    stateEl.className = `call-state call-state--${s}`;
    stateText.textContent = t(STATE_KEYS[s]);
  }
  function showNotice(n: Notice) {
    notice.hidden = !n;
    notice.textContent = n === "peerLeft" ? t("console.call.peerLeft") : n === "signalLost" ? t("console.call.signalLost") : "";
  }
  function showMedia(mode: MediaMode, stream: MediaStream | null) {
    if (stream) localVideo.srcObject = stream;
    const hasAudio = (stream?.getAudioTracks().length ?? 0) > 0;
    const hasVideo = (stream?.getVideoTracks().length ?? 0) > 0;
    micBtn.disabled = !hasAudio;
    camBtn.disabled = !hasVideo;
    localVideo.hidden = !hasVideo;
    mediaNotice.hidden = mode === "full";
    mediaNotice.textContent = mode === "audioOnly" ? t("console.call.mediaAudioOnly") : mode === "receiveOnly" ? t("console.call.mediaReceiveOnly") : "";
    updateBadges();
  }
  function showQuality(q: Quality) {
    qualityEl.dataset.level = q.level;
    if (q.rttMs !== null) qualityEl.dataset.rttMs = String(q.rttMs);
    else delete qualityEl.dataset.rttMs;
    qualityValue.textContent = t(QUALITY_KEYS[q.level]);
    qualityDetail.textContent =
      q.level === "unknown"
        ? ""
        : t("console.call.qualityDetail", {
            rtt: q.rttMs === null ? "?" : String(q.rttMs),
            loss: q.lossPercent === null ? "?" : q.lossPercent.toFixed(1).replace(".", ","),
            jitter: q.jitterMs === null ? "?" : String(q.jitterMs),
          });
  }
  function addData(m: DataMessage) {
    if (m.type === "reading") {
      readings.prepend(readingItem(m));
      readingsEmpty.hidden = true;
    } else if (m.type === "chat") {
      chatLog.append(chatItem(m));
      chatLog.scrollTop = chatLog.scrollHeight;
    }
  }
  function updateBadges() {
    replace(
      selfBadges,
      micBtn.getAttribute("aria-pressed") === "true" ? h("span", { class: "badge badge--attention", testid: "mic-muted" }, t("console.call.micOff")) : null,
      camBtn.getAttribute("aria-pressed") === "true" ? h("span", { class: "badge badge--attention" }, t("console.call.cameraOff")) : null,
    );
  }
  function showEnded(reason: EndReason, durationMs: number) {
    showState("ended");
    const back = h("button", { type: "button", class: "btn btn-primary btn-xl", testid: "back-to-list" }, t("console.call.backToList"));
    back.addEventListener("click", () => o.onBack());
    const ended = h(
      "div",
      { class: "call-ended card", testid: "call-ended" },
      h("h2", { class: "screen-title" }, t("console.call.ended")),
      h("p", { class: "lead" }, t(END_KEYS[reason])),
      h("p", { class: "ended-duration", testid: "call-duration" }, t("console.call.endedDuration", { duration: formatCallDuration(durationMs) })),
      h("div", { class: "actions" }, back),
    );
    remoteVideo.srcObject = null;
    localVideo.srcObject = null;
    steth.dispose();
    cameras.dispose();
    replace(stage, h("div", { class: "call-topbar" }, stateEl), ended);
    chatInput.disabled = true;
    chatSend.disabled = true;
    back.focus();
    o.onEnded?.();
  }

  showState("connecting");
  showQuality({ level: "unknown", rttMs: null, lossPercent: null, jitterMs: null, received: 0, lost: 0 });

  const call = new Call(
    o.ticket,
    {
      state: (s) => {
        if (s !== "ended") showState(s);
      },
      notice: showNotice,
      media: showMedia,
      remoteStream: (stream) => {
        if (isStethoscopeStream(stream)) return steth.attach(stream);
        remoteVideo.srcObject = stream;
        placeholder.hidden = true;
        void remoteVideo.play?.()?.catch?.(() => undefined);
      },
      data: (m) => {
        docs.observe(m);
        if (!steth.handle(m) && !cameras.handle(m)) addData(m);
      },
      quality: showQuality,
      error: (e) => {
        hubError.hidden = false;
        hubError.textContent = e.message;
      },
      ended: ({ reason, durationMs }) => showEnded(reason, durationMs),
    },
    o.deps,
  );

  // ---- Controls -------------------------------------------------------------------------
  micBtn.addEventListener("click", () => {
    const muted = micBtn.getAttribute("aria-pressed") !== "true";
    if (!call.setMicEnabled(!muted)) return;
    micBtn.setAttribute("aria-pressed", String(muted));
    setIcon(micBtn, muted ? "micOff" : "mic");
    updateBadges();
  });
  camBtn.addEventListener("click", () => {
    const off = camBtn.getAttribute("aria-pressed") !== "true";
    if (!call.setCameraEnabled(!off)) return;
    camBtn.setAttribute("aria-pressed", String(off));
    setIcon(camBtn, off ? "cameraOff" : "camera");
    localVideo.classList.toggle("local-video--off", off);
    updateBadges();
  });
  hangupBtn.addEventListener("click", () => call.hangup());
  chatForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (chatInput.value.trim() === "") return;
    const sent = call.sendChat(chatInput.value);
    if (!sent) {
      chatError.textContent = t("console.call.chatNotReady");
      chatError.hidden = false;
      return;
    }
    chatError.hidden = true;
    chatInput.value = "";
    addData(sent);
    chatInput.focus();
  });

  call.start();
  return {
    name: "call",
    root,
    state: "console.state.call",
    tone: "ok",
    wide: true,
    call,
    dispose() {
      call.hangup();
    },
  };
}
