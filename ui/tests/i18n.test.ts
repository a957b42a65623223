import { describe, expect, it } from "vitest";
import { PRIORITY_KEYS, QUESTIONS, SEXES, SITE_KINDS, type ConsultationState } from "../src/lib/api";
import {
  catalogue,
  formatAge,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatNumber,
  formatTime,
  has,
  parseDecimal,
  pluralCatalogue,
  pluralForm,
  t,
  tn,
} from "../src/lib/i18n";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("catalogue", () => {
  it("has no empty message", () => {
    for (const [k, v] of Object.entries(catalogue)) expect(v.trim(), k).not.toBe("");
    for (const [k, v] of Object.entries(pluralCatalogue)) {
      expect(v.one.trim(), k).not.toBe("");
      expect(v.other.trim(), k).not.toBe("");
    }
  });

  it("has a message for every key built from data", () => {
    const states: ConsultationState[] = ["draft", "triaged", "requested", "inCall", "reported", "closed", "excluded", "cancelled"];
    const keys = [
      ...SITE_KINDS.map((k) => `site.kind.${k}`),
      ...SEXES.map((s) => `sex.${s}`),
      ...states.map((s) => `cstate.${s}`),
      ...PRIORITY_KEYS.map((p) => `priority.${p}`),
      "priority.age70Plus",
      ...QUESTIONS.map((q) => `intake.q.${q}`),
    ];
    for (const k of keys) expect(has(k), k).toBe(true);
  });

  it("keeps the exact wording of the safety questions", () => {
    expect(t("intake.q.abdominalPain")).toBe("Le patient a-t-il mal au ventre (douleur abdominale) ?");
    expect(t("intake.q.technicalGesture")).toBe("Faut-il un geste technique (suture, points, plâtre…) ?");
    expect(t("intake.q.emergencySigns")).toBe(
      "Y a-t-il un signe d’urgence : douleur dans la poitrine, signes d’AVC, grande difficulté à respirer, perte de connaissance ?",
    );
    expect(t("intake.consent")).toBe("Le patient consent à la téléconsultation");
    expect(t("redirect.ack")).toBe("J’ai orienté le patient");
    expect(t("audit.ok")).toBe("Chaîne d’audit vérifiée ✓");
  });

  it("singular forms use no placeholder unknown to the plural form", () => {
    for (const [k, v] of Object.entries(pluralCatalogue)) {
      for (const p of placeholders(v.one)) expect(placeholders(v.other), k).toContain(p);
    }
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(t("locked.user", { name: "Claire Dupont" })).toBe("Compte : Claire Dupont");
    expect(t("locked.user")).toBe("Compte : {name}");
  });
});

describe("French formatting", () => {
  it("plural rule: 0 and 1 are singular", () => {
    expect(pluralForm(0)).toBe("one");
    expect(pluralForm(1)).toBe("one");
    expect(pluralForm(2)).toBe("other");
    expect(tn("today.count", 1)).toBe("1 consultation aujourd’hui");
    expect(tn("today.count", 3)).toBe("3 consultations aujourd’hui");
    expect(tn("audit.checked", 0)).toBe("0 entrée contrôlée");
  });

  it("dates as 24/11/2026, with no time-zone shift on calendar dates", () => {
    expect(formatDate("2026-11-24")).toBe("24/11/2026");
    expect(formatDate("1950-01-05")).toBe("05/01/1950");
    expect(formatDate(new Date(2026, 10, 24, 23, 59))).toBe("24/11/2026");
    expect(formatDate("not a date")).toBe("");
  });

  it("times as 10 h 42", () => {
    expect(formatTime(new Date(2026, 10, 24, 10, 42))).toBe("10 h 42");
    expect(formatTime(new Date(2026, 10, 24, 9, 5))).toBe("9 h 05");
    expect(formatTime(new Date(2026, 10, 24, 0, 0))).toBe("0 h 00");
    expect(formatDateTime(new Date(2026, 10, 24, 10, 42))).toBe("24/11/2026 à 10 h 42");
    const iso = new Date(2026, 10, 24, 14, 7).toISOString();
    expect(formatTime(iso)).toBe("14 h 07");
  });

  it("decimal comma", () => {
    expect(formatDecimal(37.8)).toBe("37,8");
    expect(formatDecimal(12.5, 2)).toBe("12,50");
    expect(formatDecimal(38, 1)).toBe("38,0");
    expect(formatNumber(12345)).toBe("12\u202f345");
    expect(formatNumber(2.5)).toBe("2,5");
    expect(t("patient.weightValue", { kg: 12.5 })).toBe("12,5 kg");
  });

  it("parses French decimals", () => {
    expect(parseDecimal("12,5")).toBe(12.5);
    expect(parseDecimal(" 12.5 ")).toBe(12.5);
    expect(parseDecimal("")).toBeNull();
    expect(parseDecimal("7a")).toBeNaN();
  });

  it("ages", () => {
    expect(formatAge(0)).toBe("moins d’un an");
    expect(formatAge(1)).toBe("1 an");
    expect(formatAge(82)).toBe("82 ans");
  });
});
