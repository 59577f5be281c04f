#!/usr/bin/env node
// Writes src/core/version.ts from package.json's version, so the core (which imports no node:
// module and nothing outside src/core) knows the package version. Run by `npm run build` and by
// npm's `version` lifecycle; test/version.test.ts fails when the two differ.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
if (typeof version !== "string" || !/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/.test(version)) {
  console.error(`write-version: package.json: version: expected a semver string, got ${JSON.stringify(version)}`);
  process.exit(1);
}
const file = join(repo, "src", "core", "version.ts");
const text = `/** The package version (package.json's), written by scripts/write-version.mjs; test/version.test.ts checks it. */\nexport const VERSION = ${JSON.stringify(version)};\n`;
let current = "";
try {
  current = readFileSync(file, "utf8");
} catch {
  // absent: written below
}
if (current !== text) {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}
