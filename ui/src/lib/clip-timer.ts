/**
 * The running timer of a stethoscope clip, on both sides. The bounds (shortest and longest
 * clip) are the station's (`relais_core::auscultation`), received with the stethoscope's
 * state; nothing here decides them.
 */

/** Clip lengths accepted by the station, seconds. */
export type ClipBounds = { minSeconds: number; maxSeconds: number };

/** Reads the bounds of a message field; null when absent or malformed. */
export function parseClipBounds(v: unknown): ClipBounds | null {
  if (!v || typeof v !== "object") return null;
  const { minSeconds, maxSeconds } = v as Record<string, unknown>;
  if (typeof minSeconds !== "number" || typeof maxSeconds !== "number") return null;
  if (!(minSeconds > 0 && maxSeconds >= minSeconds)) return null;
  return { minSeconds, maxSeconds };
}

/** Where a running clip is: whole seconds recorded (capped at the longest), whether it may stop. */
export function clipProgress(startedMs: number, nowMs: number, b: ClipBounds): { seconds: number; canStop: boolean; waitSeconds: number } {
  const elapsed = Math.max(0, (nowMs - startedMs) / 1000);
  const seconds = Math.min(b.maxSeconds, Math.floor(elapsed));
  return { seconds, canStop: elapsed >= b.minSeconds, waitSeconds: Math.max(0, Math.ceil(b.minSeconds - elapsed)) };
}

/** Seconds as a clock, `0:07`, `1:30`. */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
