import { describe, expect, it } from "vitest";
import { isCalendarDate, isoToFr, maskFrDate, parseFrDate } from "../src/lib/dates";

describe("DD/MM/YYYY parsing", () => {
  it("parses French dates to ISO", () => {
    expect(parseFrDate("24/11/1950")).toBe("1950-11-24");
    expect(parseFrDate(" 24/11/1950 ")).toBe("1950-11-24");
    expect(parseFrDate("2/3/1950")).toBe("1950-03-02");
    expect(parseFrDate("24-11-1950")).toBe("1950-11-24");
    expect(parseFrDate("24.11.1950")).toBe("1950-11-24");
    expect(parseFrDate("1950-11-24")).toBe("1950-11-24");
  });
  it("refuses impossible or incomplete dates", () => {
    expect(parseFrDate("31/02/1950")).toBeNull();
    expect(parseFrDate("29/02/1900")).toBeNull();
    expect(parseFrDate("29/02/2000")).toBe("2000-02-29");
    expect(parseFrDate("29/02/2024")).toBe("2024-02-29");
    expect(parseFrDate("24/13/1950")).toBeNull();
    expect(parseFrDate("24/11/50")).toBeNull();
    expect(parseFrDate("24/11")).toBeNull();
    expect(parseFrDate("")).toBeNull();
    expect(parseFrDate("1950-02-30")).toBeNull();
    expect(isCalendarDate(2023, 2, 29)).toBe(false);
  });
  it("shows an ISO date the French way", () => {
    expect(isoToFr("1950-11-24")).toBe("24/11/1950");
  });
});

describe("typing mask", () => {
  /** Simulate typing character by character, the mask applied after each one. */
  const typeIn = (keys: string) => [...keys].reduce((v, k) => maskFrDate(v + k), "");

  it("typing with slashes gives DD/MM/YYYY", () => {
    expect(typeIn("24/11/1950")).toBe("24/11/1950");
  });
  it("typing digits only inserts the slashes", () => {
    expect(typeIn("24111950")).toBe("24/11/1950");
    expect(maskFrDate("241")).toBe("24/1");
    expect(maskFrDate("24")).toBe("24");
  });
  it("pads a one-digit day or month closed by a slash", () => {
    expect(typeIn("2/3/1950")).toBe("02/03/1950");
  });
  it("backspace over a slash is not undone", () => {
    expect(maskFrDate("24/")).toBe("24");
    expect(maskFrDate("24/1")).toBe("24/1");
  });
  it("stops at 8 digits and converts a pasted ISO date", () => {
    expect(maskFrDate("24/11/19501")).toBe("24/11/1950");
    expect(maskFrDate("1950-11-24")).toBe("24/11/1950");
  });
});
