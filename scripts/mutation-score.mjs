#!/usr/bin/env node
// Mutation score per folder from Stryker's JSON report (mutation-testing-report-schema), and a
// verdict against issue 17's targets: >= 95% in kernels, nn and compare, >= 90% in everything
// measured. Only folders with mutants in the report are judged: a scoped or incremental run says
// nothing about the folders it did not mutate, and the table says so.
//   node scripts/mutation-score.mjs [reports/mutation/mutation.json] [--check] [--survivors]
//        [--equivalent docs/mutation-equivalent.json]
// An undetected mutant (survived, or no test reaches it) listed in the reviewed-equivalent file
// (matched by file, mutator, replacement and the text of its line, so moving code does not undo a
// review) is counted apart: `raw` is Stryker's score, detected / (detected + undetected); `score`
// leaves the reviewed equivalent mutants out of the denominator, the usual definition (an
// equivalent mutant is the same program, so no test can kill it). An entry with
// "verdict": "static" is not equivalent: it mutates a module-level constant, evaluated once per
// worker before Stryker switches any mutant on, so no test in the run can see it; the entry's reason
// names the test that fails when it is applied by hand, and `score` counts it as detected. The
// targets apply to `score`.
// --check also fails when any undetected mutant is neither killed nor listed: each needs a test
// or a reason. --survivors lists the undetected mutants that are not listed, as file:line:column,
// mutator, replacement and the original line; --draft prints them as entries for the reviewed
// file, each with an empty reason to write (and `at`, file:line:column when drafted, a hint only).
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
const check = args.includes("--check");
const survivors = args.includes("--survivors");
const draft = args.includes("--draft");
const eqAt = args.indexOf("--equivalent");
const equivalentFile = eqAt >= 0 ? args[eqAt + 1] : "docs/mutation-equivalent.json";
const file = args.find((a, i) => !a.startsWith("--") && (eqAt < 0 || i !== eqAt + 1)) ?? "reports/mutation/mutation.json";
const report = JSON.parse(readFileSync(file, "utf8"));

const TARGETS = { "core/kernels": 95, "core/nn": 95, "core/compare": 95 };
const OVERALL = 90;

/** src/core/kernels/x.ts -> core/kernels; src/errors.ts -> (root). */
function folderOf(path) {
  const parts = path.replace(/\\/g, "/").replace(/^.*?src\//, "").split("/");
  return parts.length >= 3 ? `${parts[0]}/${parts[1]}` : parts.length === 2 ? parts[0] : "(root)";
}

const keyOf = (path, mutator, replacement, lineText) => JSON.stringify([path, mutator, replacement, lineText.trim()]);
const reviewed = new Map();
for (const [i, e] of (JSON.parse(readFileSync(equivalentFile, "utf8")).mutants ?? []).entries()) {
  for (const field of ["file", "mutator", "replacement", "line", "reason"]) {
    if (typeof e[field] !== "string" || (field === "reason" && e[field].trim() === "")) {
      console.error(`${equivalentFile}: mutants[${i}].${field}: expected a non-empty string`);
      process.exit(2);
    }
  }
  if (e.verdict !== undefined && e.verdict !== "equivalent" && e.verdict !== "static") {
    console.error(`${equivalentFile}: mutants[${i}].verdict: expected "equivalent" or "static", got ${JSON.stringify(e.verdict)}`);
    process.exit(2);
  }
  reviewed.set(keyOf(e.file, e.mutator, e.replacement, e.line), { entry: e, used: false });
}

const COUNTED = ["Killed", "Timeout", "Survived", "NoCoverage"];
const empty = () => ({ Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, equivalent: 0, static: 0, other: 0 });
const rows = new Map();
const unreviewed = [];
for (const [path, entry] of Object.entries(report.files ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
  const row = rows.get(folderOf(path)) ?? empty();
  const lines = (entry.source ?? "").split("\n");
  const mutants = [...(entry.mutants ?? [])].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
  for (const m of mutants) {
    if (!COUNTED.includes(m.status)) {
      row.other++; // CompileError, RuntimeError, Ignored, Pending: not in the score
      continue;
    }
    row[m.status]++;
    if (m.status !== "Survived" && m.status !== "NoCoverage") continue;
    const text = lines[m.location.start.line - 1] ?? "";
    const hit = reviewed.get(keyOf(path, m.mutatorName, m.replacement ?? "", text));
    if (hit) {
      hit.used = true;
      if (hit.entry.verdict === "static") row.static++;
      else row.equivalent++;
    } else unreviewed.push({ path, m, text });
  }
  rows.set(folderOf(path), row);
}

const detected = (r) => r.Killed + r.Timeout;
const undetected = (r) => r.Survived + r.NoCoverage;
const pct = (num, den) => (den === 0 ? 100 : (100 * num) / den);
const raw = (r) => pct(detected(r), detected(r) + undetected(r));
const score = (r) => pct(detected(r) + r.static, detected(r) + undetected(r) - r.equivalent);
const failures = [];
const total = empty();
const HEAD = ["killed", "timeout", "survived", "no cov", "equiv.", "static", "other"];
const line = (name, r, target) =>
  console.log(
    `${name.padEnd(16)} ${[r.Killed, r.Timeout, r.Survived, r.NoCoverage, r.equivalent, r.static, r.other].map((n) => String(n).padStart(9)).join("")}  ${raw(r).toFixed(2).padStart(6)}  ${score(r).toFixed(2).padStart(6)}  ${target}`,
  );
console.log(`${"folder".padEnd(16)} ${HEAD.map((h) => h.padStart(9)).join("")}  ${"raw".padStart(6)}  ${"score".padStart(6)}  target`);
for (const [folder, r] of [...rows].sort()) {
  for (const k of Object.keys(total)) total[k] += r[k];
  const target = TARGETS[folder] ?? OVERALL;
  const s = score(r);
  if (s < target) failures.push(`${folder}: mutation score ${s.toFixed(2)}% is below the target of ${target}%`);
  line(folder, r, target);
}
const overall = score(total);
line("all measured", total, OVERALL);
console.log(`(survived and no cov include the ${total.equivalent} reviewed equivalent and ${total.static} static mutants of ${equivalentFile}; score leaves the equivalent ones out and counts the static ones, killed by hand, as detected)`);
if (overall < OVERALL) failures.push(`all measured: mutation score ${overall.toFixed(2)}% is below the target of ${OVERALL}%`);
if (unreviewed.length > 0) failures.push(`${unreviewed.length} undetected mutants are neither killed nor listed in ${equivalentFile} (--survivors lists them)`);
const stale = [...reviewed.values()].filter((v) => !v.used && report.files?.[v.entry.file] !== undefined);
if (stale.length > 0) console.log(`${equivalentFile}: ${stale.length} entries match no undetected mutant of this report (killed since, or the line changed)`);

if (survivors) {
  console.log("");
  for (const { path, m, text } of unreviewed) {
    const { line: l, column: c } = m.location.start;
    const tag = m.status === "NoCoverage" ? " (no coverage)" : "";
    console.log(`${path}:${l}:${c} ${m.mutatorName}${tag} -> ${JSON.stringify(m.replacement ?? "")}`);
    console.log(`    ${text.trim()}`);
  }
}
if (draft) {
  const entries = unreviewed.map(({ path, m, text }) => ({
    file: path,
    at: `${path}:${m.location.start.line}:${m.location.start.column}`,
    mutator: m.mutatorName,
    replacement: m.replacement ?? "",
    line: text.trim(),
    reason: "",
  }));
  console.log(JSON.stringify(entries, null, 1));
}
if (check && failures.length > 0) {
  for (const f of failures) console.error(`${file}: ${f}`);
  process.exit(1);
}
