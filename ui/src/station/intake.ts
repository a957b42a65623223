/**
 * Intake: motif, the three safety questions (yes/no, never pre-filled), priority criteria,
 * consent. "Valider l'accueil" stays disabled until the three questions are answered and
 * the consent ticked; the result leads to "Téléconsultation possible" or the redirection screen.
 *
 * The draft (`intake:<patientId>`) keeps the motif and the priority criteria only: the
 * safety answers and the consent are asked again every time.
 */
import {
  api,
  PRIORITY_KEYS,
  QUESTIONS,
  type Answers,
  type ApiError,
  type Consultation,
  type Priority,
} from "../lib/api";
import { debounce, h } from "../lib/dom";
import { formatAge, formatDate, t, tn } from "../lib/i18n";
import { displayName } from "./today";
import { busy, errorPanel, fieldErrors, isGlobalError, screenRoot, title, type Ctx, type Screen } from "./ui";

type IntakeDraft = { complaint?: string; priority?: Partial<Priority> };

/** Where a submitted intake leads. */
export function routeAfterIntake(c: Consultation): "redirect" | "accepted" | "incomplete" {
  if (c.state === "excluded" || c.assessment.outcome === "excluded") return "redirect";
  if (c.assessment.outcome === "accepted") return "accepted";
  return "incomplete";
}

export function intakeScreen(ctx: Ctx, patientId: string): Screen {
  const draftKind = `intake:${patientId}` as const;
  const who = h("p", { class: "lead", testid: "intake-patient" }, t("common.loading"));
  const ageLine = h("p", { class: "age-line", testid: "intake-age" });

  const complaintId = "intake-complaint";
  const complaint = h("textarea", {
    id: complaintId,
    class: "input textarea",
    rows: "3",
    testid: "intake-complaint",
    "data-autofocus": true,
    "aria-describedby": "intake-complaint-hint intake-complaint-err",
  });
  const complaintError = h("p", { id: "intake-complaint-err", class: "field-error", testid: "error-complaint", hidden: true });

  // Safety questions: radio pairs, nothing checked.
  const answerErrors = {} as Record<keyof Answers, HTMLElement>;
  const questions = QUESTIONS.map((q) => {
    const err = h("p", { class: "field-error", testid: `error-${q}`, id: `err-${q}`, hidden: true });
    answerErrors[q] = err;
    const radio = (value: "yes" | "no") =>
      h(
        "label",
        { class: `choice choice--${value}` },
        h("input", { type: "radio", name: `answer-${q}`, value, testid: `answer-${q}-${value}`, "aria-describedby": `err-${q}` }),
        h("span", null, value === "yes" ? t("common.yes") : t("common.no")),
      );
    return h(
      "fieldset",
      { class: "question", "data-question": q },
      h("legend", null, t(`intake.q.${q}`)),
      h("div", { class: "choices" }, radio("yes"), radio("no")),
      err,
    );
  });

  const priorityInputs = {} as Record<keyof Priority, HTMLInputElement>;
  const priorities = PRIORITY_KEYS.map((k) => {
    const input = h("input", { type: "checkbox", class: "check", testid: `priority-${k}`, name: `priority-${k}` });
    priorityInputs[k] = input;
    return h("label", { class: "check-row" }, input, h("span", null, t(`priority.${k}`)));
  });

  const consent = h("input", { type: "checkbox", class: "check", testid: "intake-consent", "aria-describedby": "err-consent" });
  const consentError = h("p", { class: "field-error", testid: "error-consent", id: "err-consent", hidden: true });

  const missing = h("p", { class: "missing", testid: "intake-missing", "aria-live": "polite", id: "intake-missing" });
  const submit = h(
    "button",
    { type: "submit", class: "btn btn-primary btn-xl", testid: "intake-submit", disabled: true, "aria-describedby": "intake-missing" },
    t("intake.submit"),
  );
  const errors = errorPanel();

  const form = h(
    "form",
    { class: "form", novalidate: true },
    h(
      "div",
      { class: "card" },
      h("div", { class: "field" }, h("label", { for: complaintId, class: "field-label" }, t("intake.complaint")), h("p", { class: "field-hint", id: "intake-complaint-hint" }, t("intake.complaintHint")), complaint, complaintError),
    ),
    h("section", { class: "card card--safety", "aria-labelledby": "intake-safety" }, h("h2", { class: "section-title", id: "intake-safety" }, t("intake.safety")), h("p", { class: "muted" }, t("intake.safetyIntro")), questions),
    h("fieldset", { class: "card group" }, h("legend", { class: "section-title" }, t("intake.priority")), h("p", { class: "muted" }, t("intake.priorityIntro")), h("div", { class: "checks" }, priorities)),
    h(
      "fieldset",
      { class: "card group" },
      h("legend", { class: "section-title" }, t("intake.consentSection")),
      h("label", { class: "check-row check-row--strong" }, consent, h("span", null, t("intake.consent"))),
      consentError,
    ),
    errors.el,
    h("div", { class: "actions actions--bar" }, submit, missing),
  );

  // ---- State -----------------------------------------------------------------------------
  function answers(): Answers {
    const a = {} as Answers;
    for (const q of QUESTIONS) {
      const checked = form.querySelector<HTMLInputElement>(`input[name="answer-${q}"]:checked`);
      a[q] = checked ? checked.value === "yes" : null;
    }
    return a;
  }
  function priority(): Priority {
    const p = {} as Priority;
    for (const k of PRIORITY_KEYS) p[k] = priorityInputs[k].checked;
    return p;
  }
  function update() {
    const a = answers();
    const unanswered = QUESTIONS.filter((q) => a[q] === null).length;
    const parts: string[] = [];
    if (unanswered) parts.push(tn("intake.missingQuestions", unanswered));
    if (!consent.checked) parts.push(t("intake.missingConsent"));
    missing.textContent = parts.length ? t("intake.missing", { list: parts.join(", ") }) : t("intake.ready");
    missing.classList.toggle("missing--ready", parts.length === 0);
    submit.disabled = parts.length > 0;
    for (const q of QUESTIONS) if (a[q] !== null) answerErrors[q].hidden = true;
    if (consent.checked) consentError.hidden = true;
  }

  const saveDraftSoon = debounce(() => {
    const d: IntakeDraft = { complaint: complaint.value, priority: priority() };
    api.saveDraft(draftKind, d).catch(() => undefined);
  }, 600);
  form.addEventListener("input", (ev) => {
    update();
    if (ev.target === complaint || (ev.target as HTMLInputElement).name?.startsWith("priority-")) saveDraftSoon();
  });
  form.addEventListener("change", update);

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    update();
    if (submit.disabled) return;
    errors.show(null);
    try {
      const c = await busy(submit, t("common.saving"), () =>
        api.submitIntake({ patientId, complaint: complaint.value.trim(), answers: answers(), priority: priority(), consent: consent.checked }),
      );
      saveDraftSoon.cancel();
      void api.clearDraft(draftKind).catch(() => undefined);
      const next = routeAfterIntake(c);
      if (next === "redirect") ctx.go({ name: "redirect", consultation: c });
      else if (next === "accepted") ctx.go({ name: "accepted", consultation: c });
      else errors.show({ code: c.assessment.outcome, message: c.assessment.reasons.map((r) => r.message).join(" ") || t("error.unknown") });
    } catch (e) {
      const err = e as ApiError;
      if (isGlobalError(err)) return;
      let placed = false;
      for (const fe of fieldErrors(err)) {
        const key = fe.field.replace(/^answers\./, "");
        const target =
          key === "consent" ? consentError : key === "complaint" ? complaintError : (answerErrors as Record<string, HTMLElement>)[key];
        if (target) {
          target.textContent = fe.message;
          target.hidden = false;
          placed = true;
        }
      }
      if (err.code === "CONSENT_REQUIRED" && !placed) {
        consentError.textContent = err.message;
        consentError.hidden = false;
        placed = true;
      }
      if (!placed) errors.show(err);
    }
  });

  // ---- Loading -----------------------------------------------------------------------------
  api
    .getPatient(patientId)
    .then((rec) => {
      who.textContent = t("intake.patient", { name: displayName(rec.patient) });
      ageLine.textContent = t("intake.age", { age: formatAge(rec.age), date: formatDate(rec.patient.birthDate) });
    })
    .catch((e: ApiError) => {
      who.textContent = "";
      if (!isGlobalError(e)) errors.show(e);
    });
  api
    .loadDraft(draftKind)
    .then((d) => {
      if (!d || typeof d !== "object") return;
      const draft = d as IntakeDraft;
      if (typeof draft.complaint === "string" && complaint.value === "") complaint.value = draft.complaint;
      for (const k of PRIORITY_KEYS) if (draft.priority?.[k] === true) priorityInputs[k].checked = true;
      update();
    })
    .catch(() => undefined);

  update();
  const root = screenRoot("intake", title("intake", t("intake.title")), who, ageLine, form);
  return { name: "intake", root, state: "state.intake", dispose: () => saveDraftSoon.flush() };
}
