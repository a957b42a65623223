/**
 * THE redirection screen: full screen, red, the number in very large type, the reasons.
 * One way out only: "J'ai orienté le patient" (acknowledge_redirection). Escape does
 * nothing, there is no close cross, and the button does not get the focus by itself
 * (a held Enter key from the intake form must not dismiss it).
 */
import { api, type ApiError, type Consultation, type Redirect } from "../lib/api";
import { h } from "../lib/dom";
import { t } from "../lib/i18n";
import { busy, errorPanel, isGlobalError, screenRoot, title, type Ctx, type Screen } from "./ui";

export function redirectScreen(ctx: Ctx, c: Consultation): Screen {
  // Without an explicit target, the rule of the service applies: urgences or the 15.
  // The 15 always comes first.
  const ORDER: Redirect[] = ["SAMU_15", "URGENCES", "PEDIATRE"];
  const asked = c.assessment.redirect.length ? c.assessment.redirect : (["SAMU_15", "URGENCES"] as Redirect[]);
  const targets = ORDER.filter((r) => asked.includes(r));
  const blocks = targets.map((r) => {
    switch (r) {
      case "SAMU_15":
        return h(
          "div",
          { class: "redirect-block redirect-block--15", testid: "redirect-15" },
          h("p", { class: "redirect-call" }, t("redirect.call15")),
          h("p", { class: "redirect-number", "aria-hidden": "true" }, t("redirect.number15")),
          h("p", { class: "redirect-sub" }, t("redirect.samu")),
        );
      case "URGENCES":
        return h("div", { class: "redirect-block", testid: "redirect-urgences" }, h("p", { class: "redirect-call" }, t("redirect.urgences")));
      case "PEDIATRE":
        return h("div", { class: "redirect-block", testid: "redirect-pediatre" }, h("p", { class: "redirect-call" }, t("redirect.pediatre")));
      default:
        return null;
    }
  });

  const errors = errorPanel();
  const ack = h("button", { type: "button", class: "btn btn-ack", testid: "redirect-ack", "aria-describedby": "redirect-ack-hint" }, t("redirect.ack"));
  ack.addEventListener("click", async () => {
    errors.show(null);
    try {
      await busy(ack, t("common.saving"), () => api.acknowledgeRedirection(c.id));
      ctx.go({ name: "patient", id: c.patientId });
    } catch (e) {
      if (!isGlobalError(e as ApiError)) errors.show(e as ApiError);
    }
  });

  const root = screenRoot(
    "redirect",
    h(
      "div",
      { class: "redirect-inner" },
      title("redirect", t("redirect.kicker"), { class: "redirect-kicker screen-title" }),
      h("div", { class: "redirect-blocks" }, blocks),
      h(
        "section",
        { class: "redirect-reasons", "aria-labelledby": "redirect-reasons-title" },
        h("h2", { id: "redirect-reasons-title" }, t("redirect.reasons")),
        h("ul", null, c.assessment.reasons.map((r) => h("li", { testid: "redirect-reason", "data-code": r.code }, r.message))),
      ),
      errors.el,
      h("div", { class: "redirect-actions" }, ack, h("p", { id: "redirect-ack-hint", class: "redirect-hint" }, t("redirect.ackHint"))),
    ),
  );
  root.setAttribute("role", "alertdialog");
  root.setAttribute("aria-modal", "true");

  // Escape must not close anything while this screen is up.
  const swallowEscape = (ev: KeyboardEvent) => {
    if (ev.key === "Escape" || ev.key === "Esc") {
      ev.preventDefault();
      ev.stopImmediatePropagation();
    }
  };
  document.addEventListener("keydown", swallowEscape, true);

  return {
    name: "redirect",
    root,
    state: "state.redirect",
    tone: "danger",
    fullscreen: true,
    dispose: () => document.removeEventListener("keydown", swallowEscape, true),
  };
}
