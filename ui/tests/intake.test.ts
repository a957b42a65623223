import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
import { invoke } from "@tauri-apps/api/core";
import { intakeScreen } from "../src/station/intake";
import type { Screen } from "../src/station/ui";
import { allByTestId, byTestId, consultation, excluded, fakeCtx, flush, record } from "./helpers";

const invokeMock = vi.mocked(invoke);
let screen: Screen | null = null;
let draft: unknown = null;
let submitResult: unknown = consultation();

beforeEach(() => {
  draft = null;
  submitResult = consultation({ assessment: { outcome: "accepted", reasons: [], redirect: [], priority: ["NO_TREATING_DOCTOR"] } });
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string) => {
    switch (cmd) {
      case "get_patient":
        return record(2);
      case "load_draft":
        return draft;
      case "save_draft":
      case "clear_draft":
        return null;
      case "submit_intake":
        return submitResult;
    }
    throw { code: "UNEXPECTED", message: cmd };
  });
});
afterEach(() => {
  screen?.dispose?.();
  screen = null;
  document.body.innerHTML = "";
});

async function mount() {
  const ctx = fakeCtx();
  screen = intakeScreen(ctx, "p1");
  document.body.appendChild(screen.root);
  await flush();
  await flush();
  return ctx;
}
const submit = () => byTestId<HTMLButtonElement>("intake-submit")!;
const radio = (id: string) => byTestId<HTMLInputElement>(id)!;

describe("intake form", () => {
  it("asks the three questions, none answered in advance", async () => {
    await mount();
    for (const q of ["abdominalPain", "technicalGesture", "emergencySigns"]) {
      expect(radio(`answer-${q}-yes`).type).toBe("radio");
      expect(radio(`answer-${q}-yes`).checked).toBe(false);
      expect(radio(`answer-${q}-no`).checked).toBe(false);
      expect(radio(`answer-${q}-yes`).name).toBe(radio(`answer-${q}-no`).name);
    }
    expect(byTestId<HTMLInputElement>("intake-consent")!.checked).toBe(false);
    for (const p of ["noTreatingDoctor", "mobilityDifficulty", "longDelay", "chronicDisease", "c2s"]) {
      expect(byTestId<HTMLInputElement>(`priority-${p}`)!.checked).toBe(false);
    }
    expect(screen!.root.textContent).toContain("Le patient a-t-il mal au ventre (douleur abdominale) ?");
  });

  it("shows the age computed by the backend", async () => {
    await mount();
    expect(byTestId("intake-age")!.textContent).toContain("2 ans");
  });

  it("keeps submit disabled until the 3 questions are answered and consent ticked", async () => {
    await mount();
    expect(submit().disabled).toBe(true);
    radio("answer-abdominalPain-no").click();
    expect(submit().disabled).toBe(true);
    radio("answer-technicalGesture-no").click();
    expect(submit().disabled).toBe(true);
    byTestId<HTMLInputElement>("intake-consent")!.click();
    expect(submit().disabled).toBe(true);
    expect(byTestId("intake-missing")!.textContent).toContain("question restante");
    radio("answer-emergencySigns-no").click();
    expect(submit().disabled).toBe(false);
    byTestId<HTMLInputElement>("intake-consent")!.click();
    expect(submit().disabled).toBe(true);
  });

  it("does not submit with Enter while incomplete", async () => {
    await mount();
    radio("answer-abdominalPain-no").click();
    screen!.root.querySelector("form")!.dispatchEvent(new Event("submit", { cancelable: true }));
    await flush();
    expect(invokeMock.mock.calls.map((c) => c[0])).not.toContain("submit_intake");
  });

  it("submits the answers and goes to the accepted screen", async () => {
    const ctx = await mount();
    const complaint = byTestId<HTMLTextAreaElement>("intake-complaint")!;
    complaint.value = "Toux depuis 3 jours";
    complaint.dispatchEvent(new Event("input", { bubbles: true }));
    radio("answer-abdominalPain-no").click();
    radio("answer-technicalGesture-no").click();
    radio("answer-emergencySigns-no").click();
    byTestId<HTMLInputElement>("priority-c2s")!.click();
    byTestId<HTMLInputElement>("intake-consent")!.click();
    submit().click();
    await flush();
    await flush();
    const call = invokeMock.mock.calls.find((c) => c[0] === "submit_intake");
    expect(call?.[1]).toEqual({
      args: {
        patientId: "p1",
        complaint: "Toux depuis 3 jours",
        answers: { abdominalPain: false, technicalGesture: false, emergencySigns: false },
        priority: { noTreatingDoctor: false, mobilityDifficulty: false, longDelay: false, chronicDisease: false, c2s: true },
        consent: true,
      },
    });
    expect(ctx.go).toHaveBeenCalledWith({ name: "accepted", consultation: submitResult });
  });

  it("an excluded intake leads to the redirection screen", async () => {
    submitResult = excluded();
    const ctx = await mount();
    radio("answer-abdominalPain-yes").click();
    radio("answer-technicalGesture-no").click();
    radio("answer-emergencySigns-no").click();
    byTestId<HTMLInputElement>("intake-consent")!.click();
    submit().click();
    await flush();
    await flush();
    expect(ctx.go).toHaveBeenCalledWith({ name: "redirect", consultation: submitResult });
  });

  it("shows field errors of an incomplete intake next to the question", async () => {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "get_patient") return record();
      if (cmd === "submit_intake")
        throw { code: "INCOMPLETE_INTAKE", message: "Incomplet.", fields: [{ field: "complaint", code: "REQUIRED", message: "Indiquez le motif." }] };
      return null;
    });
    const ctx = await mount();
    radio("answer-abdominalPain-no").click();
    radio("answer-technicalGesture-no").click();
    radio("answer-emergencySigns-no").click();
    byTestId<HTMLInputElement>("intake-consent")!.click();
    submit().click();
    await flush();
    await flush();
    expect(byTestId("error-complaint")!.hidden).toBe(false);
    expect(byTestId("error-complaint")!.textContent).toBe("Indiquez le motif.");
    expect(ctx.go).not.toHaveBeenCalled();
  });

  it("restores the motif and priorities from a draft, never the safety answers nor the consent", async () => {
    draft = {
      complaint: "Fièvre",
      priority: { longDelay: true },
      answers: { abdominalPain: false, technicalGesture: false, emergencySigns: false },
      consent: true,
    };
    await mount();
    expect(byTestId<HTMLTextAreaElement>("intake-complaint")!.value).toBe("Fièvre");
    expect(byTestId<HTMLInputElement>("priority-longDelay")!.checked).toBe(true);
    expect(allByTestId<HTMLInputElement>("answer-abdominalPain-no")[0].checked).toBe(false);
    expect(byTestId<HTMLInputElement>("intake-consent")!.checked).toBe(false);
    expect(submit().disabled).toBe(true);
  });
});
