/**
 * Inactivity logic, told the time (no clock inside, deterministic in tests).
 *
 * - `arm(now)` starts watching (after sign-in or unlock); `disarm()` stops (signed out, locked).
 * - `activity(now)` on keyboard/mouse input; returns `"touch"` when the backend heartbeat is due
 *   (at most once every `heartbeatMs` while the user acts).
 * - `tick(now)` from a periodic timer; returns `"lock"` once `timeoutMs` passed without
 *   activity, then disarms itself (one lock per period of inactivity).
 */
export type IdleAction = "lock" | "touch" | null;

export class IdleTimer {
  private armed = false;
  private lastActivity = 0;
  private lastTouch = 0;

  constructor(
    public timeoutMs: number,
    public readonly heartbeatMs = 30_000,
  ) {}

  get isArmed(): boolean {
    return this.armed;
  }

  arm(now: number): void {
    this.armed = true;
    this.lastActivity = now;
    this.lastTouch = now;
  }

  disarm(): void {
    this.armed = false;
  }

  activity(now: number): IdleAction {
    if (!this.armed) return null;
    this.lastActivity = now;
    if (now - this.lastTouch >= this.heartbeatMs) {
      this.lastTouch = now;
      return "touch";
    }
    return null;
  }

  tick(now: number): IdleAction {
    if (!this.armed || this.timeoutMs <= 0) return null;
    if (now - this.lastActivity >= this.timeoutMs) {
      this.armed = false;
      return "lock";
    }
    return null;
  }

  /** Milliseconds left before the lock (for display/tests). */
  remaining(now: number): number {
    return this.armed ? Math.max(0, this.timeoutMs - (now - this.lastActivity)) : Number.POSITIVE_INFINITY;
  }
}
