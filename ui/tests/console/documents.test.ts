import { afterEach, describe, expect, it } from "vitest";
import { DocumentsWorkspace, latestOf, type SignedDocument } from "../../src/console/documents";
import { emptyLine, prescriptionContent, validatePrescription, PrescriptionEditor, type PrescriptionDraft } from "../../src/console/prescription-editor";
import { emptyReport, incidentText, reportContent, validateReport } from "../../src/console/report-editor";
import { openSignDialog, shortHash } from "../../src/console/sign-dialog";
import { t } from "../../src/lib/i18n";
import { allByTestId, byTestId, consultation, json, mockHub, settle } from "./helpers";

const line = (over: Partial<ReturnType<typeof emptyLine>> = {}) => ({ ...emptyLine(), drug: "Paracétamol 1 g", dosage: "1 cp 3 fois par jour", duration: "5 jours", ...over });

function signed(over: Partial<SignedDocument> = {}): SignedDocument {
  return {
    id: "doc-1",
    consultationId: "c1",
    kind: "prescription",
    version: 1,
    supersedes: null,
    content: { id: "doc-1", lines: [{ drug: "Paracétamol 1 g", dosage: "1 cp 3 fois par jour", duration: "5 jours", quantity: null, renewals: 0, ald: false, nonSubstitutable: false }], notes: "", patient: {} },
    signedAt: "2026-11-26T10:42:00Z",
    signedBy: { name: "Dr Claire Martin", rpps: "10100345676" },
    sha256: "1f07be9e10fc3d15a50f2fbcd6404d19d5232430640520f1d351445fa0829aad",
    ...over,
  };
}

function input(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  el.value = value;
  el.dispatchEvent(new Event("input"));
}

afterEach(() => {
  document.body.replaceChildren();
});

describe("prescription editor checks", () => {
  const ok: PrescriptionDraft = { lines: [line()], notes: "", weightKg: "" };

  it("accepts a complete line; empty spare lines are ignored", () => {
    expect(validatePrescription(ok, false)).toEqual([]);
    expect(validatePrescription({ ...ok, lines: [line(), emptyLine()] }, false)).toEqual([]);
  });

  it("names the field of each problem", () => {
    const fields = (d: PrescriptionDraft, child = false) => validatePrescription(d, child).map((p) => p.field);
    expect(fields({ ...ok, lines: [emptyLine()] })).toEqual(["lines"]);
    expect(fields({ ...ok, lines: [line({ dosage: " " })] })).toEqual(["lines[0].dosage"]);
    expect(fields({ ...ok, lines: [line(), line({ drug: "" })] })).toEqual(["lines[1].drug"]);
    expect(fields({ ...ok, lines: [line({ duration: "", quantity: "" })] })).toEqual(["lines[0].duration"]);
    expect(fields({ ...ok, lines: [line({ duration: "", quantity: "1 boîte" })] })).toEqual([]);
    expect(fields({ ...ok, lines: [line({ renewals: "12" })] })).toEqual(["lines[0].renewals"]);
    expect(fields({ ...ok, lines: [line({ renewals: "deux" })] })).toEqual(["lines[0].renewals"]);
    expect(fields({ ...ok, lines: [line({ renewals: "11" })] })).toEqual([]);
  });

  it("asks a child's weight, with a decimal comma", () => {
    const fields = (w: string) => validatePrescription({ ...ok, weightKg: w }, true).map((p) => p.field);
    expect(fields("")).toEqual(["patient.weightKg"]);
    expect(fields("0,1")).toEqual(["patient.weightKg"]);
    expect(fields("24,5")).toEqual([]);
    expect(validatePrescription({ ...ok, weightKg: "" }, false)).toEqual([]);
    expect(prescriptionContent({ ...ok, weightKg: "24,5" }, true).patient).toEqual({ weightKg: 24.5 });
    expect(prescriptionContent({ ...ok, weightKg: "24,5" }, false).patient).toEqual({});
  });

  it("sends the core's JSON shape: trimmed text, null when empty, renewals as a number", () => {
    const c = prescriptionContent({ lines: [line({ drug: " Amoxicilline 1 g ", duration: "", quantity: "1 boîte", renewals: "2", ald: true, nonSubstitutable: true }), emptyLine()], notes: " Boire ", weightKg: "" }, false);
    expect(c).toEqual({
      patient: {},
      lines: [{ drug: "Amoxicilline 1 g", dosage: "1 cp 3 fois par jour", duration: null, quantity: "1 boîte", renewals: 2, ald: true, nonSubstitutable: true }],
      notes: "Boire",
    });
  });

  it("adds and removes lines with the keyboard, focus following", () => {
    const editor = new PrescriptionEditor({ child: false });
    document.body.append(editor.root);
    expect(allByTestId("rx-line")).toHaveLength(1);
    byTestId<HTMLButtonElement>("rx-add-line")!.click();
    expect(allByTestId("rx-line")).toHaveLength(2);
    expect(document.activeElement?.getAttribute("data-field")).toBe("lines[1].drug");
    // Alt+Entrée inside a line adds one more.
    document.activeElement!.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", altKey: true, bubbles: true }));
    expect(allByTestId("rx-line")).toHaveLength(3);
    allByTestId<HTMLButtonElement>("rx-remove-line")[2].click();
    expect(allByTestId("rx-line")).toHaveLength(2);
    expect(document.activeElement?.getAttribute("data-field")).toBe("lines[1].drug");
    expect(allByTestId("rx-remove-line")[0].getAttribute("aria-label")).toBe(t("console.docs.rx.removeLineN", { n: 1 }));
  });

  it("shows problems next to the fields and a hub problem on its field", () => {
    const editor = new PrescriptionEditor({ child: true });
    document.body.append(editor.root);
    expect(editor.check()).toBe(false);
    const weight = document.querySelector<HTMLInputElement>('[data-field="patient.weightKg"]')!;
    expect(weight.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(weight);
    expect(byTestId("rx-lines-error")!.hidden).toBe(false);
    input(weight, "24,5");
    input(document.querySelector<HTMLInputElement>('[data-field="lines[0].drug"]')!, "Paracétamol");
    input(document.querySelector<HTMLInputElement>('[data-field="lines[0].dosage"]')!, "1 cp");
    input(document.querySelector<HTMLInputElement>('[data-field="lines[0].quantity"]')!, "1 boîte");
    expect(editor.check()).toBe(true);
    editor.showHubProblem("lines[0].dosage", "Ligne 1, posologie : Ce champ est obligatoire.");
    const dosage = document.querySelector<HTMLInputElement>('[data-field="lines[0].dosage"]')!;
    expect(dosage.getAttribute("aria-invalid")).toBe("true");
    expect(dosage.closest(".field")!.querySelector(".field-error")!.textContent).toContain("posologie");
  });
});

describe("report editor checks", () => {
  const full = () => ({ ...emptyReport({ reason: "Toux", place: "Pharmacie du Centre" }), findings: "Auscultation claire", orientation: "Retour à domicile", assistantName: "Sophie Bernard" });

  it("requires reason, findings, orientation, the professional and the consent", () => {
    expect(validateReport(full())).toEqual([]);
    const fields = validateReport({ ...emptyReport(), consent: false, assistantProfession: "" }).map((p) => p.field);
    expect(fields).toEqual(["patientConsent", "assistant.name", "assistant.profession", "reason", "findings", "orientation"]);
    expect(validateReport({ ...full(), copyToTreating: true }).map((p) => p.field)).toEqual(["copyTo.name"]);
    expect(validateReport({ ...full(), incidents: [{ at: "2026-11-26T10:00:00Z", description: " " }] }).map((p) => p.field)).toEqual(["incidents[0].description"]);
  });

  it("sends the acts with their codes, the ticked readings and the copy", () => {
    const d = full();
    d.assistanceAct = "TLD";
    d.readings = [
      { message: { type: "reading", reading: { kind: "temperature", celsius: 37.8 }, takenAt: "2026-11-26T10:01:00Z", source: "manual" }, included: true },
      { message: { type: "reading", reading: { kind: "pulse", bpm: 80 }, takenAt: "2026-11-26T10:02:00Z", source: "manual" }, included: false },
    ];
    d.copyToTreating = true;
    d.copyName = "Dr Paul Dali";
    const c = reportContent(d, ["rx-1"]);
    expect(c.acts).toEqual(["TCG", "TLD"]);
    expect(c.readings).toEqual([{ takenAt: "2026-11-26T10:01:00Z", reading: { kind: "temperature", celsius: 37.8 } }]);
    expect(c.copyTo).toEqual({ name: "Dr Paul Dali", address: null });
    expect(c.prescriptionIds).toEqual(["rx-1"]);
    expect(reportContent({ ...full(), assistanceAct: "" }, []).acts).toEqual(["TCG"]);
  });

  it("writes the hub's incidents in French", () => {
    expect(incidentText({ kind: "MEDIA_DISCONNECTED", side: "station", detail: "ice" })).toBe(
      t("console.docs.incident.withDetail", { what: t("console.docs.incident.MEDIA_DISCONNECTED"), side: t("console.docs.incident.sideStation"), detail: "ice" }),
    );
    expect(incidentText({ kind: "PEER_LEFT", side: "gp", detail: "" })).toContain(t("console.docs.incident.sideGp"));
  });
});

describe("sign flow", () => {
  it("asks the code, shows progress, then the version and the short hash", async () => {
    let release: (r: Response) => void = () => undefined;
    const { hub, fetchMock } = mockHub(() => new Promise<Response>((r) => (release = r)));
    let got: SignedDocument | null = null;
    let closed = false;
    openSignDialog(document.body, {
      hub,
      consultationId: "c1",
      kind: "prescription",
      content: { lines: [] },
      supersedes: null,
      onSigned: (d) => (got = d),
      onInvalid: () => undefined,
      onClose: () => (closed = true),
    });
    const code = byTestId<HTMLInputElement>("sign-totp")!;
    expect(document.activeElement).toBe(code);
    code.value = "12 34";
    byTestId<HTMLButtonElement>("sign-submit")!.click();
    expect(byTestId("sign-error")!.textContent).toBe(t("console.docs.sign.codeFormat"));
    expect(fetchMock).not.toHaveBeenCalled();
    code.value = "123 456";
    byTestId<HTMLButtonElement>("sign-submit")!.click();
    expect(byTestId("sign-status")!.textContent).toBe(t("console.docs.sign.progress"));
    expect(byTestId<HTMLButtonElement>("sign-submit")!.disabled).toBe(true);
    const [path, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(path).toBe("/api/gp/consultations/c1/documents");
    expect(JSON.parse(String(init.body))).toEqual({ kind: "prescription", content: { lines: [] }, totp: "123456" });
    release(json(201, signed({ version: 1 })));
    await settle(10);
    expect(got).not.toBeNull();
    expect(byTestId("sign-status")!.textContent).toBe(t("console.docs.sign.donePrescription", { version: 1, hash: "1f07 be9e 10fc" }));
    byTestId<HTMLButtonElement>("sign-submit")!.click();
    expect(byTestId("sign-dialog")).toBeNull();
    expect(closed).toBe(true);
  });

  it("keeps the dialog on a wrong or replayed code; closes on an invalid document naming the field", async () => {
    const answers = [
      json(401, { code: "TOTP_REPLAYED", message: "Ce code a déjà servi." }),
      json(422, { code: "DOCUMENT_INVALID", message: "Ligne 1, posologie : Ce champ est obligatoire.", field: "lines[0].dosage", reason: "REQUIRED" }),
    ];
    const { hub } = mockHub(() => answers.shift()!);
    let invalid: [string, string] | null = null;
    openSignDialog(document.body, {
      hub,
      consultationId: "c1",
      kind: "prescription",
      content: {},
      supersedes: "doc-1",
      onSigned: () => undefined,
      onInvalid: (f, m) => (invalid = [f, m]),
      onClose: () => undefined,
    });
    byTestId<HTMLInputElement>("sign-totp")!.value = "123456";
    byTestId<HTMLButtonElement>("sign-submit")!.click();
    await settle(10);
    expect(byTestId("sign-error")!.textContent).toBe(t("console.error.TOTP_REPLAYED"));
    expect(byTestId<HTMLButtonElement>("sign-submit")!.disabled).toBe(false);
    byTestId<HTMLInputElement>("sign-totp")!.value = "654321";
    byTestId<HTMLButtonElement>("sign-submit")!.click();
    await settle(10);
    expect(byTestId("sign-dialog")).toBeNull();
    expect(invalid).toEqual(["lines[0].dosage", "Ligne 1, posologie : Ce champ est obligatoire."]);
  });

  it("shortHash groups the first 12 hex digits", () => {
    expect(shortHash("abcdef0123456789")).toBe("abcd ef01 2345");
  });
});

describe("documents workspace", () => {
  it("signs, sends on the data channel, shows read-only, corrects as a new version", async () => {
    const sentBodies: Record<string, unknown>[] = [];
    const { hub } = mockHub((path, init) => {
      if (path.endsWith("/incidents")) return json(200, [{ at: "2026-11-26T10:30:00Z", side: "station", kind: "MEDIA_DISCONNECTED", detail: "ice" }]);
      if (init?.method === "POST") {
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        sentBodies.push(body);
        const v = sentBodies.length;
        return json(201, signed({ id: `doc-${v}`, version: v, supersedes: (body.supersedes as string) ?? null, content: { ...(body.content as object), id: `doc-${v}` } }));
      }
      return json(200, []);
    });
    const sent: unknown[] = [];
    const ws = new DocumentsWorkspace({ hub, consultation: consultation({ ageYears: 40 }), send: (m) => (sent.push(m), true) });
    const side = document.createElement("aside");
    side.append(document.createElement("p"));
    const layout = document.createElement("div");
    layout.append(side);
    document.body.append(layout);
    ws.mount(side, layout);
    await settle();
    expect(byTestId("tabpanel-call")!.hidden).toBe(false);
    byTestId<HTMLButtonElement>("tab-prescription")!.click();
    expect(layout.classList.contains("gp-call-layout--docs")).toBe(true);
    expect(byTestId("tabpanel-call")!.hidden).toBe(true);

    // Sign is refused locally while the line is empty: no dialog.
    byTestId<HTMLButtonElement>("doc-sign")!.click();
    expect(byTestId("sign-dialog")).toBeNull();
    input(document.querySelector<HTMLInputElement>('[data-field="lines[0].drug"]')!, "Paracétamol 1 g");
    input(document.querySelector<HTMLInputElement>('[data-field="lines[0].dosage"]')!, "1 cp");
    input(document.querySelector<HTMLInputElement>('[data-field="lines[0].duration"]')!, "5 jours");
    byTestId<HTMLButtonElement>("doc-sign")!.click();
    byTestId<HTMLInputElement>("sign-totp")!.value = "123456";
    byTestId<HTMLButtonElement>("sign-submit")!.click();
    await settle(10);
    expect(sent).toEqual([{ type: "document", document: expect.objectContaining({ id: "doc-1", version: 1 }) }]);
    byTestId<HTMLButtonElement>("sign-submit")!.click(); // Fermer
    expect(byTestId("rx-view")).not.toBeNull();
    expect(byTestId("doc-meta")!.dataset.version).toBe("1");
    expect(byTestId("tab-prescription-badge")!.textContent).toBe(t("console.docs.tab.signedV", { version: 1 }));
    expect(byTestId("doc-note")!.textContent).toBe(t("console.docs.sentToStation"));

    // Correction: a new version superseding the first.
    byTestId<HTMLButtonElement>("doc-correct")!.click();
    const dosage = document.querySelector<HTMLInputElement>('[data-field="lines[0].dosage"]')!;
    expect(dosage.value).toBe("1 cp");
    input(dosage, "2 cp");
    byTestId<HTMLButtonElement>("doc-sign")!.click();
    byTestId<HTMLInputElement>("sign-totp")!.value = "654321";
    byTestId<HTMLButtonElement>("sign-submit")!.click();
    await settle(10);
    expect(sentBodies[1].supersedes).toBe("doc-1");
    expect((sentBodies[1].content as { lines: { dosage: string }[] }).lines[0].dosage).toBe("2 cp");
    expect(byTestId("doc-meta")!.dataset.version).toBe("2");

    // The report gets the hub's incidents and names the signed prescription.
    byTestId<HTMLButtonElement>("tab-report")!.click();
    await settle(10);
    expect(allByTestId<HTMLInputElement>("report-incident")[0].value).toBe(incidentText({ kind: "MEDIA_DISCONNECTED", side: "station", detail: "ice" }));
    expect(byTestId<HTMLTextAreaElement>("report-reason")!.value).toBe(consultation().complaint);
  });

  it("shows what the hub already holds (after a reload) as signed", async () => {
    const { hub } = mockHub((path) => (path.endsWith("/documents") ? json(200, [signed(), signed({ id: "doc-2", version: 2, supersedes: "doc-1" })]) : json(200, [])));
    const ws = new DocumentsWorkspace({ hub, consultation: consultation(), send: () => false });
    const side = document.createElement("aside");
    document.body.append(side);
    ws.mount(side, side);
    await settle(10);
    ws.select("prescription");
    expect(byTestId("doc-meta")!.dataset.version).toBe("2");
    expect(latestOf([signed(), signed({ id: "doc-2", version: 2 })], "prescription")!.id).toBe("doc-2");
    expect(latestOf([signed()], "report")).toBeNull();
  });
});
