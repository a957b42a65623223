/**
 * The waiting list: `GET /api/consultations/waiting` every 3 s while the page is visible,
 * in the hub's order (priority first, then oldest). "Accepter" asks the hub for the room
 * ticket; when another GP was first (409 `ALREADY_ACCEPTED`) the list is refreshed and a
 * message says so.
 *
 * The list is updated in place: while the same consultations are listed, only the waiting
 * times change, so the keyboard focus stays on the button it was on.
 */
import { h, replace } from "../lib/dom";
import { formatAge, formatTime, t } from "../lib/i18n";
import { Code, errorMessage, isHubError, isSignedOut, type Hub } from "./hub";
import { formatWaited, priorityLabel } from "./format";
import type { Account, RoomTicket, WaitingConsultation } from "./protocol";
import { alertPanel, screenRoot, type Screen } from "./ui";

export const POLL_MS = 3000;

export interface WaitingOptions {
  hub: Hub;
  account: Account;
  now?: () => number;
  /** The document whose visibility pauses the polling. */
  doc?: Document;
  onAccepted(ticket: RoomTicket, consultation: WaitingConsultation): void;
  onSignedOut(message: string): void;
}

export function patientName(c: WaitingConsultation): string {
  return `${c.patient.familyName.toLocaleUpperCase("fr-FR")} ${c.patient.givenNames}`.trim();
}

/** One consultation of the list. */
export function waitingItem(c: WaitingConsultation, now: number, onAccept: (c: WaitingConsultation, button: HTMLButtonElement) => void): HTMLLIElement {
  const priority = c.assessment?.priority ?? [];
  const name = patientName(c);
  const nameId = `wi-${c.id}-name`;
  const accept = h(
    "button",
    { type: "button", class: "btn btn-primary btn-lg", testid: "accept", "aria-label": t("console.waiting.acceptLabel", { name }) },
    t("console.waiting.accept"),
  );
  accept.addEventListener("click", () => onAccept(c, accept));
  return h(
    "li",
    {
      class: `waiting-item${priority.length > 0 ? " waiting-item--priority" : ""}`,
      testid: "waiting-item",
      "data-consultation-id": c.id,
      "aria-labelledby": nameId,
    },
    h(
      "div",
      { class: "wi-main" },
      h(
        "p",
        { class: "wi-head" },
        h("span", { id: nameId, class: "wi-name", testid: "patient-name" }, name),
        h("span", { class: "wi-age", testid: "patient-age" }, t("console.waiting.ageSex", { age: formatAge(c.ageYears), sex: t(`sex.${c.patient.sex}`) })),
        priority.length > 0 ? h("span", { class: "pill pill--attention", testid: "priority-badge" }, t("console.waiting.priority")) : null,
      ),
      h("p", { class: "wi-complaint", testid: "complaint" }, h("span", { class: "visually-hidden" }, `${t("console.waiting.complaint")} : `), c.complaint),
      priority.length > 0
        ? h(
            "ul",
            { class: "tags", testid: "priority-reasons", "aria-label": t("console.waiting.priorityReasons") },
            priority.map((code) => h("li", { class: "tag tag--attention", "data-code": code }, priorityLabel(code))),
          )
        : null,
      h(
        "p",
        { class: "wi-meta" },
        h("span", { testid: "station-name" }, t("console.waiting.station", { name: c.stationName })),
        " · ",
        h("span", null, t("console.waiting.requestedAt", { time: formatTime(c.requestedAt) })),
      ),
    ),
    h(
      "div",
      { class: "wi-side" },
      h("p", { class: "wi-waited", testid: "waited" }, waitedText(c, now)),
      accept,
    ),
  );
}

function waitedText(c: WaitingConsultation, now: number): string {
  const at = Date.parse(c.requestedAt);
  return t("console.waiting.waited", { duration: formatWaited(Number.isNaN(at) ? 0 : now - at) });
}

export function waitingScreen(o: WaitingOptions): Screen {
  const now = o.now ?? (() => Date.now());
  const doc = o.doc ?? document;
  const list = h("ul", { class: "waiting-list", testid: "waiting-list", "aria-labelledby": "waiting-title" });
  const empty = h("p", { class: "empty card", testid: "waiting-empty", hidden: true }, t("console.waiting.empty"));
  const refreshed = h("p", { class: "muted small", testid: "waiting-refreshed" });
  const offline = alertPanel("waiting-offline", "attention");
  const error = alertPanel("waiting-error");
  let items: WaitingConsultation[] = [];
  let signature = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  let inFlight = false;
  let accepting = false;

  function render(next: WaitingConsultation[]) {
    const sig = JSON.stringify(next);
    items = next;
    if (sig === signature) {
      for (const li of Array.from(list.children)) {
        const c = items.find((i) => i.id === (li as HTMLElement).dataset.consultationId);
        const w = li.querySelector('[data-testid="waited"]');
        if (c && w) w.textContent = waitedText(c, now());
      }
    } else {
      signature = sig;
      const focusedId = (doc.activeElement?.closest("[data-consultation-id]") as HTMLElement | null)?.dataset.consultationId;
      replace(list, items.map((c) => waitingItem(c, now(), accept)));
      if (focusedId) {
        const li = Array.from(list.children).find((el) => (el as HTMLElement).dataset.consultationId === focusedId);
        li?.querySelector<HTMLButtonElement>('[data-testid="accept"]')?.focus();
      }
    }
    empty.hidden = items.length > 0;
    refreshed.textContent = t("console.waiting.refreshed", { time: formatTime(new Date(now())) });
  }

  async function refresh(): Promise<void> {
    if (disposed || inFlight) return;
    inFlight = true;
    try {
      const next = await o.hub.waiting();
      if (disposed) return;
      offline.show(null);
      render(Array.isArray(next) ? next : []);
    } catch (e) {
      if (disposed) return;
      if (isSignedOut(e)) {
        o.onSignedOut(errorMessage(e));
        return;
      }
      offline.show(t("console.waiting.offline"), isHubError(e) ? e.code : undefined);
    } finally {
      inFlight = false;
    }
  }

  function schedule() {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (disposed || doc.hidden) return;
    timer = setTimeout(async () => {
      timer = undefined;
      await refresh();
      schedule();
    }, POLL_MS);
  }

  function onVisibility() {
    if (doc.hidden) {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    } else {
      void refresh().then(schedule);
    }
  }

  async function accept(c: WaitingConsultation, button: HTMLButtonElement) {
    if (accepting) return;
    accepting = true;
    error.show(null);
    const label = button.textContent ?? "";
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    button.textContent = t("console.waiting.accepting");
    try {
      const ticket = await o.hub.accept(c.id);
      if (disposed) return;
      o.onAccepted(ticket, c);
    } catch (e) {
      if (disposed) return;
      if (isSignedOut(e)) {
        o.onSignedOut(errorMessage(e));
        return;
      }
      error.show(errorMessage(e), isHubError(e) ? e.code : undefined);
      if (isHubError(e) && (e.code === Code.AlreadyAccepted || e.code === Code.NotFound || e.status === 409 || e.status === 404)) {
        await refresh();
        list.querySelector<HTMLButtonElement>('[data-testid="accept"]')?.focus();
      }
    } finally {
      accepting = false;
      if (button.isConnected) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        button.textContent = label;
      }
    }
  }

  doc.addEventListener("visibilitychange", onVisibility);
  void refresh().then(schedule);

  const root = screenRoot(
    "waiting",
    h(
      "div",
      { class: "screen-head" },
      h("h1", { id: "waiting-title", class: "screen-title", tabindex: "-1" }, t("console.waiting.title")),
      refreshed,
    ),
    error.el,
    offline.el,
    empty,
    list,
  );
  return {
    name: "waiting",
    root,
    state: "console.state.waiting",
    tone: "ok",
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
      doc.removeEventListener("visibilitychange", onVisibility);
    },
  };
}
