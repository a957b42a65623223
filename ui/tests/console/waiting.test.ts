import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { POLL_MS, waitingItem, waitingScreen } from "../../src/console/waiting";
import type { Screen } from "../../src/console/ui";
import { t } from "../../src/lib/i18n";
import { allByTestId, byTestId, consultation, json, mockHub, settle } from "./helpers";

const NOW = Date.parse("2026-11-24T10:00:00Z");
const account = { id: "gp1", email: "c@x.fr", name: "Dr C", role: "gp" as const };
let screen: Screen | null = null;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  screen?.dispose?.();
  screen = null;
  document.body.innerHTML = "";
  vi.useRealTimers();
});

function mount(route: Parameters<typeof mockHub>[0], extra: Partial<Parameters<typeof waitingScreen>[0]> = {}) {
  const { hub, fetchMock } = mockHub(route);
  const onAccepted = vi.fn();
  const onSignedOut = vi.fn();
  screen = waitingScreen({ hub, account, now: () => Date.now(), onAccepted, onSignedOut, ...extra });
  document.body.appendChild(screen.root);
  return { fetchMock, onAccepted, onSignedOut };
}

const list = [
  consultation({
    id: "c-prio",
    requestedAt: "2026-11-24T09:48:00Z",
    assessment: { outcome: "accepted", reasons: [], redirect: [], priority: ["NO_TREATING_DOCTOR", "AGE_70_PLUS"] },
  }),
  consultation({
    id: "c-old",
    requestedAt: "2026-11-24T08:55:00Z",
    patient: { familyName: "Lefèvre", givenNames: "Jeanne", sex: "F", birthDate: "1990-01-01" },
    ageYears: 36,
    complaint: "Éruption cutanée",
  }),
];

describe("waiting item", () => {
  it("shows name, age, sex, complaint, station, time waited and priority reasons", () => {
    const li = waitingItem(list[0], NOW, () => undefined);
    expect(li.dataset.consultationId).toBe("c-prio");
    expect(byTestId("patient-name", li)!.textContent).toBe("DURAND Paul");
    expect(byTestId("patient-age", li)!.textContent).toBe("82 ans, Masculin");
    expect(byTestId("complaint", li)!.textContent).toContain("Toux depuis trois jours");
    expect(byTestId("station-name", li)!.textContent).toBe("Lieu : Pharmacie du Centre");
    expect(byTestId("waited", li)!.textContent).toBe("Attend depuis 12 min");
    expect(byTestId("priority-badge", li)!.textContent).toBe(t("console.waiting.priority"));
    expect(Array.from(byTestId("priority-reasons", li)!.children).map((e) => e.textContent)).toEqual([
      t("priority.noTreatingDoctor"),
      t("priority.age70Plus"),
    ]);
    expect(byTestId("accept", li)!.getAttribute("aria-label")).toBe(t("console.waiting.acceptLabel", { name: "DURAND Paul" }));
  });

  it("has no priority badge without priority, and writes hours", () => {
    const li = waitingItem(list[1], NOW, () => undefined);
    expect(byTestId("priority-badge", li)).toBeNull();
    expect(byTestId("waited", li)!.textContent).toBe("Attend depuis 1 h 05");
    expect(byTestId("patient-age", li)!.textContent).toBe("36 ans, Féminin");
  });
});

describe("waiting list", () => {
  it("keeps the hub's order and polls every 3 s", async () => {
    const { fetchMock } = mount(() => json(200, list));
    await settle(10);
    expect(allByTestId("waiting-item").map((e) => e.dataset.consultationId)).toEqual(["c-prio", "c-old"]);
    expect(byTestId("waiting-empty")!.hidden).toBe(true);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it("shows the empty state", async () => {
    mount(() => json(200, []));
    await settle(10);
    expect(byTestId("waiting-empty")!.hidden).toBe(false);
    expect(allByTestId("waiting-item")).toHaveLength(0);
  });

  it("pauses while the page is hidden and refreshes when it is back", async () => {
    let hidden = false;
    const doc = document;
    Object.defineProperty(doc, "hidden", { configurable: true, get: () => hidden });
    const { fetchMock } = mount(() => json(200, list));
    await settle(10);
    hidden = true;
    doc.dispatchEvent(new Event("visibilitychange"));
    await vi.advanceTimersByTimeAsync(POLL_MS * 5);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    hidden = false;
    doc.dispatchEvent(new Event("visibilitychange"));
    await settle(10);
    expect(fetchMock).toHaveBeenCalledTimes(2);
    delete (doc as unknown as Record<string, unknown>).hidden;
  });

  it("keeps the focus on the same button across refreshes", async () => {
    mount(() => json(200, list));
    await settle(10);
    const button = byTestId<HTMLButtonElement>("accept", allByTestId("waiting-item")[1])!;
    button.focus();
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(document.activeElement).toBe(button);
  });

  it("accepts: POST accept, then the call", async () => {
    const ticket = { consultationId: "c-old", roomId: "r", joinToken: "j", iceServers: [], relayOnly: false };
    const { fetchMock, onAccepted } = mount((path, init) => (path.endsWith("/accept") && init?.method === "POST" ? json(200, ticket) : json(200, list)));
    await settle(10);
    byTestId<HTMLButtonElement>("accept", allByTestId("waiting-item")[1])!.click();
    await settle(10);
    expect(fetchMock.mock.calls.some((c) => c[0] === "/api/consultations/c-old/accept")).toBe(true);
    expect(onAccepted).toHaveBeenCalledWith(ticket, list[1]);
  });

  it("another GP was first: French message and the list refreshed", async () => {
    let current = list;
    const { onAccepted } = mount((path) => {
      if (path.endsWith("/accept")) {
        current = [list[1]];
        return json(409, { code: "ALREADY_ACCEPTED", message: "Consultation déjà acceptée." });
      }
      return json(200, current);
    });
    await settle(10);
    byTestId<HTMLButtonElement>("accept")!.click();
    await settle(20);
    expect(onAccepted).not.toHaveBeenCalled();
    expect(byTestId("waiting-error")!.textContent).toBe(t("console.error.ALREADY_ACCEPTED"));
    expect(allByTestId("waiting-item").map((e) => e.dataset.consultationId)).toEqual(["c-old"]);
  });

  it("a lost session goes back to sign-in", async () => {
    const { onSignedOut } = mount(() => json(401, { code: "SESSION_EXPIRED", message: "" }));
    await settle(10);
    expect(onSignedOut).toHaveBeenCalledWith(t("console.error.SESSION_EXPIRED"));
  });

  it("keeps the list and says so when the hub does not answer", async () => {
    let fail = false;
    mount(() => {
      if (fail) throw new TypeError("offline");
      return json(200, list);
    });
    await settle(10);
    fail = true;
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(byTestId("waiting-offline")!.hidden).toBe(false);
    expect(allByTestId("waiting-item")).toHaveLength(2);
  });
});
