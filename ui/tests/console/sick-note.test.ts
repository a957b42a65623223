import { afterEach, describe, expect, it, vi } from "vitest";
import { DocumentsWorkspace, type SignedDocument } from "../../src/console/documents";
import {
  SickNoteEditor,
  addDays,
  emptySickNote,
  endDate,
  localIsoDate,
  longDate,
  parseDays,
  periodText,
  sickNoteContent,
  sickNoteDraftFrom,
  treatingRecorded,
  validateSickNote,
  type SickNoteDraft,
} from "../../src/console/sick-note-editor";
import { sickNotePeriod, sickNoteView } from "../../src/station/documents";
import { t } from "../../src/lib/i18n";
import { byTestId, consultation, json, mockHub, settle, type } from "./helpers";

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

const draft = (over: Partial<SickNoteDraft> = {}): SickNoteDraft => ({
  ...emptySickNote(new Date(2026, 10, 26, 10, 12)),
  days: "3",
  reason: "Syndrome grippal",
  ...over,
});

describe("sick note dates", () => {
  it("starts today (local date) by default", () => {
    expect(localIsoDate(new Date(2026, 10, 26, 23, 59))).toBe("2026-11-26");
    expect(emptySickNote(new Date(2026, 0, 5, 0, 1)).startDate).toBe("05/01/2026");
  });

  it("ends on start + days − 1, across months, years and leap days", () => {
    expect(endDate("2026-11-26", 3)).toBe("2026-11-28");
    expect(endDate("2026-11-26", 1)).toBe("2026-11-26");
    expect(endDate("2026-12-30", 4)).toBe("2027-01-02");
    expect(endDate("2028-02-28", 2)).toBe("2028-02-29");
    expect(endDate("2026-11-26", 0)).toBeNull();
    expect(endDate(null, 3)).toBeNull();
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30"); // over the change to summer time
  });

  it("reads the days as a whole number only", () => {
    expect(parseDays(" 3 ")).toBe(3);
    expect(parseDays("0")).toBe(0);
    expect(parseDays("2,5")).toBeNull();
    expect(parseDays("trois")).toBeNull();
    expect(parseDays("")).toBeNull();
  });

  it("writes the period in words, with the weekday", () => {
    expect(longDate("2026-11-28")).toBe("samedi 28 novembre");
    expect(longDate("2027-01-02", true)).toBe("samedi 2 janvier 2027");
    const p = periodText("26/11/2026", "3")!;
    expect(p).toContain("Jusqu’au samedi 28 novembre inclus");
    expect(p).toContain("3 jours");
    expect(p).toContain("jeudi 26 novembre");
    expect(periodText("30/12/2026", "4")).toContain("samedi 2 janvier 2027");
    expect(periodText("26/11/2026", "1")).toBe(t("console.docs.sn.periodOne", { start: "jeudi 26 novembre" }));
    expect(periodText("31/02/2026", "3")).toBeNull();
    expect(periodText("26/11/2026", "")).toBeNull();
    expect(periodText("26/11/2026", "0")).toBeNull();
  });
});

describe("sick note checks and content", () => {
  it("checks form only: the 3-day rule is left to the hub", () => {
    const fields = (d: SickNoteDraft) => validateSickNote(d).map((p) => p.field);
    expect(fields(draft())).toEqual([]);
    // 30 days without being the médecin traitant: the hub decides, not the editor.
    expect(fields(draft({ days: "30" }))).toEqual([]);
    expect(fields(draft({ days: "" }))).toEqual(["days"]);
    expect(fields(draft({ days: "3 j" }))).toEqual(["days"]);
    expect(fields(draft({ startDate: "31/02/2026" }))).toEqual(["startDate"]);
    expect(fields(draft({ reason: "  " }))).toEqual(["reason"]);
    expect(fields(draft({ exits: "allowedAnyTime" }))).toEqual(["exitsJustification"]);
    expect(fields(draft({ exits: "allowedAnyTime", exitsJustification: "Soins quotidiens" }))).toEqual([]);
  });

  it("sends only the GP's fields, in the core's JSON shape", () => {
    expect(sickNoteContent(draft({ reason: " Syndrome grippal ", notes: " ", exitsJustification: "oublié" }))).toEqual({
      kind: "initial",
      startDate: "2026-11-26",
      days: 3,
      declaredTreatingGp: false,
      reason: "Syndrome grippal",
      exits: "allowed",
      exitsJustification: null,
      notes: "",
    });
    const c = sickNoteContent(draft({ kind: "prolongation", days: "10", declaredTreatingGp: true, exits: "allowedAnyTime", exitsJustification: " Kinésithérapie " }));
    expect(c).toMatchObject({ kind: "prolongation", days: 10, declaredTreatingGp: true, exits: "allowedAnyTime", exitsJustification: "Kinésithérapie" });
  });

  it("reads a signed sick note back into a draft (for a correction)", () => {
    const d = sickNoteDraftFrom({ kind: "prolongation", startDate: "2026-11-27", days: 2, byTreatingGp: true, reason: "Lombalgie", exits: "notAllowed", exitsJustification: null, notes: "x" });
    expect(d).toEqual({ kind: "prolongation", startDate: "27/11/2026", days: "2", declaredTreatingGp: true, reason: "Lombalgie", exits: "notAllowed", exitsJustification: "", notes: "x" });
    expect(sickNoteContent(d).startDate).toBe("2026-11-27");
  });
});

describe("sick note editor", () => {
  it("shows the end date as the days are typed, the justification only for free exits", () => {
    const editor = new SickNoteEditor({ draft: draft({ days: "" }) });
    document.body.append(editor.root);
    expect(byTestId("sn-period")!.hidden).toBe(true);
    type(byTestId<HTMLInputElement>("sn-days")!, "3");
    expect(byTestId("sn-period")!.textContent).toContain("Jusqu’au samedi 28 novembre inclus");
    const just = byTestId<HTMLInputElement>("sn-justification")!;
    expect(just.closest<HTMLElement>(".field")!.hidden).toBe(true);
    const anyTime = byTestId<HTMLInputElement>("sn-exits-allowedAnyTime")!;
    anyTime.click();
    expect(just.closest<HTMLElement>(".field")!.hidden).toBe(false);
    expect(document.activeElement).toBe(just);
    expect(editor.check()).toBe(false);
    expect(just.getAttribute("aria-invalid")).toBe("true");
    byTestId<HTMLInputElement>("sn-exits-allowed")!.click();
    expect(editor.check()).toBe(true);
    byTestId<HTMLInputElement>("sn-treating")!.click();
    expect(editor.content()).toMatchObject({ days: 3, declaredTreatingGp: true, exits: "allowed" });
  });

  it("says what the station recorded about the médecin traitant", () => {
    expect(treatingRecorded(null)).toBe(t("console.docs.sn.treatingNone"));
    expect(treatingRecorded({ name: "Dr Paul Lefèvre", rpps: "10101234567" })).toContain("RPPS 10101234567");
    expect(treatingRecorded({ name: "Dr Paul Lefèvre", rpps: null })).toBe(t("console.docs.sn.treatingRecordedNoRpps", { name: "Dr Paul Lefèvre" }));
    const editor = new SickNoteEditor({ draft: draft(), treatingDoctor: { name: "Dr Paul Lefèvre", rpps: "10101234567" } });
    document.body.append(editor.root);
    expect(byTestId("sn-treating-recorded")!.textContent).toContain("Dr Paul Lefèvre");
  });

  it("masks the start date as JJ/MM/AAAA", () => {
    const editor = new SickNoteEditor({ draft: draft() });
    document.body.append(editor.root);
    const start = byTestId<HTMLInputElement>("sn-start")!;
    type(start, "27112026");
    expect(start.value).toBe("27/11/2026");
    expect(editor.content().startDate).toBe("2026-11-27");
  });

  it("shows the hub's refusal on the field it names, or above the form", () => {
    const editor = new SickNoteEditor({ draft: draft({ days: "4" }) });
    document.body.append(editor.root);
    const message = "En téléconsultation, un arrêt de travail est limité à 3 jours, sauf s'il est prescrit par le médecin traitant.";
    editor.showHubProblem("days", message);
    const days = byTestId<HTMLInputElement>("sn-days")!;
    expect(days.getAttribute("aria-invalid")).toBe("true");
    expect(days.closest(".field")!.querySelector("[data-testid=field-error]")!.textContent).toBe(message);
    expect(document.activeElement).toBe(days);
    editor.showHubProblem("declaredTreatingGp", "contredit");
    expect(days.getAttribute("aria-invalid")).toBeNull();
    expect(byTestId<HTMLInputElement>("sn-treating")!.getAttribute("aria-invalid")).toBe("true");
    editor.showHubProblem("patient.birthDate", "Date de naissance manquante");
    expect(byTestId("sn-error")!.textContent).toBe("Date de naissance manquante");
    expect(byTestId("sn-error")!.hidden).toBe(false);
  });
});

const panel = () => byTestId("tabpanel-sickNote")!;

function signedNote(over: Partial<SignedDocument> = {}): SignedDocument {
  return {
    id: "sn-1",
    consultationId: "c1",
    kind: "sickNote",
    version: 1,
    supersedes: null,
    content: { id: "sn-1", kind: "initial", startDate: "2026-11-26", days: 3, byTreatingGp: false, reason: "Syndrome grippal", exits: "allowed", exitsJustification: null, notes: "" },
    signedAt: "2026-11-26T10:42:00Z",
    signedBy: { name: "Dr Claire Martin", rpps: "10100345676" },
    sha256: "2f07be9e10fc3d15a50f2fbcd6404d19d5232430640520f1d351445fa0829aad",
    ...over,
  };
}

describe("sick note in the documents workspace", () => {
  it("third tab: the hub's refusal lands on the days, then signing works and versions are listed", async () => {
    // The note starts "today": a fixed Thursday, whatever day the suite runs.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(2026, 10, 26, 10, 0));
    const bodies: Record<string, unknown>[] = [];
    let signedCount = 0;
    const { hub } = mockHub((_path, init) => {
      if (init?.method !== "POST") return json(200, []);
      const body = JSON.parse(String(init.body)) as Record<string, unknown>;
      bodies.push(body);
      const content = body.content as Record<string, unknown>;
      if ((content.days as number) > 3 && content.declaredTreatingGp !== true) {
        return json(422, { code: "DOCUMENT_INVALID", message: "En téléconsultation, un arrêt de travail est limité à 3 jours.", field: "days", reason: "SICK_NOTE_TOO_LONG" });
      }
      const v = ++signedCount;
      return json(201, signedNote({ id: `sn-${v}`, version: v, supersedes: (body.supersedes as string) ?? null, content: { ...content, id: `sn-${v}`, byTreatingGp: false } }));
    });
    const sent: unknown[] = [];
    const ws = new DocumentsWorkspace({ hub, consultation: consultation({ ageYears: 40 }), send: (m) => (sent.push(m), true) });
    const side = document.createElement("aside");
    document.body.append(side);
    ws.mount(side, side);
    await settle();
    const tab = byTestId<HTMLButtonElement>("tab-sickNote")!;
    expect(tab.textContent).toContain(t("console.docs.tab.sickNote"));
    tab.click();
    expect(byTestId("tabpanel-sickNote")!.hidden).toBe(false);
    // Keyboard: End goes to the last tab, Home back to the call.
    byTestId("tab-report")!.dispatchEvent(new KeyboardEvent("keydown", { key: "End", bubbles: true }));
    expect(document.activeElement).toBe(tab);

    type(byTestId<HTMLInputElement>("sn-days")!, "4");
    const reason = byTestId<HTMLTextAreaElement>("sn-reason")!;
    reason.value = "Syndrome grippal";
    reason.dispatchEvent(new Event("input"));
    byTestId<HTMLButtonElement>("doc-sign", panel())!.click();
    expect(document.querySelector("#sign-title")!.textContent).toBe(t("console.docs.sign.titleSickNote"));
    byTestId<HTMLInputElement>("sign-totp")!.value = "123456";
    byTestId<HTMLButtonElement>("sign-submit")!.click();
    await settle(10);
    expect(byTestId("sign-dialog")).toBeNull();
    const days = byTestId<HTMLInputElement>("sn-days")!;
    expect(days.getAttribute("aria-invalid")).toBe("true");
    expect(days.closest(".field")!.querySelector("[data-testid=field-error]")!.textContent).toContain("limité à 3 jours");
    expect(sent).toEqual([]);
    expect(bodies[0]).toMatchObject({ kind: "sickNote", content: { days: 4, declaredTreatingGp: false } });

    type(days, "3");
    byTestId<HTMLButtonElement>("doc-sign", panel())!.click();
    byTestId<HTMLInputElement>("sign-totp")!.value = "234567";
    byTestId<HTMLButtonElement>("sign-submit")!.click();
    await settle(10);
    expect(byTestId("sign-status")!.textContent).toContain(t("console.docs.sign.doneSickNote", { version: 1, hash: "2f07 be9e 10fc" }));
    byTestId<HTMLButtonElement>("sign-submit")!.click();
    expect(sent).toHaveLength(1);
    expect(byTestId("sn-view")!.textContent).toContain("Jusqu’au samedi 28 novembre inclus");
    expect(byTestId("tab-sickNote-badge")!.textContent).toBe(t("console.docs.tab.signedV", { version: 1 }));

    // A correction is a new version; both versions are listed.
    byTestId<HTMLButtonElement>("doc-correct", panel())!.click();
    expect(byTestId<HTMLInputElement>("sn-days")!.value).toBe("3");
    type(byTestId<HTMLInputElement>("sn-days")!, "2");
    byTestId<HTMLButtonElement>("doc-sign", panel())!.click();
    byTestId<HTMLInputElement>("sign-totp")!.value = "345678";
    byTestId<HTMLButtonElement>("sign-submit")!.click();
    await settle(10);
    byTestId<HTMLButtonElement>("sign-submit")!.click();
    expect(bodies[2].supersedes).toBe("sn-1");
    expect(byTestId("doc-meta", panel())!.dataset.version).toBe("2");
    expect(Array.from(document.querySelectorAll<HTMLElement>("[data-testid=doc-version]")).map((e) => e.dataset.version)).toEqual(["1", "2"]);
  });
});

describe("sick note at the station", () => {
  it("shows the dates, the kind, the exits and the reason as the caisse's", () => {
    expect(sickNotePeriod("2026-11-26", 3)).toBe(t("documents.sn.periodText", { start: "26/11/2026", end: "28/11/2026", count: "3 jours" }));
    expect(sickNotePeriod("2026-11-26", null)).toBe("");
    const view = sickNoteView({
      id: "an-1",
      prescriber: { name: "Dr Claire Martin", rpps: "10100345676" },
      patient: { familyName: "DURAND", givenNames: "Paul", birthDate: "1950-03-14" },
      kind: "initial",
      startDate: "2026-11-26",
      days: 3,
      byTreatingGp: false,
      reason: "Syndrome grippal",
      exits: "allowedAnyTime",
      exitsJustification: "Soins infirmiers",
    });
    document.body.append(view);
    expect(byTestId("doc-sn-period")!.textContent).toContain("28/11/2026");
    expect(byTestId("doc-sn-kind")!.textContent).toBe(t("console.docs.sn.kind.initial"));
    expect(byTestId("doc-sn-exits")!.textContent).toBe(t("console.docs.sn.exits.allowedAnyTime"));
    expect(byTestId("doc-sn-reason")!.textContent).toContain("Syndrome grippal");
    expect(byTestId("doc-sn-treating")!.textContent).toBe(t("documents.sn.notTreating"));
  });
});
