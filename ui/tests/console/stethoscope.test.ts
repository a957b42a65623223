import { describe, expect, it } from "vitest";
import { ClipAssembler, gainOf, isStethoscopeStream, levelOf, parseStethoscopeMessage } from "../../src/console/stethoscope";
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
