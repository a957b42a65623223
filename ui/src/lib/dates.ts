/**
 * Dates typed by a person as JJ/MM/AAAA: input mask and parsing to ISO `YYYY-MM-DD`.
 * Only the calendar is checked here (31/02 is refused); plausibility (future date, too old)
 * is the backend's job.
 */

const pad2 = (s: string) => s.padStart(2, "0");

/** Is y-m-d a real calendar day? */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1];
}

/**
 * `24/11/1950` (also `24-11-1950`, `24.11.1950`, `2/3/1950`) or ISO `1950-11-24` → `1950-11-24`.
 * Returns null when the text is not a complete, real date.
 */
export function parseFrDate(text: string): string | null {
  const s = text.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return isCalendarDate(y, mo, d) ? s : null;
  }
  m = /^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})$/.exec(s);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDate(y, mo, d)) return null;
  return `${m[3]}-${pad2(m[2])}-${pad2(m[1])}`;
}

/** `1950-11-24` → `24/11/1950` (for filling the input from a stored patient). */
export function isoToFr(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/**
 * Input mask for JJ/MM/AAAA while typing: digits only, slashes inserted between groups
 * (only once the next group has started, so Backspace never gets stuck on a slash).
 * A day or month typed with one digit and closed with a separator is padded: `2/3/` → `02/03`.
 * A pasted ISO date is converted.
 */
export function maskFrDate(text: string): string {
  const iso = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);
  if (iso) return `${iso[3]}/${iso[2]}/${iso[1]}`;
  const parts = text.split(/[^0-9]+/);
  let digits = "";
  parts.forEach((p, i) => {
    const closed = i < parts.length - 1; // a separator follows this part
    if (closed && p.length === 1 && digits.length < 4 && digits.length % 2 === 0) digits += `0${p}`;
    else digits += p;
  });
  digits = digits.slice(0, 8);
  const groups = [digits.slice(0, 2), digits.slice(2, 4), digits.slice(4, 8)].filter((g) => g !== "");
  return groups.join("/");
}

export const isDigit = (ch: string) => ch >= "0" && ch <= "9";
