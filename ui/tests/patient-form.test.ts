import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
import { invoke } from "@tauri-apps/api/core";
import { emptyValues, keyOfPath, patientFormScreen, toPatient, valuesOfPatient } from "../src/station/patient-form";
import type { Screen } from "../src/station/ui";
import { byTestId, fakeCtx, record } from "./helpers";

const invokeMock = vi.mocked(invoke);

describe("patient form mapping", () => {
  it("maps backend field paths to form fields", () => {
    expect(keyOfPath("nir")).toBe("nir");
    expect(keyOfPath("patient.birthDate")).toBe("birthDate");
    expect(keyOfPath("treatingDoctor.rpps")).toBe("doctorRpps");
    expect(keyOfPath("treatingDoctor.name")).toBe("doctorName");
    expect(keyOfPath("coverage.c2s")).toBe("c2s");
    expect(keyOfPath("nonsense")).toBeNull();
  });

  it("builds the Patient of the contract from typed values", () => {
    const v = {
      ...emptyValues(),
      familyName: " bertin ",
      givenNames: "Lucien  Paul",
      sex: "M",
      birthDate: "24/11/1950",
      nir: "1 50 11 28 085 123 99",
      phone: "06 12 34 56 78",
      commune: "Chartres",
      weightKg: "72,5",
      c2s: true,
    };
    const { patient, local, placeholders } = toPatient(v);
    expect(local).toEqual({});
    expect(placeholders).toEqual([]);
    expect(patient).toEqual({
      familyName: "bertin",
      usedName: null,
      givenNames: "Lucien Paul",
      sex: "M",
      birthDate: "1950-11-24",
      birthPlaceCode: null,
      nir: "150112808512399",
      phone: "06 12 34 56 78",
      address: null,
      postalCode: null,
      commune: "Chartres",
      treatingDoctor: null,
      coverage: { ald: false, c2s: true, ame: false },
      weightKg: 72.5,
    });
  });

  it("flags what cannot be sent and uses placeholders for live validation only", () => {
    const { local, placeholders, patient } = toPatient({ ...emptyValues(), birthDate: "31/02/1950", weightKg: "7a" });
    expect(Object.keys(local).sort()).toEqual(["birthDate", "sex", "weightKg"]);
    expect(placeholders.sort()).toEqual(["birthDate", "sex"]);
    expect(patient.weightKg).toBeNull();
  });

  it("round-trips a stored patient", () => {
    const p = record().patient;
    expect(toPatient(valuesOfPatient(p)).patient).toEqual(p);
  });
});

describe("patient form screen", () => {
  let screen: Screen | null = null;
  beforeEach(() => {
    vi.useFakeTimers();
    invokeMock.mockReset();
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "validate_patient") return [{ field: "nir", code: "NIR_KEY", message: "La clé ne correspond pas." }];
      if (cmd === "load_draft") return { patientId: null, values: { familyName: "DRAFTED" } };
      return null;
    });
  });
  afterEach(() => {
    screen?.dispose?.();
    screen = null;
    document.body.innerHTML = "";
    vi.useRealTimers();
  });

  it("restores the draft, groups the NIR as typed and shows its error after a debounce", async () => {
    screen = patientFormScreen(fakeCtx());
    document.body.appendChild(screen.root);
    await vi.advanceTimersByTimeAsync(0);
    expect(byTestId<HTMLInputElement>("patient-familyName")!.value).toBe("DRAFTED");
    expect(byTestId("draft-notice")!.hidden).toBe(false);

    const sex = byTestId<HTMLSelectElement>("patient-sex")!;
    sex.value = "M";
    sex.dispatchEvent(new Event("change", { bubbles: true }));
    const date = byTestId<HTMLInputElement>("patient-birthDate")!;
    date.value = "24111950";
    date.dispatchEvent(new Event("input", { bubbles: true }));
    expect(date.value).toBe("24/11/1950");

    const nir = byTestId<HTMLInputElement>("patient-nir")!;
    nir.value = "150112808512399";
    nir.dispatchEvent(new Event("input", { bubbles: true }));
    expect(nir.value).toBe("1 50 11 28 085 123 99");
    expect(byTestId("error-nir")!.hidden).toBe(true);

    invokeMock.mockClear();
    await vi.advanceTimersByTimeAsync(260);
    const calls = invokeMock.mock.calls.filter((c) => c[0] === "validate_patient");
    expect(calls.length).toBe(1);
    expect((calls[0][1] as { args: { patient: { nir: string; birthDate: string } } }).args.patient).toMatchObject({
      nir: "150112808512399",
      birthDate: "1950-11-24",
    });
    expect(byTestId("error-nir")!.hidden).toBe(false);
    expect(byTestId("error-nir")!.textContent).toBe("La clé ne correspond pas.");

    await vi.advanceTimersByTimeAsync(700);
    expect(invokeMock.mock.calls.some((c) => c[0] === "save_draft")).toBe(true);
  });
});
