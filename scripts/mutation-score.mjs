#!/usr/bin/env node
// Mutation score per folder from Stryker's JSON report (mutation-testing-report-schema), and a
// verdict against issue 17's targets: >= 95% in kernels, nn and compare, >= 90% in everything
// measured. Only folders with mutants in the report are judged: a scoped or incremental run says
// nothing about the folders it did not mutate, and the table says so.
//   node scripts/mutation-score.mjs [reports/mutation/mutation.json] [--check] [--survivors]
// --survivors also lists every undetected mutant (survived, or no test reaches it) as
// file:line:column, mutator, replacement and the original line, for docs/mutation-survivors.md.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const check = args.includes("--check");
const survivors = args.includes("--survivors");
const file = args.find((a) => !a.startsWith("--")) ?? "reports/mutation/mutation.json";
const report = JSON.parse(readFileSync(file, "utf8"));

const TARGETS = { "core/kernels": 95, "core/nn": 95, "core/compare": 95 };
const OVERALL = 90;
// Stryker's own definition: detected / valid, where valid excludes compile and runtime errors
// and ignored mutants.

/** src/core/kernels/x.ts -> core/kernels; src/errors.ts -> (root). */
function folderOf(path) {
  const parts = path.replace(/\\/g, "/").replace(/^.*?src\//, "").split("/");
  return parts.length >= 3 ? `${parts[0]}/${parts[1]}` : parts.length === 2 ? parts[0] : "(root)";
}

const COUNTED = ["Killed", "Timeout", "Survived", "NoCoverage"];
const empty = () => ({ Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 });
const rows = new Map();
for (const [path, entry] of Object.entries(report.files ?? {})) {
  const row = rows.get(folderOf(path)) ?? empty();
  for (const m of entry.mutants ?? []) {
    if (COUNTED.includes(m.status)) row[m.status]++;
    else row.other++; // CompileError, RuntimeError, Ignored, Pending: not in the score
  }
  rows.set(folderOf(path), row);
}

const detected = (r) => r.Killed + r.Timeout;
const undetected = (r) => r.Survived + r.NoCoverage;
const score = (r) => (detected(r) + undetected(r) === 0 ? 100 : (100 * detected(r)) / (detected(r) + undetected(r)));
const failures = [];
const total = empty();
const line = (name, r, target) =>
  console.log(
    `${name.padEnd(16)} ${[r.Killed, r.Timeout, r.Survived, r.NoCoverage, r.other].map((n) => String(n).padStart(9)).join("")}  ${score(r).toFixed(2).padStart(6)}  ${target}`,
  );
console.log(`${"folder".padEnd(16)} ${["killed", "timeout", "survived", "no cov", "other"].map((h) => h.padStart(9)).join("")}  ${"score".padStart(6)}  target`);
for (const [folder, r] of [...rows].sort()) {
  for (const k of Object.keys(total)) total[k] += r[k];
  const target = TARGETS[folder] ?? OVERALL;
  const s = score(r);
  if (s < target) failures.push(`${folder}: mutation score ${s.toFixed(2)}% is below the target of ${target}%`);
  line(folder, r, target);
}
const overall = score(total);
line("all measured", total, OVERALL);
if (overall < OVERALL) failures.push(`all measured: mutation score ${overall.toFixed(2)}% is below the target of ${OVERALL}%`);
if (check && failures.length > 0) {
  for (const f of failures) console.error(`${file}: ${f}`);
  process.exit(1);
}

if (survivors) {
  console.log("");
  for (const [path, entry] of Object.entries(report.files ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const lines = (entry.source ?? "").split("\n");
    const undetectedHere = (entry.mutants ?? [])
      .filter((m) => m.status === "Survived" || m.status === "NoCoverage")
      .sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
    for (const m of undetectedHere) {
      const { line: l, column: c } = m.location.start;
      const tag = m.status === "NoCoverage" ? " (no coverage)" : "";
      console.log(`${path}:${l}:${c} ${m.mutatorName}${tag} -> ${JSON.stringify(m.replacement ?? "")}`);
      console.log(`    ${(lines[l - 1] ?? "").trim()}`);
    }
  }
}
