/**
 * Every error src/ throws on purpose is an RnnParityError subclass (src/core/errors.ts), so callers
 * can catch the library's errors as one kind; broken invariants are InternalError, still one of them.
 * Checked on the source: no `new Error(` / `new TypeError(` / `new RangeError(` in src/.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { InternalError, RnnParityError } from "../src/core/errors.js";
import { UsageError } from "../src/node/cli/usage-error.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (path.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Lines constructing a built-in error class, which a caller could not tell from a crash. */
export function plainErrors(text: string): string[] {
  return text
    .split("\n")
    .map((line, i) => [i + 1, line] as const)
    .filter(([, line]) => /\bnew\s+(?:Error|TypeError|RangeError|SyntaxError)\s*\(/.test(line) && !/^\s*(?:\/\/|\*)/.test(line))
    .map(([n, line]) => `${n}: ${line.trim()}`);
}

describe("src/ throws only RnnParityError subclasses", () => {
  it.each(walk(join(repo, "src")).map((f) => [relative(repo, f), f]))("%s", (_name, file) => {
    expect(plainErrors(readFileSync(file, "utf8"))).toEqual([]);
  });
});

describe("the check catches what it is for", () => {
  it("finds a plain Error, TypeError and one wrapped in Object.assign, not comments", () => {
    const text = 'throw new Error("x");\nconst e = new TypeError(`y`);\nthrow Object.assign(new Error("z"), { code: "ENOENT" });\n// new Error(\n * new RangeError(';
    expect(plainErrors(text).map((l) => l.split(":")[0])).toEqual(["1", "2", "3"]);
  });
  it("the CLI's and the invariants' errors are RnnParityErrors", () => {
    expect(new UsageError("u")).toBeInstanceOf(RnnParityError);
    expect(new InternalError("i")).toBeInstanceOf(RnnParityError);
  });
});
