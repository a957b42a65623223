import { describe, expect, it } from "vitest";
import { formatNir, isNirChar, normaliseNir, reformat } from "../src/lib/nir";

describe("NIR display grouping", () => {
  it("groups 1 2 2 2 3 3 2", () => {
    expect(formatNir("150112808512399")).toBe("1 50 11 28 085 123 99");
    expect(formatNir("1 50 11 28 085 123 99")).toBe("1 50 11 28 085 123 99");
  });
  it("groups partial input as far as it goes", () => {
    expect(formatNir("")).toBe("");
    expect(formatNir("1")).toBe("1");
    expect(formatNir("15")).toBe("1 5");
    expect(formatNir("150")).toBe("1 50");
    expect(formatNir("1501128")).toBe("1 50 11 28");
    expect(formatNir("15011280851")).toBe("1 50 11 28 085 1");
  });
  it("keeps Corsica letters, drops the rest, stops at 15", () => {
    expect(formatNir("2 85 07 2a 004 015 26")).toBe("2 85 07 2A 004 015 26");
    expect(normaliseNir("1-50.11 28x0851239912345")).toBe("150112808512399");
  });
  it("keeps the caret after the same digit while regrouping", () => {
    // typing the 4th digit at the end
    expect(reformat("1 501", 5, formatNir, isNirChar)).toEqual({ value: "1 50 1", caret: 6 });
    // inserting a digit in the middle: caret after the inserted one
    expect(reformat("1 590 11", 4, formatNir, isNirChar)).toEqual({ value: "1 59 01 1", caret: 4 });
    // deleting a space does not get stuck
    expect(reformat("150 11", 1, formatNir, isNirChar)).toEqual({ value: "1 50 11", caret: 1 });
  });
});
