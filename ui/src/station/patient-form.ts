/**
 * Patient form (create / edit).
 *
 * - Live validation: `validate_patient` ~250 ms after the last keystroke; a field's error is
 *   shown once the field was left (or the form submitted), next to the field, by its `field` path.
 * - NIR grouped as typed (`1 50 11 28 123 456 78`); the key check result is shown under it.
 * - Birth date typed as JJ/MM/AAAA (mask), sent as YYYY-MM-DD.
 * - Draft: every change is saved with `save_draft("patient")` and restored when the form opens.
 */
import {
  api,
  Code,
  SEXES,
  type ApiError,
  type FieldError,
  type Patient,
  type PatientRecord,
  type Sex,
} from "../lib/api";
import { isDigit, isoToFr, maskFrDate, parseFrDate } from "../lib/dates";
import { debounce, h, replace } from "../lib/dom";
import { formatDecimal, formatTime, parseDecimal, t, type MessageKey } from "../lib/i18n";
import { formatNir, isNirChar, NIR_LENGTH, normaliseNir, reformat } from "../lib/nir";
import { busy, errorPanel, field, isGlobalError, screenRoot, textInput, title, type Ctx, type Field, type Screen } from "./ui";

/** Form keys: the suffix of `patient-<key>` / `error-<key>` test ids. */
export const TEXT_KEYS = [
  "familyName",
  "usedName",
  "givenNames",
  "sex",
  "birthDate",
  "birthPlaceCode",
  "nir",
  "phone",
  "address",
  "postalCode",
  "commune",
  "doctorName",
  "doctorRpps",
  "weightKg",
] as const;
export const CHECK_KEYS = ["ald", "c2s", "ame"] as const;
export type TextKey = (typeof TEXT_KEYS)[number];
export type CheckKey = (typeof CHECK_KEYS)[number];
export type FormKey = TextKey | CheckKey;
export type FormValues = Record<TextKey, string> & Record<CheckKey, boolean>;

const OPTIONAL: ReadonlySet<FormKey> = new Set<FormKey>([
  "usedName",
  "birthPlaceCode",
  "nir",
  "address",
  "postalCode",
  "doctorName",
  "doctorRpps",
  "weightKg",
]);

/** Backend field path → form key (`patient.` prefix tolerated). */
export function keyOfPath(path: string): FormKey | null {
  const p = path.replace(/^patient\./, "");
  const map: Record<string, FormKey> = {
    "treatingDoctor.name": "doctorName",
    "treatingDoctor.rpps": "doctorRpps",
    treatingDoctor: "doctorName",
    "coverage.ald": "ald",
    "coverage.c2s": "c2s",
    "coverage.ame": "ame",
  };
  if (map[p]) return map[p];
  return (TEXT_KEYS as readonly string[]).includes(p) || (CHECK_KEYS as readonly string[]).includes(p) ? (p as FormKey) : null;
}

export function emptyValues(): FormValues {
  const v = {} as FormValues;
  for (const k of TEXT_KEYS) v[k] = "";
  for (const k of CHECK_KEYS) v[k] = false;
  return v;
}

export function valuesOfPatient(p: Patient): FormValues {
  return {
    familyName: p.familyName,
    usedName: p.usedName ?? "",
    givenNames: p.givenNames,
    sex: p.sex,
    birthDate: isoToFr(p.birthDate),
    birthPlaceCode: p.birthPlaceCode ?? "",
    nir: p.nir ? formatNir(p.nir) : "",
    phone: p.phone,
    address: p.address ?? "",
    postalCode: p.postalCode ?? "",
    commune: p.commune,
    doctorName: p.treatingDoctor?.name ?? "",
    doctorRpps: p.treatingDoctor?.rpps ?? "",
    weightKg: p.weightKg === null ? "" : formatDecimal(p.weightKg),
    ald: p.coverage.ald,
    c2s: p.coverage.c2s,
    ame: p.coverage.ame,
  };
}

/**
 * Form values → Patient, plus the errors found before asking the backend (format of the
 * date and the weight, sex not chosen).
 *
 * The backend needs a real sex and birth date to read the request at all; while they are
 * missing, `patient` carries placeholders (listed in `placeholders`) so that the other fields
 * can still be checked live: results for those fields and for the NIR (checked against them)
 * must then be ignored, and the patient must not be saved.
 */
export function toPatient(v: FormValues): {
  patient: Patient;
  local: Partial<Record<FormKey, string>>;
  placeholders: FormKey[];
} {
  const local: Partial<Record<FormKey, string>> = {};
  const placeholders: FormKey[] = [];
  const s = (x: string) => x.trim();
  const opt = (x: string) => (s(x) === "" ? null : s(x));
  const birthIso = parseFrDate(v.birthDate);
  if (!birthIso) {
    placeholders.push("birthDate");
    if (s(v.birthDate) !== "") local.birthDate = t("error.dateFormat");
  }
  const weight = parseDecimal(v.weightKg);
  if (weight !== null && Number.isNaN(weight)) local.weightKg = t("error.weightFormat");
  const sexOk = (SEXES as readonly string[]).includes(v.sex);
  if (!sexOk) {
    placeholders.push("sex");
    local.sex = t("error.required");
  }
  const doctorName = s(v.doctorName);
  const doctorRpps = opt(v.doctorRpps);
  const patient: Patient = {
    familyName: s(v.familyName),
    usedName: opt(v.usedName),
    givenNames: s(v.givenNames).replace(/\s+/g, " "),
    sex: (sexOk ? v.sex : "I") as Sex,
    birthDate: birthIso ?? PLACEHOLDER_BIRTH_DATE,
    birthPlaceCode: opt(v.birthPlaceCode)?.toUpperCase() ?? null,
    nir: normaliseNir(v.nir) || null,
    phone: s(v.phone),
    address: opt(v.address),
    postalCode: opt(v.postalCode),
    commune: s(v.commune),
    treatingDoctor: doctorName || doctorRpps ? { name: doctorName, rpps: doctorRpps } : null,
    coverage: { ald: v.ald, c2s: v.c2s, ame: v.ame },
    weightKg: weight === null || Number.isNaN(weight) ? null : weight,
  };
  return { patient, local, placeholders };
}

/** Stand-in birth date for live validation while the real one is not typed yet. */
const PLACEHOLDER_BIRTH_DATE = "1970-01-01";

type Draft = { patientId: string | null; values: Partial<FormValues> };

function isDraft(x: unknown): x is Draft {
  return typeof x === "object" && x !== null && "values" in x && typeof (x as Draft).values === "object";
}

export function patientFormScreen(ctx: Ctx, id?: string): Screen {
  const patientId = id ?? null;
  const fields = {} as Record<FormKey, Field>;

  const mkText = (key: TextKey, label: MessageKey, hint?: MessageKey, attrs: Record<string, unknown> = {}) => {
    fields[key] = field({
      testid: `patient-${key}`,
      errorTestid: `error-${key}`,
      label: t(label),
      hint: hint ? t(hint) : undefined,
      optional: OPTIONAL.has(key),
      control: textInput({ name: key, ...attrs }),
      class: `field--${key}`,
    });
    return fields[key].wrap;
  };
  const sexSelect = h(
    "select",
    { class: "input", name: "sex" },
    h("option", { value: "" }, t("patientForm.sexChoose")),
    SEXES.map((s) => h("option", { value: s }, t(`sex.${s}`))),
  );
  fields.sex = field({ testid: "patient-sex", errorTestid: "error-sex", label: t("patientForm.sex"), control: sexSelect, class: "field--sex" });

  const nirStatus = h("p", { class: "nir-status", testid: "nir-key-status", "aria-live": "polite" });
  const mkCheck = (key: CheckKey, label: MessageKey) => {
    const input = h("input", { type: "checkbox", class: "check", name: key });
    fields[key] = field({ testid: `patient-${key}`, errorTestid: `error-${key}`, label: t(label), control: input, class: "field--check" });
    return fields[key].wrap;
  };

  const identity = h(
    "fieldset",
    { class: "group grid" },
    h("legend", null, t("patientForm.identity")),
    mkText("familyName", "patientForm.familyName", undefined, { autocapitalize: "characters", "data-autofocus": true }),
    mkText("usedName", "patientForm.usedName", undefined, { autocapitalize: "characters" }),
    mkText("givenNames", "patientForm.givenNames", "patientForm.givenNamesHint"),
    fields.sex.wrap,
    mkText("birthDate", "patientForm.birthDate", "patientForm.birthDateHint", { inputmode: "numeric", placeholder: t("patientForm.birthDatePlaceholder"), maxlength: "10" }),
    mkText("birthPlaceCode", "patientForm.birthPlaceCode", "patientForm.birthPlaceCodeHint", { maxlength: "5", autocapitalize: "characters" }),
  );
  fields.nir = field({
    testid: "patient-nir",
    errorTestid: "error-nir",
    label: t("patientForm.nir"),
    hint: t("patientForm.nirHint"),
    optional: true,
    control: textInput({ name: "nir", inputmode: "numeric", maxlength: "21", class: "input input-nir" }),
    after: nirStatus,
    class: "field--nir",
  });
  identity.appendChild(fields.nir.wrap);

  const contact = h(
    "fieldset",
    { class: "group grid" },
    h("legend", null, t("patientForm.contact")),
    mkText("phone", "patientForm.phone", "patientForm.phoneHint", { type: "tel", inputmode: "tel", autocomplete: "off" }),
    mkText("address", "patientForm.address"),
    mkText("postalCode", "patientForm.postalCode", undefined, { inputmode: "numeric", maxlength: "5" }),
    mkText("commune", "patientForm.commune"),
  );
  const doctor = h(
    "fieldset",
    { class: "group grid" },
    h("legend", null, t("patientForm.doctor")),
    mkText("doctorName", "patientForm.doctorName", "patientForm.doctorNameHint"),
    mkText("doctorRpps", "patientForm.doctorRpps", "setup.rppsHint", { inputmode: "numeric", maxlength: "11" }),
  );
  const coverage = h(
    "fieldset",
    { class: "group grid" },
    h("legend", null, t("patientForm.coverage")),
    h("div", { class: "checks" }, mkCheck("ald", "patientForm.ald"), mkCheck("c2s", "patientForm.c2s"), mkCheck("ame", "patientForm.ame")),
    mkText("weightKg", "patientForm.weightKg", "patientForm.weightKgHint", { inputmode: "decimal", maxlength: "6" }),
  );

  const submit = h(
    "button",
    { type: "submit", class: "btn btn-primary btn-lg", testid: "patient-submit" },
    patientId ? t("patientForm.submitEdit") : t("patientForm.submitNew"),
  );
  const back = h(
    "button",
    { type: "button", class: "btn btn-secondary", testid: "patient-form-back", onclick: () => ctx.go(patientId ? { name: "patient", id: patientId } : { name: "today" }) },
    t("common.back"),
  );
  const errors = errorPanel();
  const draftInfo = h("p", { class: "muted draft-info", "aria-live": "polite", testid: "draft-info" });
  const draftNotice = h("div", { class: "notice", hidden: true, testid: "draft-notice" });
  const form = h(
    "form",
    { class: "form", novalidate: true },
    draftNotice,
    identity,
    contact,
    doctor,
    coverage,
    errors.el,
    h("div", { class: "actions actions--bar" }, submit, back, draftInfo),
  );

  // ---- State ---------------------------------------------------------------------------
  const touched = new Set<FormKey>();
  let submitted = false;
  let serverErrors: Partial<Record<FormKey, string>> = {};
  let otherErrors: FieldError[] = [];
  let validating = false;
  /** The NIR could not be checked yet (sex or birth date missing). */
  let nirUnchecked = true;
  let validationSeq = 0;
  let disposed = false;

  function read(): FormValues {
    const v = emptyValues();
    for (const k of TEXT_KEYS) v[k] = fields[k].control.value;
    for (const k of CHECK_KEYS) v[k] = (fields[k].control as HTMLInputElement).checked;
    return v;
  }
  function write(v: Partial<FormValues>) {
    for (const k of TEXT_KEYS) if (typeof v[k] === "string") fields[k].control.value = v[k] as string;
    for (const k of CHECK_KEYS) if (typeof v[k] === "boolean") (fields[k].control as HTMLInputElement).checked = v[k] as boolean;
  }

  function render() {
    const { local } = toPatient(read());
    for (const k of [...TEXT_KEYS, ...CHECK_KEYS]) {
      const msg = local[k] ?? serverErrors[k] ?? null;
      fields[k].setError(touched.has(k) || submitted ? msg : null);
    }
    renderNir();
  }

  function renderNir() {
    const n = normaliseNir(fields.nir.control.value).length;
    nirStatus.className = "nir-status";
    if (n === 0) nirStatus.textContent = "";
    else if (n < NIR_LENGTH) nirStatus.textContent = t("patientForm.nirIncomplete", { n });
    else if (validating) nirStatus.textContent = t("common.checking");
    else if (nirUnchecked) nirStatus.textContent = t("patientForm.nirNeedsIdentity");
    else if (serverErrors.nir) {
      nirStatus.textContent = "";
    } else {
      nirStatus.textContent = t("patientForm.nirKeyOk");
      nirStatus.classList.add("nir-status--ok");
    }
  }

  async function validate() {
    const { patient, placeholders } = toPatient(read());
    const ignored = new Set<FormKey>(placeholders.length ? [...placeholders, "nir"] : []);
    const mine = ++validationSeq;
    try {
      const list = await api.validatePatient(patient);
      if (mine !== validationSeq || disposed) return;
      serverErrors = {};
      otherErrors = [];
      nirUnchecked = ignored.has("nir");
      for (const fe of list) {
        const k = keyOfPath(fe.field);
        if (k && ignored.has(k)) continue;
        if (k) serverErrors[k] ??= fe.message;
        else otherErrors.push(fe);
      }
    } catch {
      // Advisory only: a failed validation leaves the last result; submit will tell.
    } finally {
      if (mine === validationSeq) validating = false;
      if (!disposed) render();
    }
  }
  const validateSoon = debounce(() => void validate(), 250);

  let lastSaved = "";
  async function saveDraft() {
    const data: Draft = { patientId, values: read() };
    const json = JSON.stringify(data);
    if (json === lastSaved) return;
    try {
      await api.saveDraft("patient", data);
      lastSaved = json;
      if (!disposed) draftInfo.textContent = t("patientForm.draftSaved", { time: formatTime(new Date()) });
    } catch {
      /* a lost draft is not worth interrupting the user; the form itself keeps its content */
    }
  }
  const saveDraftSoon = debounce(() => void saveDraft(), 600);

  function changed(key: FormKey | null) {
    if (key === "nir" && normaliseNir(fields.nir.control.value).length === NIR_LENGTH) touched.add("nir");
    validating = true;
    renderNir();
    validateSoon();
    saveDraftSoon();
  }

  // Masks
  fields.nir.control.addEventListener("input", () => {
    const el = fields.nir.control as HTMLInputElement;
    const r = reformat(el.value, el.selectionStart ?? el.value.length, formatNir, isNirChar);
    el.value = r.value;
    el.setSelectionRange(r.caret, r.caret);
  });
  fields.birthDate.control.addEventListener("input", () => {
    const el = fields.birthDate.control as HTMLInputElement;
    const atEnd = (el.selectionStart ?? el.value.length) >= el.value.length;
    const r = reformat(el.value, el.selectionStart ?? el.value.length, maskFrDate, isDigit);
    el.value = r.value;
    const caret = atEnd ? r.value.length : r.caret;
    el.setSelectionRange(caret, caret);
  });

  form.addEventListener("input", (ev) => {
    const name = (ev.target as HTMLInputElement).name;
    changed(name ? (name as FormKey) : null);
  });
  form.addEventListener("change", (ev) => {
    const name = (ev.target as HTMLInputElement).name as FormKey;
    if (name) touched.add(name);
    render();
  });
  form.addEventListener("focusout", (ev) => {
    const name = (ev.target as HTMLInputElement).name as FormKey;
    if (name && (ev.target as HTMLInputElement).value !== "") touched.add(name);
    render();
  });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submitted = true;
    errors.show(null);
    validateSoon.cancel();
    const { patient, local, placeholders } = toPatient(read());
    // Required fields, checked here too so that the message comes without a round trip.
    const v = read();
    for (const k of ["familyName", "givenNames", "birthDate", "phone", "commune"] as const) {
      if (v[k].trim() === "") serverErrors[k] ??= t("error.required");
    }
    render();
    const firstLocal = (Object.keys(local) as FormKey[])[0];
    if (placeholders.length || firstLocal) {
      focusFirstInvalid();
      return;
    }
    try {
      const rec: PatientRecord = await busy(submit, t("common.saving"), () =>
        patientId ? api.updatePatient(patientId, patient) : api.createPatient(patient),
      );
      saveDraftSoon.cancel();
      disposed = true;
      await api.clearDraft("patient").catch(() => undefined);
      ctx.go({ name: "patient", id: rec.id });
    } catch (e) {
      const err = e as ApiError;
      if (isGlobalError(err)) return;
      serverErrors = {};
      otherErrors = [];
      for (const fe of err.fields ?? (err.field ? [{ field: err.field, code: err.code, message: err.message }] : [])) {
        const k = keyOfPath(fe.field);
        if (k) serverErrors[k] ??= fe.message;
        else otherErrors.push(fe);
      }
      render();
      const placed = Object.keys(serverErrors).length > 0;
      if (!placed || otherErrors.length) {
        errors.show(err, placed ? t("common.formHasErrors") : otherErrors.map((o) => o.message).join(" ") || undefined);
      } else if (err.code === Code.InvalidPatient) errors.show(err, t("common.formHasErrors"));
      focusFirstInvalid();
    }
  });

  function focusFirstInvalid() {
    const first = [...TEXT_KEYS, ...CHECK_KEYS].find((k) => !fields[k].error.hidden);
    if (first) fields[first].control.focus();
  }

  // ---- Loading: record (edit) and draft --------------------------------------------------
  function showDraftNotice() {
    replace(
      draftNotice,
      h("p", null, t("patientForm.draftRestored")),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-secondary btn-sm",
          testid: "draft-discard",
          onclick: async () => {
            draftNotice.hidden = true;
            saveDraftSoon.cancel();
            await api.clearDraft("patient").catch(() => undefined);
            lastSaved = "";
            write(base);
            touched.clear();
            submitted = false;
            serverErrors = {};
            render();
            fields.familyName.control.focus();
          },
        },
        t("patientForm.draftDiscard"),
      ),
    );
    draftNotice.hidden = false;
  }

  let base: FormValues = emptyValues();
  async function load() {
    if (patientId) {
      try {
        const rec = await api.getPatient(patientId);
        base = valuesOfPatient(rec.patient);
        write(base);
      } catch (e) {
        if (!isGlobalError(e as ApiError)) errors.show(e as ApiError);
      }
    }
    try {
      const draft = await api.loadDraft("patient");
      if (!disposed && isDraft(draft) && (draft.patientId ?? null) === patientId) {
        const values = draft.values;
        const differs = [...TEXT_KEYS, ...CHECK_KEYS].some((k) => values[k] !== undefined && values[k] !== base[k]);
        if (differs) {
          write(values);
          lastSaved = JSON.stringify({ patientId, values: read() });
          showDraftNotice();
          for (const k of TEXT_KEYS) if (read()[k] !== "") touched.add(k);
          changed(null);
        }
      }
    } catch {
      /* no draft */
    }
  }
  void load();

  const root = screenRoot(
    "patient-form",
    title("patient-form", patientId ? t("patientForm.titleEdit") : t("patientForm.titleNew")),
    h("p", { class: "lead" }, t("patientForm.intro")),
    form,
  );
  return {
    name: "patient-form",
    root,
    state: "state.patientForm",
    dispose() {
      // Keep what was typed: the pending draft is written now.
      saveDraftSoon.flush();
      validateSoon.cancel();
      disposed = true;
    },
  };
}
