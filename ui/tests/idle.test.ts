import { describe, expect, it } from "vitest";
import { IdleTimer } from "../src/lib/idle";

describe("inactivity timer", () => {
  it("does nothing until armed", () => {
    const idle = new IdleTimer(60_000);
    expect(idle.tick(1_000_000)).toBeNull();
    expect(idle.activity(1_000_000)).toBeNull();
  });

  it("locks once after the delay without activity", () => {
    const idle = new IdleTimer(60_000);
    idle.arm(0);
    expect(idle.tick(59_999)).toBeNull();
    expect(idle.tick(60_000)).toBe("lock");
    expect(idle.isArmed).toBe(false);
    expect(idle.tick(120_000)).toBeNull();
  });

  it("activity pushes the lock back", () => {
    const idle = new IdleTimer(60_000);
    idle.arm(0);
    idle.activity(50_000);
    expect(idle.tick(100_000)).toBeNull();
    expect(idle.remaining(100_000)).toBe(10_000);
    expect(idle.tick(110_000)).toBe("lock");
  });

  it("asks for a heartbeat at most every 30 s while the user acts", () => {
    const idle = new IdleTimer(300_000);
    idle.arm(0);
    const touches = [];
    for (let now = 0; now <= 95_000; now += 1_000) if (idle.activity(now) === "touch") touches.push(now);
    expect(touches).toEqual([30_000, 60_000, 90_000]);
  });

  it("re-arming after unlock starts a new period", () => {
    const idle = new IdleTimer(10_000);
    idle.arm(0);
    expect(idle.tick(10_000)).toBe("lock");
    idle.arm(20_000);
    expect(idle.tick(29_000)).toBeNull();
    expect(idle.tick(30_000)).toBe("lock");
  });

  it("a delay of 0 never locks; disarm stops everything", () => {
    const idle = new IdleTimer(0);
    idle.arm(0);
    expect(idle.tick(1e9)).toBeNull();
    idle.timeoutMs = 5_000;
    idle.disarm();
    expect(idle.tick(1e9)).toBeNull();
  });
});
