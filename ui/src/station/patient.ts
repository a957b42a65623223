/** Patient page: identity summary, history of consultations, "Nouvelle consultation". */
import { api, type ApiError, type PatientRecord } from "../lib/api";
import { h, replace } from "../lib/dom";
import { formatAge, formatDate, formatDateTime, formatDecimal, t } from "../lib/i18n";
import { formatNir } from "../lib/nir";
import { consultationRoute, consultationTone, stateLabel } from "./consultation";
import { displayName } from "./today";
import { errorPanel, isGlobalError, pill, screenRoot, title, type Ctx, type Screen } from "./ui";
import { readingsPanel } from "./readings";

export function patientScreen(ctx: Ctx, id: string): Screen {
  const heading = title("patient", t("common.loading"), { testid: "patient-name" });
  const sub = h("p", { class: "lead" });
  const summary = h("dl", { class: "summary" });
  const history = h("ul", { class: "list", testid: "patient-history" });
  const errors = errorPanel();
  const newConsultation = h(
    "button",
    {
      type: "button",
      class: "btn btn-primary btn-xl",
      testid: "new-consultation",
      "data-autofocus": true,
      disabled: true,
      onclick: () => ctx.go({ name: "intake", patientId: id }),
    },
    t("patient.newConsultation"),
  );
  const edit = h(
    "button",
    { type: "button", class: "btn btn-secondary", testid: "edit-patient", onclick: () => ctx.go({ name: "patient-form", id }) },
    t("patient.edit"),
  );

  function row(label: string, value: string, testid?: string) {
    return [h("dt", null, label), h("dd", testid ? { testid } : null, value)];
  }

  function render(rec: PatientRecord) {
    const p = rec.patient;
    heading.textContent = displayName(p);
    sub.textContent = t("patient.born", { date: formatDate(p.birthDate), age: formatAge(rec.age) });
    const cov = [p.coverage.ald && t("coverage.ald"), p.coverage.c2s && t("coverage.c2s"), p.coverage.ame && t("coverage.ame")].filter(Boolean).join(", ");
    replace(
      summary,
      row(t("patient.sex"), t(`sex.${p.sex}`)),
      row(t("patient.nir"), p.nir ? formatNir(p.nir) : t("common.notProvided"), "patient-nir-value"),
      row(t("patient.phone"), p.phone || t("common.notProvided")),
      row(t("patient.address"), [p.address, [p.postalCode, p.commune].filter(Boolean).join(" ")].filter(Boolean).join(", ")),
      row(
        t("patient.doctor"),
        p.treatingDoctor ? [p.treatingDoctor.name, p.treatingDoctor.rpps].filter(Boolean).join(" — ") : t("patient.noDoctor"),
      ),
      row(t("patient.coverage"), cov || t("patient.noCoverage")),
      p.weightKg !== null ? row(t("patient.weight"), t("patient.weightValue", { kg: formatDecimal(p.weightKg) })) : null,
    );
    const list = [...rec.consultations].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    replace(
      history,
      list.length === 0
        ? h("li", { class: "muted" }, t("patient.noHistory"))
        : list.map((c) =>
            h(
              "li",
              null,
              h(
                "button",
                {
                  type: "button",
                  class: `list-item list-item--${consultationTone(c)}`,
                  testid: "history-item",
                  "data-consultation-id": c.id,
                  onclick: () => ctx.go(consultationRoute(c)),
                },
                h("span", { class: "item-main" }, h("span", { class: "item-name" }, formatDateTime(c.createdAt)), h("span", { class: "item-sub" }, c.complaint)),
                pill(stateLabel(c), consultationTone(c)),
              ),
            ),
          ),
    );
    newConsultation.disabled = false;
    const active = document.activeElement;
    if (!active || active === document.body || active === heading) newConsultation.focus();
  }

  api
    .getPatient(id)
    .then(render)
    .catch((e: ApiError) => {
      heading.textContent = t("patient.title");
      if (!isGlobalError(e)) errors.show(e);
    });

  // The patient's readings: trend and entry outside a consultation.
  const readings = readingsPanel({ patientId: id, consultationId: null });
  const root = screenRoot(
    "patient",
    h("div", { class: "screen-head" }, h("div", null, heading, sub), edit),
    errors.el,
    h("div", { class: "hero" }, newConsultation),
    h(
      "div",
      { class: "columns" },
      h("section", { class: "card", "aria-labelledby": "patient-identity" }, h("h2", { class: "section-title", id: "patient-identity" }, t("patientForm.identity")), summary),
      h("section", { class: "card", "aria-labelledby": "patient-history" }, h("h2", { class: "section-title", id: "patient-history" }, t("patient.history")), history),
    ),
    readings.el,
  );
  return { name: "patient", root, state: "state.patient", dispose: () => readings.dispose() };
}
