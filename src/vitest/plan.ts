/**
 * What paritySuite registers, decided before any test runs: one test per case, oracle pair and
 * tensor (named as rnn-parity's own suites name them), and the expectations entries that can match
 * none of them (stale: a failing test of their own) or whose oracle is not run (not exercised).
 */
import { globToRegExp } from "../node/cli/filter.js";
import { fits } from "../node/expectations/apply.js";
import type { ExpectedFailure } from "../node/expectations/file.js";
import type { OracleName, RequestedOracle } from "../node/report/model.js";
import { fixtureOutputNames, onnxOutputNames, type ModuleName, type Packing, type TorchConfig } from "../core/format/types.js";

export interface PlannedCase {
  name: string;
  module: ModuleName;
  config: TorchConfig;
  packing?: Packing;
  hasOnnx: boolean;
}

export interface PlannedTest {
  oracle: OracleName;
  tensor: string;
}

/** The tensors each oracle pair compares for a case, as runCheck compares them. */
export function plannedTests(c: PlannedCase, oracles: readonly RequestedOracle[]): PlannedTest[] {
  const out: PlannedTest[] = [];
  const torch = oracles.includes("torch");
  if (torch) out.push(...fixtureOutputNames(c.module, c.packing).map((tensor) => ({ oracle: "torch" as const, tensor })));
  if (oracles.includes("onnxruntime") && c.hasOnnx) {
    out.push(...onnxOutputNames(c.module).map((tensor) => ({ oracle: "onnxruntime" as const, tensor })));
    if (torch) out.push(...onnxOutputNames(c.module).map((tensor) => ({ oracle: "onnxruntime-vs-torch" as const, tensor })));
  }
  return out;
}

/** "<case> (<module> <config>)": the describe block of a case in test/parity.test.ts and parity-onnx.test.ts. */
export function caseLabel(c: Pick<PlannedCase, "name" | "module" | "config">): string {
  return `${c.name} (${c.module} ${JSON.stringify(c.config)})`;
}

/** The describe block of an oracle pair: "torch vs NAME", "NAME vs onnxruntime", "onnxruntime vs torch". */
export function pairLabel(oracle: OracleName, implementation: string): string {
  if (oracle === "torch") return `torch vs ${implementation}`;
  if (oracle === "onnxruntime") return `${implementation} vs onnxruntime`;
  return "onnxruntime vs torch";
}

export type EntryScope = "matched" | "stale" | "not exercised";

/**
 * Each entry's scope over the planned tests, with check's rules (docs/adapters.md): a test takes the
 * first entry that fits it; an entry that fits none is stale, unless its oracle is not run here and
 * its glob matches a case (then it is not exercised).
 */
export function entryScopes(entries: readonly ExpectedFailure[], cases: readonly PlannedCase[], tests: (c: PlannedCase) => readonly PlannedTest[], oracles: readonly RequestedOracle[]): EntryScope[] {
  const patterns = entries.map((e) => globToRegExp(e.case));
  const claimed = new Set<number>();
  for (const c of cases) {
    for (const t of tests(c)) {
      const i = entries.findIndex((e, k) => fits(e, patterns[k] as RegExp, { oracle: t.oracle, tensor: t.tensor, case: c.name }));
      if (i >= 0) claimed.add(i);
    }
  }
  return entries.map((e, i) => {
    if (claimed.has(i)) return "matched";
    const idle = e.oracle !== undefined && !oracles.includes(e.oracle);
    return idle && cases.some((c) => (patterns[i] as RegExp).test(c.name)) ? "not exercised" : "stale";
  });
}
