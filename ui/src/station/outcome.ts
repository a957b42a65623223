/** After the intake: "Téléconsultation possible", then the call screen (call.ts). */
import { api, type ApiError, type Consultation } from "../lib/api";
import { h } from "../lib/dom";
import { has, t } from "../lib/i18n";
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

/**
 * After an `EXCLUDED_<REASON>` refusal (the triage was re-run and now excludes), show the
 * redirection screen of the stored consultation. False when there is nothing to show.
 */
export async function showRedirectIfExcluded(ctx: Ctx, c: Consultation, err: ApiError): Promise<boolean> {
  if (!err.code.startsWith("EXCLUDED_")) return false;
  try {
    const rec = await api.getPatient(c.patientId);
    const now = rec.consultations.find((x) => x.id === c.id);
    if (now && now.state === "excluded") {
      ctx.go({ name: "redirect", consultation: now });
      return true;
    }
  } catch {
    /* the caller shows the message */
  }
  return false;
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
      ctx.go({ name: "call", consultation: updated, start: true });
    } catch (e) {
      const err = e as ApiError;
      if (isGlobalError(err)) return;
      if (await showRedirectIfExcluded(ctx, c, err)) return;
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
