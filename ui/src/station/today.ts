/**
 * Today: consultations of the day with their state, "Nouveau patient", patient search.
 * Search results are a list of buttons: Tab or ↓/↑ to move, Enter to open.
 */
import { api, type ApiError, type Consultation, type PatientSummary, type TodayItem } from "../lib/api";
import { debounce, h, replace } from "../lib/dom";
import { formatAge, formatDate, formatTime, t, tn } from "../lib/i18n";
import { consultationRoute, consultationTone, stateLabel } from "./consultation";
import { errorPanel, isGlobalError, pill, screenRoot, title, type Ctx, type Screen } from "./ui";

export function displayName(p: { familyName: string; usedName: string | null; givenNames: string }): string {
  const family = p.usedName && p.usedName !== p.familyName ? `${p.usedName} (${p.familyName})` : p.familyName;
  return `${family.toUpperCase()} ${p.givenNames}`;
}

export function todayScreen(ctx: Ctx): Screen {
  const newPatient = h(
    "button",
    { type: "button", class: "btn btn-primary btn-xl", testid: "new-patient", onclick: () => ctx.go({ name: "patient-form" }) },
    h("span", { class: "plus", "aria-hidden": "true" }, "+"),
    t("today.newPatient"),
  );

  // -- Consultations of the day
  const dayList = h("ul", { class: "list", testid: "today-list" });
  const dayCount = h("p", { class: "muted", "aria-live": "polite" }, t("common.loading"));
  const dayErrors = errorPanel("today-error");

  function renderDay(items: TodayItem[]) {
    dayCount.textContent = items.length ? tn("today.count", items.length) : t("today.empty");
    replace(
      dayList,
      items.map((it) => {
        const c: Consultation = it.consultation;
        return h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: `list-item list-item--${consultationTone(c)}`,
              testid: "today-item",
              "data-consultation-id": c.id,
              "data-state": c.state,
              onclick: () => ctx.go(consultationRoute(c)),
            },
            h("span", { class: "item-time" }, formatTime(c.createdAt)),
            h(
              "span",
              { class: "item-main" },
              h("span", { class: "item-name" }, displayName(it.patient)),
              h("span", { class: "item-sub" }, [formatAge(it.patient.age), c.complaint].filter(Boolean).join(" — ")),
            ),
            pill(stateLabel(c), consultationTone(c)),
          ),
        );
      }),
    );
  }

  // -- Search
  const searchId = "today-search";
  const search = h("input", {
    id: searchId,
    type: "search",
    class: "input input-search",
    testid: "search-input",
    autocomplete: "off",
    spellcheck: "false",
    "data-autofocus": true,
    "aria-describedby": "today-search-hint",
    "aria-controls": "today-results",
  });
  const resultsTitle = h("h3", { class: "subtitle", id: "today-results-title" }, t("today.recent"));
  const resultsInfo = h("p", { class: "muted", "aria-live": "polite" });
  const results = h("ul", { class: "list", id: "today-results", "aria-labelledby": "today-results-title" });
  const searchErrors = errorPanel("search-error");
  let seq = 0;

  function renderResults(query: string, found: PatientSummary[]) {
    resultsTitle.textContent = query ? t("today.results") : t("today.recent");
    resultsInfo.textContent = found.length ? (query ? tn("today.resultCount", found.length) : "") : query ? t("today.noResult") : "";
    replace(
      results,
      found.map((p) =>
        h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: "list-item",
              testid: "search-result",
              "data-patient-id": p.id,
              onclick: () => ctx.go({ name: "patient", id: p.id }),
            },
            h(
              "span",
              { class: "item-main" },
              h("span", { class: "item-name" }, displayName(p)),
              h(
                "span",
                { class: "item-sub" },
                [t("today.bornOn", { date: formatDate(p.birthDate) }), formatAge(p.age), p.commune].filter(Boolean).join(" — "),
              ),
            ),
            p.nirMasked ? h("span", { class: "item-nir" }, p.nirMasked) : null,
          ),
        ),
      ),
    );
  }

  async function runSearch(query: string) {
    const mine = ++seq;
    searchErrors.show(null);
    try {
      const found = await api.searchPatients(query);
      if (mine === seq) renderResults(query, found);
    } catch (e) {
      if (mine === seq && !isGlobalError(e as ApiError)) searchErrors.show(e as ApiError);
    }
  }
  const searchSoon = debounce(runSearch, 250);
  search.addEventListener("input", () => {
    resultsInfo.textContent = t("today.searching");
    searchSoon(search.value.trim());
  });

  // Keyboard: ↓ from the box to the first result, ↑/↓ between results, ↑ from the first back.
  const items = () => Array.from(results.querySelectorAll<HTMLButtonElement>("[data-testid=search-result]"));
  search.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown") {
      searchSoon.flush();
      const first = items()[0];
      if (first) {
        ev.preventDefault();
        first.focus();
      }
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      searchSoon.flush();
      const list = items();
      if (list.length === 1) list[0].click();
      else list[0]?.focus();
    }
  });
  results.addEventListener("keydown", (ev) => {
    const list = items();
    const i = list.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    if (ev.key === "ArrowDown" && i < list.length - 1) {
      ev.preventDefault();
      list[i + 1].focus();
    } else if (ev.key === "ArrowUp") {
      ev.preventDefault();
      (i > 0 ? list[i - 1] : search).focus();
    } else if (ev.key === "Home") {
      ev.preventDefault();
      list[0].focus();
    } else if (ev.key === "End") {
      ev.preventDefault();
      list[list.length - 1].focus();
    }
  });

  const root = screenRoot(
    "today",
    h("div", { class: "screen-head" }, title("today", t("today.title")), h("p", { class: "muted" }, formatDate(new Date()))),
    h("div", { class: "hero" }, newPatient),
    h(
      "div",
      { class: "columns" },
      h(
        "section",
        { class: "card", "aria-labelledby": "today-search-title" },
        h("h2", { class: "section-title", id: "today-search-title" }, t("today.searchTitle")),
        h("div", { class: "field" }, h("label", { for: searchId, class: "field-label" }, t("today.searchLabel")), h("p", { class: "field-hint", id: "today-search-hint" }, t("today.searchHint")), search),
        searchErrors.el,
        resultsTitle,
        resultsInfo,
        results,
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "today-day-title" },
        h("h2", { class: "section-title", id: "today-day-title" }, t("today.consultations")),
        dayCount,
        dayErrors.el,
        dayList,
      ),
    ),
  );

  api
    .today()
    .then(renderDay)
    .catch((e: ApiError) => {
      dayCount.textContent = "";
      if (!isGlobalError(e)) dayErrors.show(e);
    });
  void runSearch("");

  return { name: "today", root, state: "state.today", tone: "ok", dispose: () => searchSoon.cancel() };
}
