/**
 * NIR (n° de sécurité sociale) as typed by a person: normalisation and display grouping.
 *
 * Display groups: sex 1, year 2, month 2, department 2, commune 3, order 3, key 2 →
 * `1 50 11 28 123 456 78`. Corsica departments keep their letter (`2A`, `2B`).
 * Validation (key check) is the backend's job (`validate_patient`); nothing here decides
 * whether a number is valid.
 */

/** Lengths of the display groups. */
export const NIR_GROUPS = [1, 2, 2, 2, 3, 3, 2] as const;
export const NIR_LENGTH = 15;

/** Keep the significant characters (digits, A/B for Corsica), upper case, at most 15. */
export function normaliseNir(text: string): string {
  return text
    .toUpperCase()
    .replace(/[^0-9AB]/g, "")
    .slice(0, NIR_LENGTH);
}

/** `1501128123456 78` → `1 50 11 28 123 456 78` (partial input is grouped as far as it goes). */
export function formatNir(text: string): string {
  const raw = normaliseNir(text);
  const out: string[] = [];
  let i = 0;
  for (const len of NIR_GROUPS) {
    if (i >= raw.length) break;
    out.push(raw.slice(i, i + len));
    i += len;
  }
  return out.join(" ");
}

/**
 * Re-format an input's value and say where the caret goes: the caret keeps the same number
 * of significant characters before it. `format` must only add/remove non-significant chars.
 */
export function reformat(
  value: string,
  caret: number,
  format: (s: string) => string,
  isSignificant: (ch: string) => boolean,
): { value: string; caret: number } {
  const formatted = format(value);
  let before = 0;
  for (const ch of value.slice(0, caret)) if (isSignificant(ch)) before++;
  let pos = 0;
  let seen = 0;
  while (pos < formatted.length && seen < before) {
    if (isSignificant(formatted[pos])) seen++;
    pos++;
  }
  return { value: formatted, caret: Math.min(pos, formatted.length) };
}

export const isNirChar = (ch: string) => /[0-9ABab]/.test(ch);
