/**
 * The readings panel (call screen and patient screen): the instruments' state, manual entry
 * of every kind of reading, this consultation's readings, and the patient's trend.
 *
 * - Instruments: each paired device with its state in words and colour (searching,
 *   connecting, connected, reconnecting while it sleeps), "mesure reçue à 10 h 42" after a
 *   measurement, devices seen but not paired with a button to pair them. Events arrive on
 *   `readings-event`; a measurement refused by the backend (cuff error, implausible) is
 *   shown with its message.
 * - Manual entry: one large field per value (blood pressure: systolic and diastolic), the
 *   unit next to it, decimal comma accepted. The ranges are the backend's (crates/core):
 *   an implausible value comes back as an error on its field, shown next to it; an unusual
 *   one as `CONFIRMATION_REQUIRED`, which opens a confirmation dialog (Escape = correct).
 * - Trend: per kind, a sparkline of the last values and the last values with their dates.
 */
import { listen } from "@tauri-apps/api/event";
import { call, type ApiError } from "../lib/api";
import { h, replace } from "../lib/dom";
import { formatDate, formatDecimal, formatTime, parseDecimal, t, type MessageKey } from "../lib/i18n";
import type { Reading } from "../console/protocol";
import { busy, errorPanel, field, isGlobalError, pill, textInput, type Field, type Tone } from "./ui";
import "../styles/readings.css";

// ---- Contract (docs/COMMANDS.md, "Readings") --------------------------------------------

export type ReadingKind = Reading["kind"];
export type RecordedReading = {
  id: string;
  patientId: string;
  consultationId: string | null;
  reading: Reading;
  kind: ReadingKind;
  unit: string;
  display: string;
  takenAt: string;
  source: string;
  takenBy: string;
  confirmedUnusual: boolean;
  unusual?: { code: string; message: string };
  pushed: boolean;
};
export type TrendSeries = { kind: ReadingKind; unit: string; points: RecordedReading[] };
export type DeviceState = "searching" | "connecting" | "connected" | "reconnecting";
export type InstrumentKind = "bloodPressure" | "pulseOximeter" | "thermometer";
export type DeviceStatus = { id: string; name: string | null; kind: InstrumentKind; state: DeviceState; lastError: string | null };
export type Candidate = { id: string; name: string | null; services: number[] };
export type DevicesView = { available: boolean; message?: string; paired: DeviceStatus[]; candidates: Candidate[] };
export type ReadingInput = { patientId: string; consultationId: string | null; reading: Reading; confirmUnusual: boolean };
export type ReadingsEvent =
  | { type: "devices"; devices: DevicesView }
  | { type: "recorded"; reading: RecordedReading }
  | { type: "refused"; deviceId: string; code: string; message: string };

export const readingsApi = {
  record: (input: ReadingInput) => call<RecordedReading>("readings_record", { input }),
  list: (consultationId: string) => call<RecordedReading[]>("readings_list", { consultationId }),
  trend: (patientId: string, perKind?: number) => call<TrendSeries[]>("readings_trend", { patientId, perKind: perKind ?? null }),
  open: (patientId: string, consultationId: string | null) => call<DevicesView>("readings_open", { patientId, consultationId }),
  close: () => call<null>("readings_close"),
  devices: () => call<DevicesView>("readings_devices"),
  pair: (id: string) => call<DevicesView>("readings_pair", { id }),
  forget: (id: string) => call<DevicesView>("readings_forget", { id }),
};

/** Follow `readings-event`; returns the function that stops listening. */
export function onReadingsEvent(cb: (e: ReadingsEvent) => void): () => void {
  let stopped = false;
  let unlisten: (() => void) | null = null;
  listen<ReadingsEvent>("readings-event", (ev) => {
    if (!stopped) cb(ev.payload);
  })
    .then((fn) => {
      if (stopped) fn();
      else unlisten = fn;
    })
    .catch(() => undefined);
  return () => {
    stopped = true;
    unlisten?.();
    unlisten = null;
  };
}

// ---- Kinds, fields, parsing ----------------------------------------------------------

/** The kinds, in the order of the entry tabs. */
export const KINDS: readonly ReadingKind[] = ["bloodPressure", "pulse", "spO2", "temperature", "weight", "glycaemia"];

type FieldSpec = { key: string; label: MessageKey; unit: string; decimals: boolean };
const FIELDS: Record<ReadingKind, FieldSpec[]> = {
  bloodPressure: [
    { key: "systolic", label: "readings.field.systolic", unit: "mmHg", decimals: false },
    { key: "diastolic", label: "readings.field.diastolic", unit: "mmHg", decimals: false },
  ],
  pulse: [{ key: "bpm", label: "readings.field.bpm", unit: "/min", decimals: false }],
  spO2: [{ key: "percent", label: "readings.field.percent", unit: "%", decimals: false }],
  temperature: [{ key: "celsius", label: "readings.field.celsius", unit: "°C", decimals: true }],
  weight: [{ key: "kg", label: "readings.field.kg", unit: "kg", decimals: true }],
  glycaemia: [{ key: "gPerL", label: "readings.field.gPerL", unit: "g/L", decimals: true }],
};

export function kindLabel(kind: ReadingKind): string {
  return t(`readings.kind.${kind}` as MessageKey);
}

/** The reading typed in the fields of `kind`, or the message of each field that is not a number. */
export function parseReading(
  kind: ReadingKind,
  values: Record<string, string>,
): { reading: Reading } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const numbers: Record<string, number> = {};
  for (const f of FIELDS[kind]) {
    const n = parseDecimal(values[f.key] ?? "");
    if (n === null) errors[f.key] = t("readings.error.required");
    else if (Number.isNaN(n)) errors[f.key] = t("readings.error.notNumber");
    else numbers[f.key] = n;
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { reading: { kind, ...numbers } as unknown as Reading };
}

/** "128/82 mmHg", "37,8 °C": the display of a reading (as the backend's `display`). */
export function formatReadingValue(r: Reading): string {
  const fixed = (n: number, d: number) => formatDecimal(Number(n.toFixed(d)), d);
  const trim = (n: number, d: number) => formatDecimal(Number(n.toFixed(d)));
  switch (r.kind) {
    case "bloodPressure":
      return `${fixed(r.systolic, 0)}/${fixed(r.diastolic, 0)} mmHg`;
    case "pulse":
      return `${fixed(r.bpm, 0)} /min`;
    case "spO2":
      return `${fixed(r.percent, 0)} %`;
    case "temperature":
      return `${fixed(r.celsius, 1)} °C`;
    case "weight":
      return `${trim(r.kg, 2)} kg`;
    case "glycaemia":
      return `${trim(r.gPerL, 2)} g/L`;
  }
}

/** "saisie manuelle" or "appareil <name or id>". */
export function sourceLabel(source: string, names: ReadonlyMap<string, string> = new Map()): string {
  return source === "manual" ? t("readings.source.manual") : t("readings.source.device", { name: names.get(source) ?? source });
}

/** The values a sparkline draws for a reading (blood pressure: systolic then diastolic). */
export function seriesValues(r: Reading): number[] {
  switch (r.kind) {
    case "bloodPressure":
      return [r.systolic, r.diastolic];
    case "pulse":
      return [r.bpm];
    case "spO2":
      return [r.percent];
    case "temperature":
      return [r.celsius];
    case "weight":
      return [r.kg];
    case "glycaemia":
      return [r.gPerL];
  }
}

/**
 * SVG path(s) of a sparkline: one polyline per line of values, scaled to `width`×`height`
 * with a 2 px margin; a single point is drawn as a short flat line.
 */
export function sparklinePaths(lines: number[][], width: number, height: number): string[] {
  const all = lines.flat().filter(Number.isFinite);
  if (all.length === 0) return [];
  const min = Math.min(...all);
  const max = Math.max(...all);
  const span = max - min || 1;
  const m = 2;
  const y = (v: number) => (max === min ? height / 2 : m + ((max - v) / span) * (height - 2 * m));
  return lines.map((values) => {
    if (values.length === 1) {
      const yy = y(values[0]).toFixed(1);
      return `M${m},${yy} L${width - m},${yy}`;
    }
    const step = (width - 2 * m) / (values.length - 1);
    return values.map((v, i) => `${i === 0 ? "M" : "L"}${(m + i * step).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  });
}

/** The state of an instrument in words and tone. */
export function deviceStateText(d: DeviceStatus): { text: string; tone: Tone } {
  switch (d.state) {
    case "searching":
      return { text: t("readings.device.searching"), tone: "neutral" };
    case "connecting":
      return { text: t("readings.device.connecting"), tone: "attention" };
    case "connected":
      return { text: t("readings.device.connected"), tone: "ok" };
    case "reconnecting":
      return { text: t("readings.device.reconnecting"), tone: "attention" };
  }
}

// ---- The panel ----------------------------------------------------------------------

export interface ReadingsPanelOptions {
  patientId: string;
  /** The consultation the readings belong to (null on the patient screen). */
  consultationId: string | null;
  /** Readings per kind in the trend. */
  perKind?: number;
}

export interface ReadingsPanel {
  el: HTMLElement;
  /** Reloads the list and the trend. */
  refresh(): Promise<void>;
  dispose(): void;
}

const SPARK_W = 120;
const SPARK_H = 32;
const SVG_NS = "http://www.w3.org/2000/svg";

export function readingsPanel(opts: ReadingsPanelOptions): ReadingsPanel {
  let disposed = false;
  let kind: ReadingKind = "bloodPressure";
  const names = new Map<string, string>();
  const lastMeasured = new Map<string, string>();
  let devicesView: DevicesView | null = null;

  // -- Instruments
  const devicesList = h("ul", { class: "readings-devices", testid: "readings-devices", "aria-live": "polite" });
  const deviceNotice = h("p", { class: "field-error", testid: "readings-device-notice", hidden: true, role: "status" });
  const devicesBox = h(
    "div",
    { class: "readings-devices-box" },
    h("h3", { class: "readings-subtitle" }, t("readings.devices")),
    devicesList,
    deviceNotice,
  );

  function renderDevices(v: DevicesView) {
    devicesView = v;
    for (const d of v.paired) if (d.name) names.set(d.id, d.name);
    const items: HTMLElement[] = [];
    if (!v.available) {
      items.push(h("li", { class: "muted", testid: "readings-devices-off" }, v.message ?? t("readings.device.unavailable")));
    } else if (v.paired.length === 0 && v.candidates.length === 0) {
      items.push(h("li", { class: "muted" }, t("readings.device.none")));
    }
    for (const d of v.paired) {
      const st = deviceStateText(d);
      const last = lastMeasured.get(d.id);
      items.push(
        h(
          "li",
          { class: "readings-device", testid: "readings-device", "data-state": d.state, "data-id": d.id },
          h("span", { class: "readings-device-name" }, d.name ?? d.id),
          pill(st.text, st.tone, { testid: "readings-device-state" }),
          last ? h("span", { class: "muted", testid: "readings-device-last" }, t("readings.device.received", { time: last })) : null,
        ),
      );
    }
    for (const c of v.candidates) {
      const pair = h("button", { type: "button", class: "btn btn-secondary", testid: "readings-pair" }, t("readings.device.pair"));
      pair.addEventListener("click", () => {
        void busy(pair, t("readings.device.pairing"), async () => {
          try {
            renderDevices(await readingsApi.pair(c.id));
          } catch (e) {
            showNotice((e as ApiError).message);
          }
        });
      });
      items.push(h("li", { class: "readings-device readings-candidate" }, h("span", { class: "readings-device-name" }, c.name ?? c.id), pair));
    }
    replace(devicesList, ...items);
  }

  function showNotice(message: string | null) {
    deviceNotice.textContent = message ?? "";
    deviceNotice.hidden = !message;
  }

  // -- Manual entry
  const tabs = h("div", { class: "readings-kinds", role: "radiogroup", "aria-label": t("readings.kindChoice") });
  const tabButtons = new Map<ReadingKind, HTMLButtonElement>();
  for (const k of KINDS) {
    const b = h("button", { type: "button", class: "btn readings-kind", role: "radio", testid: `readings-kind-${k}` }, kindLabel(k));
    b.addEventListener("click", () => selectKind(k));
    tabButtons.set(k, b);
    tabs.append(b);
  }
  const inputsBox = h("div", { class: "readings-inputs" });
  let fields: { spec: FieldSpec; f: Field }[] = [];
  const formError = errorPanel("readings-error");
  const save = h("button", { type: "submit", class: "btn btn-primary btn-large", testid: "readings-save" }, t("readings.save"));
  const saved = h("p", { class: "readings-saved", testid: "readings-saved", role: "status", hidden: true });
  const form = h(
    "form",
    { class: "readings-form", novalidate: true, testid: "readings-form" },
    h("h3", { class: "readings-subtitle" }, t("readings.manual")),
    tabs,
    inputsBox,
    formError.el,
    h("div", { class: "actions" }, save),
    saved,
  );

  function selectKind(k: ReadingKind) {
    kind = k;
    for (const [key, b] of tabButtons) {
      b.setAttribute("aria-checked", String(key === k));
      b.classList.toggle("readings-kind--on", key === k);
    }
    fields = FIELDS[k].map((spec) => {
      const input = textInput({
        class: "input input-large readings-input",
        inputmode: spec.decimals ? "decimal" : "numeric",
        "data-field": spec.key,
      });
      const f = field({
        testid: `readings-input-${spec.key}`,
        errorTestid: `readings-error-${spec.key}`,
        label: t(spec.label),
        control: input,
        after: h("span", { class: "readings-unit" }, spec.unit),
        class: "readings-field",
      });
      return { spec, f };
    });
    replace(inputsBox, ...fields.map((x) => x.f.wrap));
    formError.show(null);
    saved.hidden = true;
  }

  function values(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { spec, f } of fields) out[spec.key] = f.control.value;
    return out;
  }

  function clearErrors() {
    for (const { f } of fields) f.setError(null);
    formError.show(null);
  }

  function showFieldErrors(errors: Record<string, string>): boolean {
    let any = false;
    for (const { spec, f } of fields) {
      const m = errors[spec.key];
      if (m) {
        f.setError(m);
        if (!any) f.control.focus();
        any = true;
      }
    }
    return any;
  }

  // -- Confirmation dialog for unusual values
  const confirmText = h("p", { id: "readings-confirm-text", testid: "readings-confirm-text" });
  const confirmYes = h("button", { type: "button", class: "btn btn-primary", testid: "readings-confirm-yes" }, t("readings.confirm.yes"));
  const confirmNo = h("button", { type: "button", class: "btn btn-secondary", testid: "readings-confirm-no" }, t("readings.confirm.no"));
  const dialog = h(
    "div",
    {
      class: "modal-backdrop readings-confirm",
      role: "alertdialog",
      "aria-modal": "true",
      "aria-labelledby": "readings-confirm-title",
      "aria-describedby": "readings-confirm-text",
      testid: "readings-confirm",
      hidden: true,
    },
    h(
      "div",
      { class: "modal" },
      h("h2", { id: "readings-confirm-title", class: "section-title" }, t("readings.confirm.title")),
      confirmText,
      h("div", { class: "actions" }, confirmNo, confirmYes),
    ),
  );
  let pending: Reading | null = null;
  confirmNo.addEventListener("click", () => closeConfirm(true));
  dialog.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      closeConfirm(true);
    }
  });
  confirmYes.addEventListener("click", () => {
    const r = pending;
    closeConfirm(false);
    if (r) void submit(r, true);
  });
  function openConfirm(message: string, r: Reading) {
    pending = r;
    confirmText.textContent = message;
    dialog.hidden = false;
    confirmNo.focus();
  }
  function closeConfirm(backToField: boolean) {
    dialog.hidden = true;
    pending = null;
    if (backToField) fields[0]?.f.control.focus();
  }

  async function submit(reading: Reading, confirmUnusual: boolean) {
    await busy(save, t("readings.saving"), async () => {
      try {
        const r = await readingsApi.record({ patientId: opts.patientId, consultationId: opts.consultationId, reading, confirmUnusual });
        for (const { f } of fields) f.control.value = "";
        saved.textContent = r.pushed ? t("readings.savedPushed", { value: r.display }) : t("readings.saved", { value: r.display });
        saved.hidden = false;
        addReading(r);
        void loadTrend();
        fields[0]?.f.control.focus();
      } catch (e) {
        const err = e as ApiError;
        if (err.code === "CONFIRMATION_REQUIRED") {
          openConfirm(err.message, reading);
          return;
        }
        if (isGlobalError(err)) return;
        const byField: Record<string, string> = {};
        for (const fe of err.fields ?? []) byField[fe.field] = fe.message;
        if (err.field && !byField[err.field]) byField[err.field] = err.message;
        if (!showFieldErrors(byField)) formError.show(err);
      }
    });
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearErrors();
    saved.hidden = true;
    const parsed = parseReading(kind, values());
    if ("errors" in parsed) {
      showFieldErrors(parsed.errors);
      return;
    }
    void submit(parsed.reading, false);
  });

  // -- This consultation's readings
  const list = h("ul", { class: "readings-list", testid: "readings-list" });
  const listEmpty = h("p", { class: "muted", testid: "readings-empty" }, t("readings.empty"));
  const listBox = h("div", { hidden: opts.consultationId === null }, h("h3", { class: "readings-subtitle" }, t("readings.taken")), listEmpty, list);
  const shown = new Set<string>();

  function readingItem(r: RecordedReading): HTMLElement {
    return h(
      "li",
      { class: `readings-item${r.unusual ? " readings-item--unusual" : ""}`, testid: "readings-item", "data-kind": r.kind },
      h("span", { class: "readings-item-label" }, kindLabel(r.kind)),
      h("span", { class: "readings-item-value" }, r.display || formatReadingValue(r.reading)),
      h("span", { class: "readings-item-meta muted" }, t("readings.meta", { time: formatTime(r.takenAt), source: sourceLabel(r.source, names) })),
      r.unusual ? h("span", { class: "readings-item-flag" }, r.confirmedUnusual ? t("readings.unusualConfirmed") : t("readings.unusualDevice")) : null,
    );
  }

  function addReading(r: RecordedReading) {
    if (r.consultationId !== opts.consultationId || r.patientId !== opts.patientId || shown.has(r.id)) return;
    shown.add(r.id);
    list.prepend(readingItem(r));
    listEmpty.hidden = true;
  }

  // -- Trend
  const trendBox = h("div", { class: "readings-trend", testid: "readings-trend" });
  function renderTrend(series: TrendSeries[]) {
    if (series.length === 0) {
      replace(trendBox, h("p", { class: "muted" }, t("readings.trendEmpty")));
      return;
    }
    replace(
      trendBox,
      ...series.map((s) => {
        const points = s.points.map((p) => seriesValues(p.reading));
        const lines = points[0]?.map((_, i) => points.map((p) => p[i])) ?? [];
        const svg = document.createElementNS(SVG_NS, "svg");
        svg.setAttribute("viewBox", `0 0 ${SPARK_W} ${SPARK_H}`);
        svg.setAttribute("width", String(SPARK_W));
        svg.setAttribute("height", String(SPARK_H));
        svg.setAttribute("aria-hidden", "true");
        svg.setAttribute("class", "sparkline");
        for (const d of sparklinePaths(lines, SPARK_W, SPARK_H)) {
          const path = document.createElementNS(SVG_NS, "path");
          path.setAttribute("d", d);
          svg.append(path);
        }
        const last = s.points.slice(-3).reverse();
        return h(
          "div",
          { class: "readings-trend-row", testid: "readings-trend-row", "data-kind": s.kind },
          h("span", { class: "readings-item-label" }, kindLabel(s.kind)),
          svg,
          h(
            "ul",
            { class: "readings-trend-last" },
            ...last.map((p) => h("li", null, t("readings.trendPoint", { value: p.display, date: formatDate(p.takenAt) }))),
          ),
        );
      }),
    );
  }

  async function loadTrend() {
    try {
      const series = await readingsApi.trend(opts.patientId, opts.perKind);
      if (!disposed) renderTrend(series);
    } catch (e) {
      if (!disposed && !isGlobalError(e as ApiError)) replace(trendBox, h("p", { class: "field-error" }, (e as ApiError).message));
    }
  }

  const el = h(
    "section",
    { class: "card readings-panel", testid: "readings-panel", "aria-labelledby": "readings-title" },
    h("h2", { class: "section-title", id: "readings-title" }, t("readings.title")),
    devicesBox,
    form,
    listBox,
    h("div", null, h("h3", { class: "readings-subtitle" }, t("readings.trend")), trendBox),
    dialog,
  );

  const unlisten = onReadingsEvent((e) => {
    if (disposed) return;
    if (e.type === "devices") renderDevices(e.devices);
    else if (e.type === "recorded") {
      if (e.reading.source !== "manual") {
        lastMeasured.set(e.reading.source, formatTime(e.reading.takenAt));
        showNotice(null);
        if (devicesView) renderDevices(devicesView);
      }
      addReading(e.reading);
      if (e.reading.patientId === opts.patientId) void loadTrend();
    } else if (e.type === "refused") {
      showNotice(t("readings.device.refused", { name: names.get(e.deviceId) ?? e.deviceId, message: e.message }));
    }
  });

  async function refresh() {
    try {
      renderDevices(await readingsApi.open(opts.patientId, opts.consultationId));
    } catch (e) {
      if (!isGlobalError(e as ApiError)) renderDevices({ available: false, message: (e as ApiError).message, paired: [], candidates: [] });
    }
    if (opts.consultationId) {
      try {
        const rs = await readingsApi.list(opts.consultationId);
        if (!disposed) for (const r of rs) addReading(r);
      } catch (e) {
        if (!disposed && !isGlobalError(e as ApiError)) formError.show(e as ApiError);
      }
    }
    await loadTrend();
  }

  selectKind("bloodPressure");
  void refresh();

  return {
    el,
    refresh,
    dispose() {
      disposed = true;
      unlisten();
      void readingsApi.close().catch(() => undefined);
    },
  };
}
