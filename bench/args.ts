/** Command-line options of `npm run bench` and the two run profiles. */
import { Command } from "commander";
import { IMPLEMENTATIONS, type ImplementationName } from "./impl/types.js";

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
  filter: string | undefined;
  implementations: ImplementationName[];
  seed: number;
}

function parseImplementations(list: string): ImplementationName[] {
  const names = list.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const out: ImplementationName[] = [];
  for (const n of names) {
    const found = IMPLEMENTATIONS.find((i) => i === n);
    if (found === undefined) throw new Error(`--impl: unknown implementation "${n}" (expected ${IMPLEMENTATIONS.join(", ")})`);
    if (!out.includes(found)) out.push(found);
  }
  // onnxruntime is the reference for the sanity check and the ratio column, so it always runs.
  if (!out.includes("onnxruntime")) out.push("onnxruntime");
  return IMPLEMENTATIONS.filter((i) => out.includes(i));
}

export function parseArgs(argv: readonly string[]): BenchOptions {
  const program = new Command("bench")
    .description("Times the TypeScript RNN forward pass against onnxruntime-node and TensorFlow.js (cpu backend).")
    .option("--quick", "fewer and shorter samples (about a minute in all)", false)
    .option("--json <file>", "also write the result rows as a JSON array to <file>")
    .option("--markdown", "also print the table as Markdown", false)
    .option("--filter <names>", "comma-separated workload names or /regex/ (default: all)")
    .option("--impl <list>", `comma-separated implementations (${IMPLEMENTATIONS.join(", ")}); onnxruntime always runs`, IMPLEMENTATIONS.join(","))
    .option("--seed <n>", "seed of the weights and inputs", "20240601")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.parse([...argv], { from: "user" });
  const o = program.opts<{ quick: boolean; json?: string; markdown: boolean; filter?: string; impl: string; seed: string }>();
  const seed = Number(o.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`--seed: expected an integer in [0, 2^32), got "${o.seed}"`);
  return {
    profile: o.quick ? QUICK : FULL,
    quick: o.quick,
    json: o.json,
    markdown: o.markdown,
    filter: o.filter,
    implementations: parseImplementations(o.impl),
    seed,
  };
}
