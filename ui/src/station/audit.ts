/** Audit trail (site manager): the chain check result and the latest entries. */
import { api, type ApiError, type AuditTrail } from "../lib/api";
import { h, replace } from "../lib/dom";
import { formatDateTime, has, t, tn } from "../lib/i18n";
import { errorPanel, isGlobalError, screenRoot, title, type Screen } from "./ui";

export const AUDIT_LIMIT = 200;

export function auditScreen(): Screen {
  const statusEl = h("p", { class: "audit-status", testid: "audit-status", role: "status" }, t("common.loading"));
  const errors = errorPanel();
  const body = h("tbody");
  const table = h(
    "table",
    { class: "table", hidden: true },
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        (["audit.col.seq", "audit.col.at", "audit.col.actor", "audit.col.action", "audit.col.record", "audit.col.detail"] as const).map((k) =>
          h("th", { scope: "col" }, t(k)),
        ),
      ),
    ),
    body,
  );
  const empty = h("p", { class: "muted", hidden: true }, t("audit.empty"));

  function render(trail: AuditTrail) {
    if (trail.ok) {
      statusEl.className = "audit-status audit-status--ok";
      replace(statusEl, h("strong", null, t("audit.ok")), " ", h("span", null, tn("audit.checked", trail.checked)));
    } else {
      statusEl.className = "audit-status audit-status--broken";
      replace(
        statusEl,
        h("strong", null, trail.firstBroken !== null ? t("audit.broken", { seq: String(trail.firstBroken) }) : t("audit.brokenUnknown")),
        " ",
        h("span", null, t("audit.brokenHelp")),
      );
    }
    replace(
      body,
      trail.entries.map((e) =>
        h(
          "tr",
          { testid: "audit-row", "data-seq": String(e.seq), class: !trail.ok && trail.firstBroken === e.seq ? "row--broken" : null },
          h("td", { class: "num" }, String(e.seq)),
          h("td", null, formatDateTime(e.at)),
          h("td", null, e.actor),
          h("td", null, actionLabel(e.action), h("span", { class: "audit-code" }, e.action)),
          h("td", null, [e.recordType, e.recordId].filter(Boolean).join(" ")),
          h("td", null, e.detail),
        ),
      ),
    );
    table.hidden = trail.entries.length === 0;
    empty.hidden = trail.entries.length !== 0;
  }

  api
    .auditTrail(AUDIT_LIMIT)
    .then(render)
    .catch((e: ApiError) => {
      statusEl.textContent = "";
      if (!isGlobalError(e)) errors.show(e);
    });

  const root = screenRoot("audit", title("audit", t("audit.title")), statusEl, errors.el, h("div", { class: "table-wrap" }, table), empty);
  return { name: "audit", root, state: "state.audit" };
}

/** The action in French, when the catalogue knows it (the stable code is shown beneath). */
function actionLabel(action: string): string {
  const key = `auditAction.${action}`;
  return has(key) ? t(key) : action;
}
