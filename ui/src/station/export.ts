/**
 * "Exporter (FHIR)" on the consultation's documents screen: writes the consultation as an
 * HL7 FHIR R4 document into the station's exports folder (`export_consultation_fhir`,
 * docs/COMMANDS.md) and shows where the file is. While it works the button says
 * "Export en cours…"; a failure shows its message with the code behind "Détails".
 */
import "../styles/export.css";
import { call, codeMessage, type ApiError } from "../lib/api";
import { h } from "../lib/dom";
import { t, tn } from "../lib/i18n";
import { busy, errorPanel, isGlobalError } from "./ui";

/** What the command answers. */
export type FhirExport = { path: string; resources: number };

export const exportApi = {
  exportConsultationFhir: (consultationId: string) => call<FhirExport>("export_consultation_fhir", { consultationId }),
};

/** The export section: its button, the path written, or the error. */
export function exportControl(consultationId: string, api = exportApi): { el: HTMLElement } {
  const errors = errorPanel("export-error");
  const result = h("p", { class: "notice", testid: "export-result", role: "status", hidden: true });
  const button = h("button", { type: "button", class: "btn btn-secondary btn-lg", testid: "export-fhir" }, t("export.fhir"));
  button.addEventListener("click", async () => {
    errors.show(null);
    result.hidden = true;
    try {
      const done = await busy(button, t("export.running"), () => api.exportConsultationFhir(consultationId));
      result.replaceChildren(
        h("span", null, tn("export.done", done.resources)),
        " ",
        h("code", { class: "export-path", testid: "export-path" }, done.path),
      );
      result.hidden = false;
    } catch (e) {
      const err = e as ApiError;
      if (isGlobalError(err)) return;
      errors.show(err, codeMessage(err.code) ?? err.message);
    }
  });
  const el = h(
    "section",
    { class: "card export", "aria-labelledby": "export-title", testid: "export-section" },
    h("h2", { class: "section-title", id: "export-title" }, t("export.title")),
    h("p", { class: "muted" }, t("export.explain")),
    h("div", { class: "actions" }, button),
    result,
    errors.el,
  );
  return { el };
}
