/**
 * The architecture line, checked on the source: src/core is the browser-safe library and imports
 * nothing from the Node harness (src/node), no Node built-in and no native module; and no code
 * folder is named like a data folder (src/fixtures next to fixtures/ was ambiguous).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const core = join(repo, "src", "core");
/** Pure-JavaScript packages the core may import: none of them touches Node or native code. */
const CORE_PACKAGES = new Set(["@msgpack/msgpack", "protobufjs"]);

function walk(dir: string, keep: (path: string) => boolean, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, keep, out);
    else if (keep(path)) out.push(path);
  }
  return out;
}

/** Every module specifier of a file: static imports, re-exports and dynamic import() with a literal. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\b[^"';]*?\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']/g];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1] as string);
  return out;
}

function packageName(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
}

/** Why `spec`, imported by `file` in the core, breaks the line, or null when it is fine. */
export function coreImportProblem(file: string, spec: string): string | null {
  if (spec.startsWith(".")) {
    const target = resolve(dirname(file), spec);
    return target === core || target.startsWith(core + sep) ? null : `reaches outside src/core (${relative(repo, target)})`;
  }
  if (spec.startsWith("node:") || builtinModules.includes(packageName(spec))) return "a Node built-in";
  return CORE_PACKAGES.has(packageName(spec)) ? null : "a package not known to be browser-safe (see CORE_PACKAGES)";
}

const coreFiles = walk(core, (p) => p.endsWith(".ts"));

describe("src/core imports only itself and browser-safe packages", () => {
  it("holds the library", () => {
    expect(coreFiles.map((f) => relative(core, f))).toContain("index.ts");
  });
  it.each(coreFiles.map((f) => [relative(repo, f), f]))("%s", (_name, file) => {
    const problems = specifiers(readFileSync(file, "utf8"))
      .map((spec) => [spec, coreImportProblem(file, spec)] as const)
      .filter(([, problem]) => problem !== null)
      .map(([spec, problem]) => `${spec}: ${problem}`);
    expect(problems).toEqual([]);
  });
});

describe("the check catches what it is for", () => {
  const file = join(core, "nn", "rnn.ts");
  it.each([
    ["../../node/readers/read-bounded.js", "reaches outside src/core"],
    ["node:fs", "a Node built-in"],
    ["fs/promises", "a Node built-in"],
    ["onnxruntime-node", "not known to be browser-safe"],
  ])("refuses %s", (spec, reason) => {
    expect(coreImportProblem(file, spec)).toContain(reason);
  });
  it("accepts a core-relative import and protobufjs", () => {
    expect(coreImportProblem(file, "../tensor/tensor.js")).toBeNull();
    expect(coreImportProblem(file, "protobufjs")).toBeNull();
  });
  it("finds dynamic and side-effect imports too", () => {
    expect(specifiers('import "node:fs";\nconst m = await import("onnxruntime-node");')).toEqual(["node:fs", "onnxruntime-node"]);
  });
});

describe("no code folder shares its name with a data folder", () => {
  const codeDirs = walk(join(repo, "src"), () => true).map((f) => dirname(f));
  const names = new Set([...new Set(codeDirs)].map((d) => relative(join(repo, "src"), d).split(sep)).flat());
  // Data folders: the repository's top-level folders other than src, and test's data folders.
  const dataDirs = [
    ...readdirSync(repo).filter((e) => !e.startsWith(".") && e !== "src" && statSync(join(repo, e)).isDirectory()),
    ...readdirSync(join(repo, "test")).filter((e) => statSync(join(repo, "test", e)).isDirectory()),
  ];
  it.each(dataDirs)("%s", (name) => {
    expect(names.has(name)).toBe(false);
  });
});
