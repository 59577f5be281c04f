/** Command-line options of `npm run bench` and the two run profiles. */
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { IMPLEMENTATIONS, type ImplementationName } from "./impl/types.js";
import { filterWorkloads, WORKLOADS, type Workload } from "./workloads.js";

/** A bad command line: main prints its message on one line and exits 2, before anything runs. */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface Profile {
  /** Each implementation is called for at least this long before timing (at least once). */
  readonly warmupMs: number;
  /** Target length of one timed sample; small shapes batch many calls into one sample. */
  readonly sampleMs: number;
  readonly minSamples: number;
  readonly maxSamples: number;
  /** Timed-phase budget per workload, which sets the sample count between min and max. */
  readonly budgetMs: number;
  /**
   * A first call at least this long also counts as a timed sample: at that length JIT warm-up is
   * lost in the noise, and repeating a multi-second call only to discard it would double the run.
   */
  readonly firstCallIsSampleAboveMs: number;
}

export const FULL: Profile = {
  warmupMs: 500,
  sampleMs: 40,
  minSamples: 3,
  maxSamples: 21,
  budgetMs: 25_000,
  firstCallIsSampleAboveMs: Number.POSITIVE_INFINITY,
};
export const QUICK: Profile = {
  warmupMs: 400,
  sampleMs: 10,
  minSamples: 1,
  maxSamples: 5,
  budgetMs: 3_000,
  firstCallIsSampleAboveMs: 1_000,
};

export interface BenchOptions {
  profile: Profile;
  quick: boolean;
  json: string | undefined;
  markdown: boolean;
  /** The workloads --filter selects, in ladder order; never empty. */
  workloads: Workload[];
  implementations: ImplementationName[];
  seed: number;
}

function parseImplementations(list: string): ImplementationName[] {
  const names = list.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const out: ImplementationName[] = [];
  for (const n of names) {
    const found = IMPLEMENTATIONS.find((i) => i === n);
    if (found === undefined) throw new UsageError(`--impl: unknown implementation "${n}" (expected ${IMPLEMENTATIONS.join(", ")})`);
    if (!out.includes(found)) out.push(found);
  }
  // onnxruntime is the reference for the sanity check and the ratio column, so it always runs.
  if (!out.includes("onnxruntime")) out.push("onnxruntime");
  return IMPLEMENTATIONS.filter((i) => out.includes(i));
}

function selectWorkloads(filter: string | undefined): Workload[] {
  let workloads: Workload[];
  try {
    workloads = filterWorkloads(WORKLOADS, filter);
  } catch (err) {
    // An invalid /regex/.
    throw new UsageError(`--filter: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (workloads.length === 0) {
    throw new UsageError(`--filter: "${filter ?? ""}" matches no workload (have ${WORKLOADS.map((w) => w.name).join(", ")})`);
  }
  return workloads;
}

/** The --json file is written only after every workload ran: refuse a path that cannot work before spending minutes. */
function checkJsonPath(file: string | undefined): void {
  if (file === undefined) return;
  const folder = dirname(resolve(file));
  if (!(statSync(folder, { throwIfNoEntry: false })?.isDirectory() ?? false)) throw new UsageError(`--json: ${folder} is not a directory`);
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false) throw new UsageError(`--json: ${file} is a directory`);
}

/** The options, or null when --help was printed. Throws UsageError for any bad usage, commander's included. */
export function parseArgs(argv: readonly string[]): BenchOptions | null {
  const program = new Command("bench")
    .description("Times the TypeScript RNN, LSTM and GRU forward passes against onnxruntime-node and TensorFlow.js (cpu backend).")
    .option("--quick", "fewer and shorter samples (about a minute in all)", false)
    .option("--json <file>", "also write the result rows as a JSON array to <file>")
    .option("--markdown", "also print the table as Markdown", false)
    .option("--filter <names>", "comma-separated workload names or /regex/, e.g. /^lstm-/ (default: all)")
    .option("--impl <list>", `comma-separated implementations (${IMPLEMENTATIONS.join(", ")}); onnxruntime always runs`, IMPLEMENTATIONS.join(","))
    .option("--seed <n>", "seed of the weights and inputs", "20240601")
    .exitOverride()
    // Errors are reported by main, as one "bench: ..." line; help still goes to stdout.
    .configureOutput({ outputError: () => {} });
  try {
    program.parse([...argv], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return null;
    if (err instanceof CommanderError) throw new UsageError(err.message.replace(/^error: /, ""));
    throw err;
  }
  const o = program.opts<{ quick: boolean; json?: string; markdown: boolean; filter?: string; impl: string; seed: string }>();
  const seed = Number(o.seed);
  if (o.seed.trim() === "" || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed: expected an integer in [0, 2^32), got "${o.seed}"`);
  checkJsonPath(o.json);
  return {
    profile: o.quick ? QUICK : FULL,
    quick: o.quick,
    json: o.json,
    markdown: o.markdown,
    workloads: selectWorkloads(o.filter),
    implementations: parseImplementations(o.impl),
    seed,
  };
}
