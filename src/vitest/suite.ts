/**
 * paritySuite, exported as `rnn-parity/vitest` (index.ts). Registers one test per case, oracle pair
 * and tensor, named as rnn-parity's own suites name them
 * (`torch vs NAME › <case> (<module> <config>) › <tensor>`), each failing with assert_close's
 * message. Every case runs once, through runCheck (so the statuses are exactly `rnn-parity check`'s),
 * when its first test runs. Expected failures are skipped with their reason; an unexpected pass
 * fails, naming the entry; a stale entry is a failing test of its own (docs/adapters.md).
 */
import { describe, test, type TestContext } from "vitest";
import type { Adapter } from "../core/adapter/contract.js";
import { FixtureError, RnnParityError } from "../core/errors.js";
import { VERSION } from "../core/version.js";
import { entryLabel } from "../node/expectations/apply.js";
import { readExpectations, type Expectations } from "../node/expectations/file.js";
import { loadOnnxRuntime, MissingDependencyError, ORT_INSTALL_COMMAND } from "../node/oracles/ort-loader.js";
import { readFixture } from "../node/readers/fixture-file.js";
import { DEFAULT_FIXTURES_DIR } from "../node/readers/manifest.js";
import { resolveInputs, type CaseSource } from "../node/report/inputs.js";
import type { CheckResult, ComparisonRow, RequestedOracle } from "../node/report/model.js";
import { runCheck } from "../node/report/run-check.js";
import { caseLabel, entryScopes, pairLabel, plannedTests, type PlannedCase } from "./plan.js";

/** A paritySuite test's failure: a mismatch (assert_close's message), a case error, an unexpected pass or a stale entry. */
export class ParityFailure extends RnnParityError {
  override name = "ParityFailure";
}

export interface ParitySuiteOptions {
  /** Fixture files or folders, as `rnn-parity check` takes them (default: the bundled fixtures). */
  fixtures?: string | readonly string[];
  /** An expectations file (its path, or what readExpectations returned). */
  expectations?: string | Expectations;
  /**
   * The oracles (default both: onnxruntime where a case has a model and onnxruntime-node is
   * installed; without it, one line says so and only torch runs). Named explicitly, onnxruntime
   * needs onnxruntime-node and a model for every case.
   */
  oracles?: readonly RequestedOracle[];
  /** Per-test timeout in ms (default 60 000: a case runs in its first test, onnxruntime included). */
  timeout?: number;
}

async function plannedCase(source: CaseSource): Promise<PlannedCase> {
  const hasOnnx = source.onnx !== undefined;
  const m = source.manifestCase;
  if (m) return { name: m.name, module: m.module, config: m.config, ...(m.packing ? { packing: m.packing } : {}), hasOnnx };
  // Not listed in a manifest: the file says which module it holds (and runCheck reads it again, checked).
  const f = await readFixture(source.file);
  return { name: f.name, module: f.module, config: f.config, ...(f.packing ? { packing: f.packing } : {}), hasOnnx };
}

/** onnxruntime-node, when the default oracles ask for it where available; null (and one line) when absent. */
async function onnxAvailable(explicit: boolean): Promise<boolean> {
  try {
    const ort = await loadOnnxRuntime();
    // As the CLI does: onnxruntime's own log lines are not the suite's output.
    ort.env.logLevel = "fatal";
    return true;
  } catch (err) {
    if (explicit || !(err instanceof MissingDependencyError)) throw err;
    console.warn(`rnn-parity/vitest: onnxruntime comparisons skipped: onnxruntime-node is not installed (${ORT_INSTALL_COMMAND} adds them; oracles: ["torch"] silences this line)`);
    return false;
  }
}

function find(result: CheckResult, oracle: string, tensor: string): ComparisonRow | undefined {
  return result.comparisons.find((r) => r.oracle === oracle && r.tensor === tensor);
}

function why(e: { reason: string; link?: string }): string {
  return `${e.reason}${e.link === undefined ? "" : ` (${e.link})`}`;
}

/** What one test concludes from its case's run: pass, fail with assert_close's message, or skip. */
function judge(result: CheckResult, oracle: string, tensor: string, heading: string, ctx: TestContext): void {
  const error = result.errors[0];
  if (error) {
    if (error.status === "xfail" && error.expectation) ctx.skip(`expected failure (expectedFailures[${error.expectation.entry}]): ${why(error.expectation)}: ${error.message}`);
    throw new ParityFailure(`${heading}\n${error.message}`);
  }
  const unsupported = result.unsupported[0];
  if (unsupported) ctx.skip(`unsupported by ${result.implementation.name}: ${unsupported.reason}`);
  const row = find(result, oracle, tensor);
  if (!row) throw new ParityFailure(`${heading}\nthe run compared no ${tensor} against ${oracle} for this case`);
  if (row.status === "passed") return;
  const e = row.expectation;
  if (row.status === "xfail" && e) ctx.skip(`expected failure (expectedFailures[${e.entry}]): ${why(e)}`);
  if (row.status === "xpass" && e) {
    throw new ParityFailure(`${heading}\nunexpected pass: expectedFailures[${e.entry}] expects this case to fail against ${oracle}, and ${tensor} passed: ${why(e)}; remove or narrow the entry`);
  }
  throw new ParityFailure(`${heading}\n${row.message}`);
}

/**
 * Registers the suite in the calling test file; await it at the top level (the test names need the
 * fixtures' modules, read before vitest collects the tests).
 */
export async function paritySuite(adapter: Adapter, options: ParitySuiteOptions = {}): Promise<void> {
  const paths = options.fixtures === undefined ? [DEFAULT_FIXTURES_DIR] : typeof options.fixtures === "string" ? [options.fixtures] : [...options.fixtures];
  const expectations = typeof options.expectations === "string" ? await readExpectations(options.expectations) : options.expectations;
  if (expectations && expectations.implementation !== adapter.name) {
    throw new FixtureError(expectations.file, "implementation", `${JSON.stringify(expectations.implementation)}, but the implementation under test is ${JSON.stringify(adapter.name)}`);
  }
  const explicit = options.oracles !== undefined;
  const asked: readonly RequestedOracle[] = options.oracles ?? ["torch", "onnxruntime"];
  const oracles = asked.includes("onnxruntime") && !(await onnxAvailable(explicit)) ? asked.filter((o) => o !== "onnxruntime") : asked;
  const sources = await resolveInputs(paths);
  const cases = await Promise.all(sources.map(plannedCase));
  // Explicitly asked for, onnxruntime runs for every case: one without a model fails, as in check.
  const tests = (c: PlannedCase) => plannedTests(explicit ? { ...c, hasOnnx: true } : c, oracles);
  const timeout = options.timeout ?? 60_000;

  const runs = new Map<string, Promise<CheckResult>>();
  const runOf = (source: CaseSource): Promise<CheckResult> => {
    let r = runs.get(source.file);
    if (r === undefined) {
      r = runCheck({
        sources: [source],
        oracles,
        onnxWhereAvailable: !explicit,
        overrides: {},
        filters: [],
        failFast: false,
        toolVersion: VERSION,
        adapter,
        ...(expectations ? { expectations } : {}),
      });
      runs.set(source.file, r);
    }
    return r;
  };

  const pairs = [...new Set(cases.flatMap((c) => tests(c).map((t) => t.oracle)))];
  for (const oracle of pairs) {
    describe(pairLabel(oracle, adapter.name), () => {
      sources.forEach((source, i) => {
        const c = cases[i] as PlannedCase;
        const tensors = tests(c).filter((t) => t.oracle === oracle);
        if (tensors.length === 0) return;
        describe(caseLabel(c), () => {
          for (const { tensor } of tensors) {
            const heading = `${pairLabel(oracle, adapter.name)} › ${caseLabel(c)} › ${tensor}`;
            test(tensor, async (ctx) => judge(await runOf(source), oracle, tensor, heading, ctx), timeout);
          }
        });
      });
    });
  }

  if (expectations) {
    const scopes = entryScopes(expectations.expectedFailures, cases, tests, oracles);
    const stale = expectations.expectedFailures.flatMap((e, entry) => (scopes[entry] === "stale" ? [{ ...e, entry }] : []));
    if (stale.length) {
      describe(`expectations (${expectations.file})`, () => {
        for (const e of stale) {
          test(`${entryLabel(e)} matches a comparison`, () => {
            throw new ParityFailure(`stale expectation: ${entryLabel(e)} matches no comparison of this suite; remove or fix it in ${expectations.file}`);
          });
        }
      });
    }
  }
}
