/**
 * Settings — the printer: the printers of this computer with their state (prête, en cours
 * d’impression, arrêtée + the system's reason), the one prescriptions go to, and the choice
 * kept in the station's settings ("Imprimante par défaut du système" when none is chosen).
 */
import { codeMessage, type ApiError } from "../lib/api";
import { h, nextId, replace } from "../lib/dom";
import { t } from "../lib/i18n";
import { documentsApi, type Printer, type Printers } from "./documents-api";
import { busy, errorPanel, isGlobalError, pill, screenRoot, title, type Ctx, type Screen, type Tone } from "./ui";

/** The state of a printer in words and colour. */
export function printerStateView(p: Printer): { text: string; tone: Tone } {
  if (p.state === "stopped") return { text: t("printers.stopped"), tone: "danger" };
  if (!p.accepting) return { text: t("printers.refusing"), tone: "danger" };
  if (p.state === "printing") return { text: t("printers.printing"), tone: "attention" };
  return { text: t("printers.ready"), tone: "ok" };
}

export function printersScreen(ctx: Ctx): Screen {
  let disposed = false;
  const errors = errorPanel("printers-error");
  const saved = h("p", { class: "notice notice--ok", testid: "printers-saved", role: "status", hidden: true });
  const body = h("div", { testid: "printers-body" }, h("p", { class: "muted", role: "status" }, t("common.loading")));
  const refresh = h("button", { type: "button", class: "btn btn-secondary", testid: "printers-refresh" }, t("printers.refresh"));
  const back = h("button", { type: "button", class: "btn btn-secondary", testid: "printers-back", onclick: () => ctx.go({ name: "today" }) }, t("common.back"));
  const name = nextId("printer");

  function option(value: string, label: HTMLElement | string, checked: boolean, testid: string) {
    const input = h("input", { type: "radio", name, value, class: "radio", checked, testid });
    return h("label", { class: "radio-row printer-row" }, input, h("span", { class: "printer-label" }, label));
  }

  function render(p: Printers) {
    if (!p.printers.length) {
      replace(body, h("p", { class: "notice", testid: "printers-none" }, t("printers.none")));
      return;
    }
    const systemDefault = p.printers.find((x) => x.isDefault)?.name ?? null;
    const save = h("button", { type: "submit", class: "btn btn-primary btn-lg", testid: "printers-save" }, t("printers.save"));
    const form = h(
      "form",
      { class: "card form", testid: "printers-form" },
      h(
        "fieldset",
        { class: "fieldset" },
        h("legend", { class: "field-label" }, t("printers.choose")),
        option(
          "",
          systemDefault ? t("printers.systemDefaultNamed", { name: systemDefault }) : t("printers.systemDefaultNone"),
          p.chosen === null,
          "printer-option-default",
        ),
        p.printers.map((x) => {
          const v = printerStateView(x);
          return option(
            x.name,
            h(
              "span",
              null,
              h("span", { class: "printer-name" }, x.name),
              " ",
              pill(v.text, v.tone, { testid: "printer-state", "data-printer": x.name }),
              x.message && x.state === "stopped" ? h("span", { class: "muted printer-message" }, ` ${x.message}`) : null,
            ),
            p.chosen === x.name,
            `printer-option-${x.name}`,
          );
        }),
      ),
      h("p", { class: "muted", testid: "printers-effective" }, p.effective ? t("printers.effective", { name: p.effective }) : t("printers.noEffective")),
      h("div", { class: "actions" }, save),
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      errors.show(null);
      saved.hidden = true;
      const choice = form.querySelector<HTMLInputElement>(`input[name="${name}"]:checked`)?.value ?? "";
      try {
        const next = await busy(save, t("common.saving"), () => documentsApi.setDefaultPrinter(choice === "" ? null : choice));
        if (disposed) return;
        render(next);
        saved.textContent = next.effective ? t("printers.saved", { name: next.effective }) : t("printers.savedNone");
        saved.hidden = false;
      } catch (e) {
        const err = e as ApiError;
        if (!isGlobalError(err)) errors.show(err, codeMessage(err.code) ?? err.message);
      }
    });
    replace(body, form);
  }

  async function load() {
    errors.show(null);
    try {
      const p = await busy(refresh, t("common.loading"), () => documentsApi.listPrinters());
      if (!disposed) render(p);
    } catch (e) {
      const err = e as ApiError;
      if (disposed || isGlobalError(err)) return;
      replace(body);
      errors.show(err, codeMessage(err.code) ?? err.message);
    }
  }
  refresh.addEventListener("click", () => void load());
  void load();

  const root = screenRoot(
    "printers",
    title("printers", t("printers.title")),
    h("p", { class: "lead" }, t("printers.intro")),
    saved,
    errors.el,
    body,
    h("div", { class: "actions" }, refresh, back),
  );
  return {
    name: "printers",
    root,
    state: "state.printers",
    dispose() {
      disposed = true;
    },
  };
}
