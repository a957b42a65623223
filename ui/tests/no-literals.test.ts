// Rough guard: user-facing French text lives in src/lib/i18n.ts only.
// Flags string literals in src/station and src/lib that look like words for people:
// accented letters, a capitalised word, or several words with a capital.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "src");
const ALLOWED = new Set(["Escape", "Esc", "Enter", "ArrowDown", "ArrowUp", "Home", "End", "Tab", "Error"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

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

  const targets = [...files(join(root, "station")), ...files(join(root, "lib"))].filter((f) => !f.endsWith("i18n.ts"));
  for (const f of targets) {
    it(relative(root, f), () => {
      expect(suspiciousLiterals(readFileSync(f, "utf8"))).toEqual([]);
    });
  }
});
