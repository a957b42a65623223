import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn(), Channel: class {} }));
const handlers: ((ev: { payload: unknown }) => void)[] = [];
vi.mock("@tauri-apps/api/event", () => ({
  listen: vi.fn(async (_name: string, cb: (ev: { payload: unknown }) => void) => {
    handlers.push(cb);
    return () => undefined;
  }),
}));
import { invoke } from "@tauri-apps/api/core";
import {
  deviceStateText,
  formatReadingValue,
  parseReading,
  readingsPanel,
  sourceLabel,
  sparklinePaths,
  type DevicesView,
  type RecordedReading,
} from "../src/station/readings";
import { allByTestId, byTestId, flush } from "./helpers";

const invokeMock = vi.mocked(invoke);

function recorded(over: Partial<RecordedReading> = {}): RecordedReading {
  return {
    id: "r1",
    patientId: "p1",
    consultationId: "c1",
    reading: { kind: "temperature", celsius: 37.8 },
    kind: "temperature",
    unit: "°C",
    display: "37,8 °C",
    takenAt: "2026-11-26T10:42:00+01:00",
    source: "manual",
    takenBy: "u1",
    confirmedUnusual: false,
    pushed: true,
    ...over,
  };
}

const devices: DevicesView = {
  available: true,
  paired: [{ id: "AA:01", name: "Tensiomètre UA-651", kind: "bloodPressure", state: "connected", lastError: null }],
  candidates: [{ id: "BB:02", name: "Oxymètre", services: [0x1822] }],
};

type Handler = (args: Record<string, unknown> | undefined) => unknown;
function backend(record: Handler) {
  invokeMock.mockImplementation(async (cmd: string, payload?: unknown) => {
    const args = (payload as { args?: Record<string, unknown> } | undefined)?.args;
    switch (cmd) {
      case "readings_open":
        return devices;
      case "readings_list":
        return [];
      case "readings_trend":
        return [
          {
            kind: "bloodPressure",
            unit: "mmHg",
            points: [
              recorded({ id: "t1", kind: "bloodPressure", reading: { kind: "bloodPressure", systolic: 150, diastolic: 90 }, display: "150/90 mmHg", takenAt: "2026-10-02T09:00:00+02:00" }),
              recorded({ id: "t2", kind: "bloodPressure", reading: { kind: "bloodPressure", systolic: 138, diastolic: 84 }, display: "138/84 mmHg", takenAt: "2026-11-20T09:00:00+01:00" }),
            ],
          },
        ];
      case "readings_record":
        return record(args);
      case "readings_close":
        return null;
      default:
        throw { code: "UNKNOWN_COMMAND", message: cmd };
    }
  });
}

function fill(testid: string, value: string) {
  const input = byTestId<HTMLInputElement>(testid);
  if (!input) throw new Error(testid);
  input.value = value;
}

describe("readings: parsing and display", () => {
  it("accepts the decimal comma and names empty or non-numeric fields", () => {
    expect(parseReading("temperature", { celsius: "37,8" })).toEqual({ reading: { kind: "temperature", celsius: 37.8 } });
    expect(parseReading("bloodPressure", { systolic: "128", diastolic: "82" })).toEqual({
      reading: { kind: "bloodPressure", systolic: 128, diastolic: 82 },
    });
    expect(parseReading("bloodPressure", { systolic: "", diastolic: "8x" })).toEqual({
      errors: { systolic: "Saisissez une valeur.", diastolic: "Saisissez un nombre (par exemple 37,8)." },
    });
    expect(parseReading("glycaemia", { gPerL: "1.05" })).toEqual({ reading: { kind: "glycaemia", gPerL: 1.05 } });
  });

  it("formats values with French units and says where a reading comes from", () => {
    expect(formatReadingValue({ kind: "temperature", celsius: 37.84 })).toBe("37,8 °C");
    expect(formatReadingValue({ kind: "bloodPressure", systolic: 128, diastolic: 82 })).toBe("128/82 mmHg");
    expect(formatReadingValue({ kind: "weight", kg: 72.5 })).toBe("72,5 kg");
    expect(sourceLabel("manual")).toBe("saisie manuelle");
    expect(sourceLabel("AA:01", new Map([["AA:01", "Tensiomètre"]]))).toBe("appareil Tensiomètre");
    expect(deviceStateText({ id: "x", name: null, kind: "thermometer", state: "reconnecting", lastError: null })).toEqual({
      text: "En veille, reconnexion…",
      tone: "attention",
    });
  });

  it("draws sparklines scaled to the box, one line per value", () => {
    const [sys, dia] = sparklinePaths([[150, 138], [90, 84]], 120, 32);
    expect(sys).toBe("M2.0,2.0 L118.0,7.1");
    expect(dia).toBe("M2.0,27.5 L118.0,30.0");
    expect(sparklinePaths([[37]], 120, 32)).toEqual(["M2,16.0 L118,16.0"]);
    expect(sparklinePaths([], 120, 32)).toEqual([]);
  });
});

describe("readings panel", () => {
  let panel: ReturnType<typeof readingsPanel> | null = null;
  beforeEach(() => {
    document.body.innerHTML = "";
    handlers.length = 0;
    invokeMock.mockReset();
  });
  afterEach(() => panel?.dispose());

  async function open() {
    panel = readingsPanel({ patientId: "p1", consultationId: "c1" });
    document.body.append(panel.el);
    await flush();
    await flush();
  }

  it("shows the instruments, the trend, and a device measurement as it arrives", async () => {
    backend(() => recorded());
    await open();
    const device = byTestId("readings-device");
    expect(device?.dataset.state).toBe("connected");
    expect(device?.textContent).toContain("Tensiomètre UA-651");
    expect(device?.textContent).toContain("Connecté");
    expect(allByTestId("readings-pair")).toHaveLength(1);
    const trend = byTestId("readings-trend-row");
    expect(trend?.querySelectorAll("path")).toHaveLength(2);
    expect(trend?.textContent).toContain("138/84 mmHg le 20/11/2026");

    for (const h of handlers)
      h({
        payload: {
          type: "recorded",
          reading: recorded({ id: "d1", kind: "bloodPressure", reading: { kind: "bloodPressure", systolic: 128, diastolic: 82 }, display: "128/82 mmHg", source: "AA:01" }),
        },
      });
    await flush();
    const item = byTestId("readings-item");
    expect(item?.textContent).toContain("128/82 mmHg");
    expect(item?.textContent).toContain("appareil Tensiomètre UA-651");
    expect(byTestId("readings-device-last")?.textContent).toMatch(/^Mesure reçue à \d+ h \d\d$/);

    for (const h of handlers) h({ payload: { type: "refused", deviceId: "AA:01", code: "DEVICE_MEASUREMENT_ERROR", message: "L’appareil signale une erreur de mesure : refaites la mesure." } });
    expect(byTestId("readings-device-notice")?.hidden).toBe(false);
    expect(byTestId("readings-device-notice")?.textContent).toContain("Tensiomètre UA-651 : L’appareil signale une erreur");
  });

  it("shows an implausible value's range next to its field", async () => {
    backend(() => {
      throw {
        code: "SYSTOLIC_RANGE",
        field: "systolic",
        message: "Pression systolique impossible (300 mmHg) : la valeur doit être comprise entre 50 et 280 mmHg. Refaites la mesure.",
        fields: [{ field: "systolic", code: "SYSTOLIC_RANGE", message: "Pression systolique impossible (300 mmHg) : la valeur doit être comprise entre 50 et 280 mmHg. Refaites la mesure." }],
      };
    });
    await open();
    fill("readings-input-systolic", "300");
    fill("readings-input-diastolic", "80");
    byTestId<HTMLFormElement>("readings-form")?.requestSubmit();
    await flush();
    await flush();
    const error = byTestId("readings-error-systolic");
    expect(error?.hidden).toBe(false);
    expect(error?.textContent).toContain("entre 50 et 280 mmHg");
    expect(byTestId("readings-input-systolic")?.getAttribute("aria-invalid")).toBe("true");
    expect(byTestId("readings-item")).toBeNull();
  });

  it("asks to confirm an unusual value, then records it confirmed", async () => {
    const calls: Record<string, unknown>[] = [];
    backend((args) => {
      const input = (args?.input ?? {}) as Record<string, unknown>;
      calls.push(input);
      if (!input.confirmUnusual) throw { code: "CONFIRMATION_REQUIRED", field: "percent", message: "Saturation en oxygène basse (89 %) : confirmez la mesure." };
      return recorded({ id: "s1", kind: "spO2", reading: { kind: "spO2", percent: 89 }, display: "89 %", confirmedUnusual: true, unusual: { code: "SPO2_LOW", message: "" } });
    });
    await open();
    byTestId("readings-kind-spO2")?.click();
    fill("readings-input-percent", "89");
    byTestId<HTMLFormElement>("readings-form")?.requestSubmit();
    await flush();
    await flush();
    const dialog = byTestId("readings-confirm");
    expect(dialog?.hidden).toBe(false);
    expect(byTestId("readings-confirm-text")?.textContent).toBe("Saturation en oxygène basse (89 %) : confirmez la mesure.");
    expect(document.activeElement).toBe(byTestId("readings-confirm-no"));
    byTestId("readings-confirm-yes")?.click();
    await flush();
    await flush();
    expect(dialog?.hidden).toBe(true);
    expect(calls.map((c) => c.confirmUnusual)).toEqual([false, true]);
    expect(calls[1]).toMatchObject({ patientId: "p1", consultationId: "c1", reading: { kind: "spO2", percent: 89 } });
    expect(byTestId("readings-item")?.textContent).toContain("89 %");
    expect(byTestId("readings-item")?.textContent).toContain("Valeur inhabituelle confirmée");
    expect(byTestId("readings-saved")?.textContent).toBe("Mesure enregistrée et envoyée au médecin : 89 %.");
  });

  it("Escape in the confirmation goes back to the field without recording", async () => {
    const calls: unknown[] = [];
    backend((args) => {
      calls.push(args);
      throw { code: "CONFIRMATION_REQUIRED", field: "celsius", message: "Température élevée (40,2 °C) : confirmez la mesure." };
    });
    await open();
    byTestId("readings-kind-temperature")?.click();
    fill("readings-input-celsius", "40,2");
    byTestId<HTMLFormElement>("readings-form")?.requestSubmit();
    await flush();
    await flush();
    byTestId("readings-confirm")?.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    expect(byTestId("readings-confirm")?.hidden).toBe(true);
    expect(document.activeElement).toBe(byTestId("readings-input-celsius"));
    expect(calls).toHaveLength(1);
    expect((calls[0] as { input: { reading: unknown } }).input.reading).toEqual({ kind: "temperature", celsius: 40.2 });
  });
});
