import { describe, expect, it } from "vitest";
import {
  ClipAssembler,
  gainOf,
  isStethoscopeStream,
  levelOf,
  parseStethoscopeMessage,
  recordControl,
  StethoscopePanel,
  type StethoscopeMessage,
} from "../../src/console/stethoscope";
import { clipProgress, formatClock, parseClipBounds } from "../../src/lib/clip-timer";
import { parseDataMessage } from "../../src/console/protocol";

describe("stethoscope (console)", () => {
  it("parses its data-channel messages and refuses malformed ones", () => {
    expect(parseStethoscopeMessage({ type: "stethoscopeState", on: true })).toEqual({ type: "stethoscopeState", on: true });
    expect(parseStethoscopeMessage({ type: "stethoscopeState", on: "yes" })).toBeNull();
    expect(parseStethoscopeMessage({ type: "clipState", clipId: "c", state: "stored", seconds: 15 })).toEqual({ type: "clipState", clipId: "c", state: "stored", seconds: 15 });
    expect(parseStethoscopeMessage({ type: "clipState", clipId: "c", state: "lost", seconds: 15 })).toBeNull();
    expect(parseStethoscopeMessage({ type: "clipChunk", clipId: "c", mime: "audio/wav", index: 2, count: 2, data: "" })).toBeNull();
    expect(parseDataMessage(JSON.stringify({ type: "stethoscopeState", on: false }))).toEqual({ type: "stethoscopeState", on: false });
  });

  it("reassembles a clip from pieces in any order", () => {
    const a = new ClipAssembler();
    const piece = (index: number, bytes: number[]) => ({ type: "clipChunk" as const, clipId: "c", mime: "audio/wav", index, count: 2, data: btoa(String.fromCharCode(...bytes)) });
    expect(a.add(piece(1, [3, 4]))).toBeNull();
    const whole = a.add(piece(0, [1, 2]));
    expect(whole?.mime).toBe("audio/wav");
    expect(Array.from(whole!.bytes)).toEqual([1, 2, 3, 4]);
  });

  it("gain up to +20 dB, levels in dBFS, the stethoscope's stream by its id", () => {
    expect(gainOf(20)).toBeCloseTo(10);
    expect(gainOf(40)).toBeCloseTo(10);
    expect(gainOf(0)).toBe(1);
    const half = new Float32Array(4800).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 48000));
    const l = levelOf(half);
    expect(l.peakDb).toBeCloseTo(-6, 0);
    expect(l.rmsDb).toBeCloseTo(-9, 0);
    expect(l.clipped).toBe(false);
    expect(levelOf(new Float32Array([1, -1])).clipped).toBe(true);
    expect(isStethoscopeStream({ id: "stethoscope" } as MediaStream)).toBe(true);
    expect(isStethoscopeStream({ id: "relais-station" } as MediaStream)).toBe(false);
  });
});

describe("stethoscope clips started and stopped by the GP", () => {
  const bounds = { minSeconds: 10, maxSeconds: 30 };

  it("reads the station's bounds and the stop message", () => {
    expect(parseStethoscopeMessage({ type: "stethoscopeState", on: true, clip: bounds })).toEqual({ type: "stethoscopeState", on: true, clip: bounds });
    // Malformed bounds are dropped, the state kept.
    expect(parseStethoscopeMessage({ type: "stethoscopeState", on: true, clip: { minSeconds: 30, maxSeconds: 10 } })).toEqual({ type: "stethoscopeState", on: true });
    expect(parseStethoscopeMessage({ type: "clipStop", clipId: "c" })).toEqual({ type: "clipStop", clipId: "c" });
    expect(parseStethoscopeMessage({ type: "clipStop" })).toBeNull();
  });

  it("offers the start only when the stethoscope is on and the bounds known", () => {
    expect(recordControl(null, null, true, 0)).toMatchObject({ action: "start", disabled: true });
    expect(recordControl(null, bounds, false, 0)).toMatchObject({ action: "start", disabled: true });
    const ready = recordControl(null, bounds, true, 0);
    expect(ready).toMatchObject({ action: "start", disabled: false, label: "Démarrer l’enregistrement" });
    expect(ready.hint).toContain("de 10 à 30 s");
  });

  it("refuses the stop before the shortest length, with a running timer", () => {
    expect(recordControl({}, bounds, true, 0)).toMatchObject({ action: "stop", disabled: true, timer: "0:00" });
    const early = recordControl({ startedMs: 1000 }, bounds, true, 1000 + 6_400);
    expect(early).toMatchObject({ action: "stop", disabled: true, timer: "0:06 / 0:30", seconds: 6 });
    expect(early.hint).toContain("dans 4 s");
    const late = recordControl({ startedMs: 1000 }, bounds, true, 1000 + 12_000);
    expect(late).toMatchObject({ action: "stop", disabled: false, label: "Arrêter l’enregistrement", timer: "0:12 / 0:30" });
    expect(late.hint).toContain("0:30");
    // The timer never goes past the longest.
    expect(recordControl({ startedMs: 0 }, bounds, true, 45_000).timer).toBe("0:30 / 0:30");
    expect(recordControl({ startedMs: 0, stopping: true }, bounds, true, 12_000)).toMatchObject({ disabled: true });
  });

  it("sends clipRequest then clipStop; a stop too early is answered and the clip goes on", () => {
    let now = 0;
    const sent: unknown[] = [];
    const p = new StethoscopePanel({ send: (m) => (sent.push(m), true), now: () => new Date(now) });
    const btn = p.root.querySelector<HTMLButtonElement>("[data-testid=steth-record]")!;
    const timer = p.root.querySelector<HTMLElement>("[data-testid=steth-timer]")!;
    expect(btn.disabled).toBe(true);
    p.handle({ type: "stethoscopeState", on: true, clip: bounds } as StethoscopeMessage);
    expect(btn.disabled).toBe(false);
    btn.click();
    const req = sent[0] as { type: string; clipId: string; seconds: number };
    expect(req).toMatchObject({ type: "clipRequest", seconds: 30 });
    expect(btn.dataset.action).toBe("stop");
    expect(btn.disabled).toBe(true);
    // The timer starts when the station says it records.
    now = 500;
    p.handle({ type: "clipState", clipId: req.clipId, state: "recording", seconds: 30 } as StethoscopeMessage);
    now = 5_500;
    p.handle({ type: "stethoscopeState", on: true, clip: bounds } as StethoscopeMessage);
    expect(timer.hidden).toBe(false);
    expect(timer.textContent).toBe("0:05 / 0:30");
    expect(btn.disabled).toBe(true);
    now = 11_000;
    p.handle({ type: "stethoscopeState", on: true, clip: bounds } as StethoscopeMessage);
    expect(btn.disabled).toBe(false);
    btn.click();
    expect(sent[1]).toEqual({ type: "clipStop", clipId: req.clipId });
    expect(btn.disabled).toBe(true);
    // The station found it too short (clocks apart): the clip goes on, the GP is told.
    p.handle({ type: "clipState", clipId: req.clipId, state: "recording", seconds: 30, code: "CLIP_TOO_SHORT" } as StethoscopeMessage);
    expect(p.root.querySelector("[data-testid=steth-clip-notice]")!.textContent).toContain("au moins 10 s");
    expect(p.root.querySelector("[data-testid=steth-clip]")!.getAttribute("data-state")).toBe("recording");
    expect(btn.disabled).toBe(false);
    // Stored: the button starts a new clip again.
    p.handle({ type: "clipState", clipId: req.clipId, state: "stored", seconds: 12.3 } as StethoscopeMessage);
    expect(btn.dataset.action).toBe("start");
    expect(timer.hidden).toBe(true);
    expect(p.root.querySelector("[data-testid=steth-clip]")!.getAttribute("data-seconds")).toBe("12.3");
    p.dispose();
  });
});

describe("clip timer", () => {
  it("formats and bounds the time", () => {
    expect(formatClock(0)).toBe("0:00");
    expect(formatClock(7.9)).toBe("0:07");
    expect(formatClock(90)).toBe("1:30");
    expect(parseClipBounds({ minSeconds: 10, maxSeconds: 30 })).toEqual({ minSeconds: 10, maxSeconds: 30 });
    expect(parseClipBounds({ minSeconds: "10", maxSeconds: 30 })).toBeNull();
    expect(parseClipBounds(null)).toBeNull();
    expect(clipProgress(0, 9_999, { minSeconds: 10, maxSeconds: 30 })).toEqual({ seconds: 9, canStop: false, waitSeconds: 1 });
    expect(clipProgress(0, 10_000, { minSeconds: 10, maxSeconds: 30 })).toEqual({ seconds: 10, canStop: true, waitSeconds: 0 });
  });
});
