/** After the intake: "Téléconsultation possible" and "En attente du médecin…". */
import { api, type ApiError, type Consultation } from "../lib/api";
import { h, replace } from "../lib/dom";
import { formatTime, has, t } from "../lib/i18n";
import { busy, errorPanel, isGlobalError, screenRoot, title, type Ctx, type Screen } from "./ui";

/** Priority code from the assessment → French label (`noTreatingDoctor`, `NO_TREATING_DOCTOR`…). */
export function priorityLabel(code: string): string {
  const norm = code.replace(/[_\s-]/g, "").toLowerCase();
  for (const key of ["noTreatingDoctor", "mobilityDifficulty", "longDelay", "chronicDisease", "c2s", "age70Plus"]) {
    if (key.toLowerCase() === norm) {
      const k = `priority.${key}`;
      if (has(k)) return t(k);
    }
  }
  return code;
}

export function acceptedScreen(ctx: Ctx, c: Consultation): Screen {
  const errors = errorPanel();
  const request = h(
    "button",
    { type: "button", class: "btn btn-primary btn-xl", testid: "request-gp", "data-autofocus": true },
    t("accepted.request"),
  );
  const back = h(
    "button",
    { type: "button", class: "btn btn-secondary", testid: "back-to-patient", onclick: () => ctx.go({ name: "patient", id: c.patientId }) },
    t("common.back"),
  );
  request.addEventListener("click", async () => {
    errors.show(null);
    try {
      const updated = await busy(request, t("accepted.requesting"), () => api.requestConsultation(c.id));
      ctx.go({ name: "waiting", consultation: updated });
    } catch (e) {
      const err = e as ApiError;
      if (isGlobalError(err)) return;
      if (err.code.startsWith("EXCLUDED_")) {
        // Triage was re-run and now excludes: the redirection screen must be shown.
        try {
          const rec = await api.getPatient(c.patientId);
          const now = rec.consultations.find((x) => x.id === c.id);
          if (now && now.state === "excluded") {
            ctx.go({ name: "redirect", consultation: now });
            return;
          }
        } catch {
          /* fall through to the message */
        }
      }
      errors.show(err);
    }
  });
  const prio = c.assessment.priority;
  const root = screenRoot(
    "accepted",
    h("div", { class: "banner banner--ok" }, h("span", { class: "banner-icon", "aria-hidden": "true" }, "✓"), title("accepted", t("accepted.title"))),
    h("p", { class: "lead" }, t("accepted.explain")),
    c.complaint ? h("p", { class: "complaint" }, c.complaint) : null,
    h(
      "section",
      { class: "card", "aria-labelledby": "accepted-priority" },
      h("h2", { class: "section-title", id: "accepted-priority" }, t("accepted.priority")),
      prio.length
        ? h("ul", { class: "tags", testid: "priority-list" }, prio.map((p) => h("li", { class: "tag tag--attention" }, priorityLabel(p))))
        : h("p", { class: "muted", testid: "priority-list" }, t("accepted.priorityNone")),
    ),
    errors.el,
    h("div", { class: "actions actions--bar" }, request, back),
  );
  return { name: "accepted", root, state: "state.accepted", tone: "ok" };
}

export function waitingScreen(ctx: Ctx, c: Consultation): Screen {
  const errors = errorPanel();
  const cancel = h("button", { type: "button", class: "btn btn-secondary btn-lg", testid: "cancel-request" }, t("waiting.cancel"));
  cancel.addEventListener("click", async () => {
    errors.show(null);
    try {
      await busy(cancel, t("waiting.cancelling"), () => api.cancelConsultation(c.id));
      ctx.go({ name: "patient", id: c.patientId });
    } catch (e) {
      if (!isGlobalError(e as ApiError)) errors.show(e as ApiError);
    }
  });
  const state = h("p", { class: "waiting-state", testid: "waiting-state", role: "status" });
  replace(state, h("span", { class: "dot dot--attention", "aria-hidden": "true" }), t("waiting.sent"));
  const root = screenRoot(
    "waiting",
    title("waiting", t("waiting.title")),
    h("div", { class: "card card--waiting" }, state, h("p", { class: "muted" }, t("waiting.since", { time: formatTime(c.updatedAt || c.createdAt) })), h("p", null, t("waiting.later"))),
    errors.el,
    h("div", { class: "actions" }, cancel),
  );
  return { name: "waiting", root, state: "state.waiting", tone: "attention" };
}
