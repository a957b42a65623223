import { vi } from "vitest";
import { Hub } from "../../src/console/hub";
import type { WaitingConsultation } from "../../src/console/protocol";

export const byTestId = <T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document) =>
  root.querySelector<T>(`[data-testid="${id}"]`);
export const allByTestId = <T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document) =>
  Array.from(root.querySelectorAll<T>(`[data-testid="${id}"]`));

/** Let pending promise callbacks run (works with fake timers too). */
export async function settle(rounds = 5) {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

export function json(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

export type Route = (path: string, init: RequestInit | undefined) => Response | Promise<Response>;

/** A hub whose fetch is a mock answering through `route`. */
export function mockHub(route: Route) {
  const fetchMock = vi.fn(async (path: string, init?: RequestInit) => route(path, init));
  return { hub: new Hub("", fetchMock), fetchMock };
}

export function consultation(over: Partial<WaitingConsultation> = {}): WaitingConsultation {
  return {
    id: "c1",
    stationName: "Pharmacie du Centre",
    requestedAt: "2026-11-24T09:30:00Z",
    patient: { familyName: "Durand", givenNames: "Paul", sex: "M", birthDate: "1944-03-02" },
    ageYears: 82,
    complaint: "Toux depuis trois jours",
    assessment: { outcome: "accepted", reasons: [], redirect: [], priority: [] },
    status: "waiting",
    ...over,
  };
}

export function type(el: HTMLInputElement, value: string) {
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
}
