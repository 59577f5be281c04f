/**
 * The conformance run: for each case, fixture -> our module -> comparison with each oracle ->
 * one ComparisonRow per compared tensor. Rendering is left to the reporters.
 */
import { performance } from "node:perf_hooks";
import { defaultTolerance, type Tolerance } from "../../core/compare/assert-close.js";
import { compareAny } from "../../core/compare/compare-any.js";
import { FixtureError, RnnParityError } from "../../core/errors.js";
import { checkListedFile } from "../readers/manifest.js";
import { MAX_FIXTURE_BYTES, MAX_ONNX_BYTES } from "../../core/format/limits.js";
import { decodeFixture } from "../../core/format/msgpack.js";
import { readBounded } from "../readers/read-bounded.js";
import {
  fixtureOutputNames,
  isSequenceModule,
  onnxOutputNames,
  type Fixture,
  type FixtureTensor,
  type ManifestCase,
  type SequenceModuleName,
} from "../../core/format/types.js";
import { caseSpec, unsupportedReason, type Adapter } from "../../core/adapter/contract.js";
import { typescriptAdapter } from "../../core/adapter/default.js";
import { describeThrown, runAdapter } from "../../core/adapter/run.js";
import type { Tensor } from "../../core/tensor/tensor.js";
import type { CaseSource } from "./inputs.js";
import type { CaseError, CheckResult, ComparisonRow, OracleName, RequestedOracle, SkippedOracle, UnsupportedCase } from "./model.js";
import { errorOverTime } from "./over-time.js";
import { summarize } from "./summary.js";
import { startExpectations, type ExpectationRun } from "../expectations/apply.js";
import type { Expectations } from "../expectations/file.js";

function isSequence(f: Fixture): f is Extract<Fixture, { module: SequenceModuleName }> {
  return isSequenceModule(f.module);
}

export interface CheckOptions {
  sources: readonly CaseSource[];
  oracles: readonly RequestedOracle[];
  /**
   * When true, onnxruntime runs only where a case has a model (the default `--oracle`); when false
   * and onnxruntime was asked for, a case without a model is an input error.
   */
  onnxWhereAvailable: boolean;
  overrides: Partial<Tolerance>;
  filters: readonly string[];
  failFast: boolean;
  toolVersion: string;
  /** The implementation under test (default: our own layers). */
  adapter?: Adapter;
  /** The adapter's file, named by its errors (absent for the default adapter). */
  adapterFile?: string;
  /**
   * Comparisons the implementation is known to fail (`--expectations FILE`; readExpectations):
   * they become expected failures, and an expected failure that passes fails the run.
   */
  expectations?: Expectations;
  /**
   * Every case name of the inputs before filtering (default: the sources'): an expectations entry
   * whose case glob matches none of them is stale even in a filtered run.
   */
  allCases?: readonly string[];
  /** Called after each case, e.g. to advance a progress bar. */
  onCase?: (done: number, total: number, name: string) => void;
}

type OnnxRunner = (f: Fixture, model: Uint8Array, file: string) => Promise<Record<string, Tensor>>;

/** Loaded on first use: onnxruntime's native binding is not worth loading for torch-only runs. */
let onnxRunner: OnnxRunner | undefined;
async function loadOnnxRunner(): Promise<OnnxRunner> {
  onnxRunner ??= (await import("../oracles/onnxruntime.js")).runOnnxForFixture;
  return onnxRunner;
}

/** The library's input errors name the file; ours always do, and always in one line. */
function asFixtureError(err: unknown, file: string): unknown {
  if (err instanceof FixtureError || !(err instanceof RnnParityError)) return err;
  return new FixtureError(file, "", err.message.replace(/\s*\n\s*/g, "; "));
}

function timed<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

/**
 * The tensors an oracle pair compares: everything the fixture holds when torch is the reference,
 * and what the ONNX graph produces (no PackedSequence fields) when onnxruntime is in the pair.
 */
function comparedNames(f: Fixture, oracle: OracleName): readonly string[] {
  return oracle === "torch" ? fixtureOutputNames(f.module, f.packing) : onnxOutputNames(f.module);
}

function compareOutputs(
  f: Fixture,
  oracle: OracleName,
  actual: Readonly<Record<string, FixtureTensor>>,
  expected: Readonly<Record<string, FixtureTensor>>,
  overrides: Partial<Tolerance>,
  durationMs: number,
  expectedFile: string,
): ComparisonRow[] {
  return comparedNames(f, oracle).map((name) => {
    const a = actual[name];
    const e = expected[name];
    if (!e) throw new FixtureError(expectedFile, `outputs.${name}`, "missing");
    if (!a) throw new FixtureError(f.file, `outputs.${name}`, `the ${oracle} run produced no ${name}`);
    const c = compareAny(a, e, { ...overrides, name });
    const overTime = name === "output" && isSequence(f) ? errorOverTime(a, e, f.config, c) : undefined;
    return {
      case: f.name,
      file: f.file,
      module: f.module,
      config: f.config,
      dtype: f.dtype,
      oracle,
      tensor: name,
      shape: c.shape,
      tensorDtype: c.dtype,
      maxAbsDiff: c.maxAbsDiff,
      maxRelDiff: c.maxRelDiff,
      worstIndex: c.worstIndex,
      mismatched: c.mismatched,
      total: c.total,
      rtol: c.rtol,
      atol: c.atol,
      passed: c.passed,
      headroom: c.headroom,
      message: c.message,
      durationMs,
      ...(overTime ? { overTime } : {}),
      status: c.passed ? "passed" : "failed",
    };
  });
}

/**
 * The sha256 proves the file is the generator's, not that the manifest describes it: an entry whose
 * name, module, dtype or config differ from its file would make filters and reports say one case
 * while another runs.
 */
function checkAgainstManifest(f: Fixture, c: ManifestCase): void {
  // Key order is the writer's choice, not part of a config.
  const canonical = (value: unknown): string =>
    JSON.stringify(typeof value === "object" && value !== null ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))) : value);
  const fields: [string, unknown, unknown][] = [["name", f.name, c.name], ["module", f.module, c.module], ["dtype", f.dtype, c.dtype], ["config", f.config, c.config]];
  // Older manifests do not record packing; when one does, it must be the file's.
  if (c.packing !== undefined) fields.push(["packing", f.packing ?? null, c.packing]);
  for (const [field, actual, listed] of fields) {
    if (canonical(actual) !== canonical(listed)) {
      throw new FixtureError(f.file, field, `${canonical(actual)}, but the manifest lists ${canonical(listed)} for case "${c.name}"`);
    }
  }
}

/** An implementation from outside (any adapter but our own layers): its failures are the case's, not the run's. */
function isExternal(options: CheckOptions): boolean {
  return options.adapter !== undefined && options.adapter !== typescriptAdapter;
}

/** What an outside adapter's errors name: its file, or its name when it was given as an object. */
function adapterWhere(options: CheckOptions, adapter: Adapter): string {
  return options.adapterFile ?? `adapter ${JSON.stringify(adapter.name)}`;
}

/**
 * The adapter's outputs. Our own layers' errors are input errors naming the fixture (or bugs); an
 * outside adapter's (exceptions, a wrong result) are a FixtureError naming its file and the case,
 * which runCase turns into that case's error.
 */
function runImplementation(f: Fixture, options: CheckOptions, file: string): Record<string, FixtureTensor> {
  const adapter = options.adapter ?? typescriptAdapter;
  if (isExternal(options)) return runAdapter(adapter, f, adapterWhere(options, adapter), { external: true });
  try {
    return runAdapter(adapter, f, file);
  } catch (err) {
    throw asFixtureError(err, file);
  }
}

/** supports() of an outside adapter may throw too: that is the case's error, like create()'s. */
function declined(options: CheckOptions, f: Fixture): string | null {
  const adapter = options.adapter ?? typescriptAdapter;
  if (!isExternal(options)) return unsupportedReason(adapter, caseSpec(f));
  try {
    return unsupportedReason(adapter, caseSpec(f));
  } catch (err) {
    throw new FixtureError(adapterWhere(options, adapter), "supports()", `${adapter.name} on ${f.name}: threw ${describeThrown(err)}`);
  }
}

async function runCase(
  source: CaseSource,
  options: CheckOptions,
  skipped: SkippedOracle[],
  unsupported: UnsupportedCase[],
  errors: CaseError[],
): Promise<ComparisonRow[]> {
  // A manifest's sha256 proves the file is the one the generator wrote, all of it.
  for (const entry of source.listed ?? []) {
    const problem = await checkListedFile(entry);
    if (problem) throw problem;
  }
  // Read here, not by path in the reader, so the file stays inside the folder it was listed from.
  const within = (root: string | undefined) => (root === undefined ? undefined : { root });
  const f = decodeFixture(await readBounded(source.file, MAX_FIXTURE_BYTES, within(source.within)), source.file);
  if (source.manifestCase) checkAgainstManifest(f, source.manifestCase);
  const rows: ComparisonRow[] = [];
  let reason: string | null;
  let ts: Record<string, FixtureTensor> = {};
  let tsMs = 0;
  try {
    reason = declined(options, f);
    if (reason === null) [ts, tsMs] = timed(() => runImplementation(f, options, source.file));
  } catch (err) {
    // Only an outside adapter's failures are the case's; anything else stays the run's.
    if (!isExternal(options) || !(err instanceof FixtureError)) throw err;
    errors.push({ case: f.name, file: f.file, module: f.module, dtype: f.dtype, message: err.message, status: "error" });
    return rows;
  }
  if (reason !== null) {
    unsupported.push({ case: f.name, file: f.file, module: f.module, dtype: f.dtype, reason });
    return rows;
  }
  const wantTorch = options.oracles.includes("torch");
  if (wantTorch) rows.push(...compareOutputs(f, "torch", ts, f.outputs, options.overrides, tsMs, source.file));
  if (options.oracles.includes("onnxruntime")) {
    if (!source.onnx) {
      if (!options.onnxWhereAvailable) {
        throw new FixtureError(source.file, "onnx", "no ONNX model for this case, but --oracle asks for onnxruntime");
      }
      skipped.push({ case: f.name, file: f.file, module: f.module, dtype: f.dtype, oracle: "onnxruntime", reason: "no ONNX model for this case" });
      return rows;
    }
    // Read by us (size-checked, regular files only, inside its folder) and handed to onnxruntime
    // as bytes: given a path it would open a FIFO and wait forever, or load any size.
    const model = await readBounded(source.onnx, MAX_ONNX_BYTES, within(source.onnxWithin));
    const run = await loadOnnxRunner();
    const start = performance.now();
    const ort = await run(f, model, source.onnx);
    const ortMs = performance.now() - start;
    rows.push(...compareOutputs(f, "onnxruntime", ts, ort, options.overrides, ortMs, source.onnx));
    if (wantTorch) {
      rows.push(...compareOutputs(f, "onnxruntime-vs-torch", ort, f.outputs, options.overrides, ortMs, source.file));
    }
  }
  return rows;
}

function implementationOf(a: Adapter): { name: string; version?: string } {
  return a.version === undefined ? { name: a.name } : { name: a.name, version: a.version };
}

/** An expectations file is true of one implementation: another's name is a mistake, not a run. */
function expectationsFor(options: CheckOptions, adapter: Adapter): ExpectationRun | undefined {
  const e = options.expectations;
  if (e === undefined) return undefined;
  if (e.implementation !== adapter.name) {
    const how = options.adapterFile === undefined ? "" : ` (--impl ${options.adapterFile})`;
    throw new FixtureError(e.file, "implementation", `${JSON.stringify(e.implementation)}, but the implementation under test is ${JSON.stringify(adapter.name)}${how}`);
  }
  return startExpectations(e);
}

/** Runs every source in order; throws FixtureError (or a bug's error) on the first unusable input. */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const startedAt = new Date();
  const start = performance.now();
  const adapter = options.adapter ?? typescriptAdapter;
  const expectations = expectationsFor(options, adapter);
  const comparisons: ComparisonRow[] = [];
  const skipped: SkippedOracle[] = [];
  const unsupported: UnsupportedCase[] = [];
  const errors: CaseError[] = [];
  let ran = 0;
  for (const source of options.sources) {
    const errorsBefore = errors.length;
    const rows = await runCase(source, options, skipped, unsupported, errors);
    expectations?.applyToCase(rows);
    const error = errors[errorsBefore];
    if (error) expectations?.applyToError(error, options.oracles);
    comparisons.push(...rows);
    ran++;
    options.onCase?.(ran, options.sources.length, source.name);
    if (options.failFast && (error?.status === "error" || rows.some((r) => r.status === "failed" || r.status === "xpass"))) break;
  }
  const notRun = options.sources.length - ran;
  const report =
    expectations?.report({
      caseNames: [...(options.allCases ?? options.sources.map((s) => s.name)), ...comparisons.map((r) => r.case), ...unsupported.map((u) => u.case), ...errors.map((e) => e.case)],
      oracles: options.oracles,
      filtered: options.filters.length > 0,
      stoppedEarly: notRun > 0,
    }) ?? null;
  return {
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - start,
    toolVersion: options.toolVersion,
    implementation: implementationOf(adapter),
    oracles: [...options.oracles],
    defaults: { float32: defaultTolerance("float32"), float64: defaultTolerance("float64") },
    overrides: { ...options.overrides },
    filters: [...options.filters],
    failFast: options.failFast,
    summary: summarize(comparisons, skipped, ran, notRun, unsupported.length, report, errors),
    comparisons,
    skipped,
    unsupported,
    errors,
    expectations: report,
  };
}
