/**
 * French display of what the console shows: readings with their unit (as
 * `relais_core::measurement::format_fr`: "128/82 mmHg", "72 /min", "98 %", "37,8 °C",
 * "72,5 kg", "1,05 g/L"), durations, waiting times, priority codes.
 */
import { formatDecimal, has, t } from "../lib/i18n";
import type { Reading } from "./protocol";

/** Fixed decimals with a comma; "?" when not a finite number. */
function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? formatDecimal(Number(n.toFixed(digits)) === 0 ? 0 : n, digits) : "?";
}

/** At most `digits` decimals, trailing zeros dropped. */
function trimmed(n: number, digits: number): string {
  return Number.isFinite(n) ? formatDecimal(Number(n.toFixed(digits))) : "?";
}

/** The value with its unit. */
export function formatReading(r: Reading): string {
  switch (r.kind) {
    case "bloodPressure":
      return t("console.unit.bloodPressure", { systolic: fixed(r.systolic, 0), diastolic: fixed(r.diastolic, 0) });
    case "pulse":
      return t("console.unit.pulse", { value: fixed(r.bpm, 0) });
    case "spO2":
      return t("console.unit.spO2", { value: fixed(r.percent, 0) });
    case "temperature":
      return t("console.unit.temperature", { value: fixed(r.celsius, 1) });
    case "weight":
      return t("console.unit.weight", { value: trimmed(r.kg, 2) });
    case "glycaemia":
      return t("console.unit.glycaemia", { value: trimmed(r.gPerL, 2) });
  }
}

/** "Température", "Tension artérielle"… */
export function readingLabel(r: Reading): string {
  const key = `console.reading.${r.kind}`;
  return has(key) ? t(key) : r.kind;
}

/** "saisie manuelle" or "appareil <id>". */
export function readingSource(source: string): string {
  return source === "manual" ? t("console.call.sourceManual") : t("console.call.sourceDevice", { id: source });
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** Waiting time: "moins d’une minute", "12 min", "1 h 05". */
export function formatWaited(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return t("console.duration.lessThanMinute");
  if (minutes < 60) return t("console.duration.minutes", { n: minutes });
  return t("console.duration.hours", { h: String(Math.floor(minutes / 60)), mm: pad2(minutes % 60) });
}

/** Call duration: "12 min 05 s", "1 h 02". */
export function formatCallDuration(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds >= 3600) return formatWaited(ms);
  return t("console.duration.seconds", { m: String(Math.floor(seconds / 60)), ss: pad2(seconds % 60) });
}

/** Priority code → key of the station's catalogue ("priority.*"). */
const PRIORITY_KEYS: Record<string, string> = {
  NO_TREATING_DOCTOR: "priority.noTreatingDoctor",
  MOBILITY_DIFFICULTY: "priority.mobilityDifficulty",
  LONG_DELAY: "priority.longDelay",
  AGE_70_PLUS: "priority.age70Plus",
  CHRONIC_DISEASE: "priority.chronicDisease",
  C2S: "priority.c2s",
};

/** French label of a priority code; the code itself when unknown. */
export function priorityLabel(code: string): string {
  const key = PRIORITY_KEYS[code];
  return key && has(key) ? t(key) : code;
}
