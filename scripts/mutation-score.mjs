#!/usr/bin/env node
// Mutation score per folder from Stryker's JSON report (mutation-testing-report-schema), and a
// verdict against issue 17's targets: >= 95% in kernels, nn and compare, >= 90% in everything
// measured. Only folders with mutants in the report are judged: a scoped or incremental run says
// nothing about the folders it did not mutate, and the table says so.
//   node scripts/mutation-score.mjs [reports/mutation/mutation.json] [--check]
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const check = args.includes("--check");
const file = args.find((a) => !a.startsWith("--")) ?? "reports/mutation/mutation.json";
const report = JSON.parse(readFileSync(file, "utf8"));

const TARGETS = { "core/kernels": 95, "core/nn": 95, "core/compare": 95 };
const OVERALL = 90;
// Stryker's own definition: detected / valid, where valid excludes compile and runtime errors
// and ignored mutants.
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

/** src/core/kernels/x.ts -> core/kernels; src/errors.ts -> (root). */
function folderOf(path) {
  const parts = path.replace(/\\/g, "/").replace(/^.*?src\//, "").split("/");
  return parts.length >= 3 ? `${parts[0]}/${parts[1]}` : parts.length === 2 ? parts[0] : "(root)";
}

const rows = new Map();
for (const [path, entry] of Object.entries(report.files ?? {})) {
  const row = rows.get(folderOf(path)) ?? { detected: 0, undetected: 0 };
  for (const m of entry.mutants ?? []) {
    if (DETECTED.has(m.status)) row.detected++;
    else if (UNDETECTED.has(m.status)) row.undetected++;
  }
  rows.set(folderOf(path), row);
}

const score = (r) => (r.detected + r.undetected === 0 ? 100 : (100 * r.detected) / (r.detected + r.undetected));
const failures = [];
let total = { detected: 0, undetected: 0 };
console.log("folder                 killed  survived  score  target");
for (const [folder, r] of [...rows].sort()) {
  total = { detected: total.detected + r.detected, undetected: total.undetected + r.undetected };
  const target = TARGETS[folder] ?? OVERALL;
  const s = score(r);
  if (s < target) failures.push(`${folder}: mutation score ${s.toFixed(2)}% is below the target of ${target}%`);
  console.log(`${folder.padEnd(22)} ${String(r.detected).padStart(6)}  ${String(r.undetected).padStart(8)}  ${s.toFixed(2).padStart(5)}  ${target}`);
}
const overall = score(total);
console.log(`${"all measured".padEnd(22)} ${String(total.detected).padStart(6)}  ${String(total.undetected).padStart(8)}  ${overall.toFixed(2).padStart(5)}  ${OVERALL}`);
if (overall < OVERALL) failures.push(`all measured: mutation score ${overall.toFixed(2)}% is below the target of ${OVERALL}%`);
if (check && failures.length > 0) {
  for (const f of failures) console.error(`${file}: ${f}`);
  process.exit(1);
}
