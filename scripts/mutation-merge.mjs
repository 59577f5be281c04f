#!/usr/bin/env node
// Merges Stryker JSON reports (mutation-testing-report-schema) of runs over disjoint src/ files
// into one: .ci/mutation joins its two groups' reports (core.json, harness.json) into
// reports/mutation/mutation.json this way. Files of
// later reports replace earlier ones; test files are united by test id (the vitest runner's ids
// name the test file and the test, so they agree between runs of one suite).
//   node scripts/mutation-merge.mjs OUT.json IN1.json IN2.json ...
import { readFileSync, renameSync, writeFileSync } from "node:fs";

const [out, ...inputs] = process.argv.slice(2);
if (out === undefined || inputs.length === 0) {
  console.error("usage: node scripts/mutation-merge.mjs OUT.json IN1.json [IN2.json ...]");
  process.exit(2);
}
let merged = null;
for (const file of inputs) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  if (merged === null) {
    merged = { ...report, files: { ...report.files }, testFiles: { ...(report.testFiles ?? {}) } };
    continue;
  }
  Object.assign(merged.files, report.files);
  for (const [path, tf] of Object.entries(report.testFiles ?? {})) {
    const have = merged.testFiles[path];
    if (have === undefined) {
      merged.testFiles[path] = tf;
      continue;
    }
    const ids = new Set(have.tests.map((t) => t.id));
    have.tests.push(...tf.tests.filter((t) => !ids.has(t.id)));
  }
}
// Written next to the target and renamed over it, so a reader never sees half a report.
writeFileSync(`${out}.tmp`, JSON.stringify(merged, null, 2));
renameSync(`${out}.tmp`, out);
console.log(`${out}: ${Object.keys(merged.files).length} source files from ${inputs.length} reports`);
