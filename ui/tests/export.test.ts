import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn(), Channel: class {} }));
vi.mock("@tauri-apps/api/event", () => ({ listen: vi.fn(async () => () => undefined) }));
import { invoke } from "@tauri-apps/api/core";
import { consultationRoute } from "../src/station/consultation";
import { exportControl } from "../src/station/export";
import { byTestId, consultation, flush } from "./helpers";

const invokeMock = vi.mocked(invoke);

afterEach(() => {
  document.body.replaceChildren();
  invokeMock.mockReset();
});

describe("Exporter (FHIR)", () => {
  it("calls export_consultation_fhir with the consultation and shows the path written", async () => {
    let resolve: (v: unknown) => void = () => undefined;
    invokeMock.mockImplementation(() => new Promise((r) => (resolve = r)));
    const { el } = exportControl("c1");
    document.body.append(el);
    const button = byTestId<HTMLButtonElement>("export-fhir")!;
    expect(button.textContent).toBe("Exporter (FHIR)");
    expect(byTestId("export-result")?.hidden).toBe(true);
    button.click();
    expect(invokeMock).toHaveBeenCalledWith("export_consultation_fhir", { args: { consultationId: "c1" } });
    expect(button.disabled).toBe(true);
    expect(button.getAttribute("aria-busy")).toBe("true");
    resolve({ path: "/var/lib/relais/exports/c1.fhir.json", resources: 12 });
    await flush();
    await flush();
    expect(button.disabled).toBe(false);
    const result = byTestId("export-result")!;
    expect(result.hidden).toBe(false);
    expect(result.getAttribute("role")).toBe("status");
    expect(result.textContent).toContain("Export enregistré (12 ressources)");
    expect(byTestId("export-path")?.textContent).toBe("/var/lib/relais/exports/c1.fhir.json");
  });

  it("shows the French message and keeps the code behind Détails when the export fails", async () => {
    invokeMock.mockRejectedValue({ code: "EXPORT_WRITE_FAILED", message: "L’export n’a pas pu être enregistré dans /x : disque plein." });
    const { el } = exportControl("c1");
    document.body.append(el);
    byTestId<HTMLButtonElement>("export-fhir")!.click();
    await flush();
    await flush();
    const error = byTestId("export-error")!;
    expect(error.hidden).toBe(false);
    expect(error.textContent).toContain("disque plein");
    expect(error.textContent).toContain("EXPORT_WRITE_FAILED");
    expect(byTestId("export-result")?.hidden).toBe(true);
  });
});

describe("a finished consultation", () => {
  it("opens on its documents screen, where the export is", () => {
    for (const state of ["reported", "closed"] as const) {
      expect(consultationRoute(consultation({ state }))).toEqual({ name: "documents", consultationId: "c1", patientId: "p1" });
    }
    expect(consultationRoute(consultation({ state: "cancelled" }))).toEqual({ name: "patient", id: "p1" });
  });
});
