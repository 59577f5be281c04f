/** `rnn-parity check`: options -> cases -> run -> reports and exit status. */
import { appendFile } from "node:fs/promises";
import type { Tolerance } from "../../core/compare/assert-close.js";
import { fsReason } from "../readers/read-bounded.js";
import { DEFAULT_FIXTURES_DIR } from "../readers/manifest.js";
import { inputFiles, resolveInputs } from "../report/inputs.js";
import { renderJson } from "../report/json.js";
import { renderGithub, renderGithubSummary } from "../report/github.js";
import { renderHtml } from "../report/html.js";
import { renderJunit } from "../report/junit.js";
import type { CheckResult, RequestedOracle } from "../report/model.js";
import { renderPretty } from "../report/pretty.js";
import { runCheck } from "../report/run-check.js";
import { loadAdapter } from "../adapter/load.js";
import { readExpectations } from "../expectations/file.js";
import { runPassed, statusCounts } from "../report/summary.js";
import { loadOnnxRuntime } from "../oracles/ort-loader.js";
import { compileFilters } from "./filter.js";
import { colorEnabled, type CliIo } from "./io.js";
import { startProgress } from "./progress.js";
import { checkReportCollisions } from "./report-collisions.js";
import { parseReporters, type ReporterSpec } from "./reporters.js";
import { UsageError } from "./usage-error.js";
import { toolVersion } from "./version.js";
import { checkReportTargets, writeReportsAtomically } from "./write-reports.js";

export interface CheckCliOptions {
  reporter: string[];
  oracle?: string[];
  rtol?: string;
  atol?: string;
  filter: string[];
  failFast: boolean;
  progress: boolean;
  /** pretty: also print the per-comparison tables. */
  verbose: boolean;
  /** An adapter module (ES module, default export) to check instead of our own layers. */
  impl?: string;
  /** An expectations file (docs/adapters.md): comparisons the implementation is known to fail. */
  expectations?: string;
}

export const EXIT_PASSED = 0;
export const EXIT_MISMATCH = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

/** A decimal number as Python's float() writes one; Number() alone would also take "0x10" or "0b1". */
const DECIMAL = /^\s*\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

function parseTolerance(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (!DECIMAL.test(value) || !Number.isFinite(x)) throw new UsageError(`${flag} ${value}: expected a finite number >= 0`);
  return x;
}

function parseOracles(values: readonly string[] | undefined): { oracles: RequestedOracle[]; whereAvailable: boolean } {
  if (!values || values.length === 0) return { oracles: ["torch", "onnxruntime"], whereAvailable: true };
  const oracles: RequestedOracle[] = [];
  for (const item of values.flatMap((v) => v.split(",")).map((s) => s.trim())) {
    if (item !== "torch" && item !== "onnxruntime") {
      throw new UsageError(`--oracle ${item}: unknown oracle (expected torch, onnxruntime, or both: torch,onnxruntime)`);
    }
    if (!oracles.includes(item)) oracles.push(item);
  }
  return { oracles, whereAvailable: false };
}

/**
 * onnxruntime logs warnings and errors on stderr (e.g. "Failed to persist telemetry device ID" when
 * $HOME is not writable, or a failed run's "[E:onnxruntime:…]" line), where the command promises
 * nothing but its own one-line errors; a failure still reaches us as an exception. Its log level
 * applies when the first session creates its environment, so this runs before any model is loaded.
 */
async function quietOnnxRuntime(): Promise<void> {
  const { env } = await loadOnnxRuntime();
  env.logLevel = "fatal";
}

function render(spec: ReporterSpec, result: CheckResult, color: boolean, verbose: boolean, env: CliIo["env"]): string {
  if (spec.name === "json") return renderJson(result);
  if (spec.name === "junit") return renderJunit(result);
  if (spec.name === "html") return renderHtml(result);
  if (spec.name === "github") return renderGithub(result, { root: env.GITHUB_WORKSPACE || process.cwd() });
  return renderPretty(result, { color, verbose });
}

async function appendStepSummary(file: string, text: string): Promise<void> {
  try {
    await appendFile(file, text);
  } catch (err) {
    throw new UsageError(`${file}: cannot append the GitHub step summary: ${fsReason(err)}`);
  }
}

export async function runCheckCommand(paths: readonly string[], opts: CheckCliOptions, io: CliIo): Promise<number> {
  const reporters = parseReporters(opts.reporter);
  const { oracles, whereAvailable } = parseOracles(opts.oracle);
  const overrides: Partial<Tolerance> = {};
  const rtol = parseTolerance("--rtol", opts.rtol);
  const atol = parseTolerance("--atol", opts.atol);
  if (rtol !== undefined) overrides.rtol = rtol;
  if (atol !== undefined) overrides.atol = atol;
  const matches = compileFilters(opts.filter);
  const files = reporters.flatMap((r) => (r.file === undefined ? [] : [r.file]));
  await checkReportTargets(files);

  const all = await resolveInputs(paths.length ? paths : [DEFAULT_FIXTURES_DIR]);
  // Every input, not only the filtered ones: a report must never replace a fixture of the folder.
  await checkReportCollisions(
    reporters.flatMap((r) => (r.file === undefined ? [] : [{ name: r.name, file: r.file }])),
    inputFiles(all),
  );
  const sources = all.filter((s) => matches(s.name));
  if (sources.length === 0) {
    throw new UsageError(
      opts.filter.length ? `--filter ${opts.filter.join(" | ")}: matches none of the ${all.length} cases` : "no cases to check",
    );
  }

  if (oracles.includes("onnxruntime") && sources.some((s) => s.onnx !== undefined)) await quietOnnxRuntime();
  const expectations = opts.expectations === undefined ? undefined : await readExpectations(opts.expectations);
  const adapter = opts.impl === undefined ? undefined : await loadAdapter(opts.impl);
  const progress = startProgress(io, sources.length, opts.progress);
  let result: CheckResult;
  try {
    result = await runCheck({
      sources,
      oracles,
      onnxWhereAvailable: whereAvailable,
      overrides,
      filters: opts.filter,
      failFast: opts.failFast,
      toolVersion: toolVersion(),
      ...(adapter && opts.impl !== undefined ? { adapter, adapterFile: opts.impl } : {}),
      ...(expectations ? { expectations, allCases: all.map((s) => s.name) } : {}),
      onCase: (done, total, name) => progress.tick(done, total, name),
    });
  } finally {
    progress.stop();
  }

  await writeReportsAtomically(
    reporters.flatMap((r) => (r.file === undefined ? [] : [{ file: r.file, text: render(r, result, false, opts.verbose, io.env) }])),
  );
  // GitHub's job summary page: appended to, as every step does (several steps share the file).
  const stepSummary = io.env.GITHUB_STEP_SUMMARY;
  if (stepSummary && reporters.some((r) => r.name === "github")) await appendStepSummary(stepSummary, renderGithubSummary(result));
  const toStdout = reporters.find((r) => r.file === undefined);
  if (toStdout) {
    io.stdout.write(render(toStdout, result, colorEnabled(io.stdout, io.env), opts.verbose, io.env));
  } else {
    const s = result.summary;
    io.stdout.write(
      `rnn-parity: ${runPassed(s) ? "passed" : "FAILED"}: ${s.comparisons} comparisons over ${s.cases} cases: ${statusCounts(s)}; wrote ${files.join(", ")}\n`,
    );
  }
  // A run that compared nothing (every case unsupported) proves nothing: it never passes. An
  // unexpected pass or a stale expectations entry fails it too: the list must stay true.
  return runPassed(result.summary) ? EXIT_PASSED : EXIT_MISMATCH;
}
