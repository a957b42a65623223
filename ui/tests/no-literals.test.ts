// Rough guard: user-facing French text lives in src/lib/i18n.ts only.
// Flags string literals in src/station and src/lib that look like words for people:
// accented letters, a capitalised word, or several words with a capital.
import { describe, expect, it } from "vitest";

// Sources as text, through Vite (no Node API needed).
const sources = import.meta.glob<string>(
  ["../src/station/**/*.ts", "../src/console/**/*.ts", "!../src/console/dev/**", "../src/lib/**/*.ts", "!../src/lib/i18n.ts"],
  {
    query: "?raw",
    import: "default",
    eager: true,
  },
);
const ALLOWED = new Set(["Escape", "Esc", "Enter", "ArrowDown", "ArrowUp", "Home", "End", "Tab", "Error"]);

function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

export function suspiciousLiterals(src: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g;
  for (const m of stripComments(src).matchAll(re)) {
    const lit = (m[1] ?? m[2] ?? m[3] ?? "").replace(/\$\{[^}]*\}/g, "");
    if (ALLOWED.has(lit)) continue;
    const accented = /[À-ÿœŒ’…]/.test(lit);
    const capitalised = /(^|\s)[A-ZÀ-Ý][a-zà-ÿ]+/.test(lit) && !/^[A-Z][A-Za-z]+Error$/.test(lit);
    if (accented || capitalised) out.push(lit);
  }
  return out;
}

describe("no user-facing literals outside the catalogue", () => {
  it("the detector sees French text", () => {
    expect(suspiciousLiterals(`h("p", null, "Nouveau patient")`)).toEqual(["Nouveau patient"]);
    expect(suspiciousLiterals(`x = "réessayez"`)).toEqual(["réessayez"]);
    expect(suspiciousLiterals(`h("div", { class: "btn btn-primary", testid: "new-patient" })`)).toEqual([]);
  });

  it("sees the station sources", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(10);
    expect(Object.keys(sources).some((f) => f.endsWith("i18n.ts"))).toBe(false);
  });
  for (const [file, text] of Object.entries(sources)) {
    it(file.replace("../src/", ""), () => {
      expect(suspiciousLiterals(text)).toEqual([]);
    });
  }
});
