/**
 * `inspect` on a fixture, its whole text: section titles, the first values as far as 100 columns
 * allow (one at least, then wrapped), "..." only when values are left out, and the NaN and
 * infinity counts. The file is a bundled torch fixture with two outputs replaced by NaN and +inf.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { decode, encode } from "@msgpack/msgpack";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_FIXTURES_DIR } from "../src/node/readers/manifest.js";
import { bundled, perturbedFile, plainCopy, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

/** The lines `inspect` prints for a copy of a bundled fixture. */
async function inspectCopy(caseName: string): Promise<string[]> {
  const file = await plainCopy(caseName, await tempDir());
  return (await runCli(["inspect", file])).stdout.split("\n");
}

describe("inspect, exactly", () => {
  it("a cell fixture with a NaN and an infinity", async () => {
    const file = join(await tempDir(), "cell.msgpack");
    await perturbedFile(bundled("RNNCell-tanh-bias-unbatched-hx-float64"), file, "outputs", "h_prime", NaN, 0);
    await perturbedFile(file, file, "outputs", "h_prime", Infinity, 1);
    const run = await runCli(["inspect", file]);
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n")).toEqual([
      file,
      "  rnn-parity-fixture v2: RNNCell-tanh-bias-unbatched-hx-float64",
      "  module RNNCell, dtype float64, seed 3083312641, torch 2.13.0+cpu",
      "  config: input_size=3, hidden_size=5, bias=true, nonlinearity=tanh",
      "  state_dict:",
      // Even one value does not fit here: the line keeps it and wraps.
      "    weight_ih: float64 [5, 3] [0.17518550719178608,",
      "        ...] min -0.4056597651347302 max 0.2256655280922709",
      "    weight_hh: float64 [5, 5] [-0.012795262827865896,",
      "        ...] min -0.4345237506738127 max 0.37407837044594433",
      "    bias_ih: float64 [5] [0.2684381390467835, ...] min -0.3611256138811023 max 0.27460647703155133",
      "    bias_hh: float64 [5] [-0.27507085201682124, ...] min -0.400433953599835 max 0.2795608623840978",
      "  inputs:",
      "    input: float64 [3] [1.8115766330385878, ...] min -1.7114763651820297 max 1.8115766330385878",
      "    hx: float64 [5] [-2.329553356493871, ...] min -2.329553356493871 max 3.7010213422834997",
      "  outputs:",
      "    h_prime: float64 [5] [NaN, Infinity, ...] min -0.96847136474641 max Infinity (1 nan, 1 inf)",
      "",
    ]);
  });

  it("a line of exactly 100 columns keeps every value", async () => {
    const file = join(await tempDir(), "cell.msgpack");
    const doc = decode(await readFile(bundled("RNNCell-tanh-bias-unbatched-hx-float64"))) as Record<string, Record<string, { data: Uint8Array }>>;
    const hPrime = doc.outputs?.h_prime;
    if (!hPrime) throw new Error("no outputs.h_prime");
    hPrime.data = new Uint8Array(new Float64Array([-0.25, 0.55, 0.75, 1.5, 1.833333333333333]).buffer);
    await writeFile(file, encode(doc));
    const line = (await runCli(["inspect", file])).stdout.split("\n").find((l) => l.startsWith("    h_prime:"));
    expect(line).toBe("    h_prime: float64 [5] [-0.25, 0.55, 0.75, 1.5, 1.833333333333333] min -0.25 max 1.833333333333333");
    expect(line?.length).toBe(100);
  });

  it("a packed fixture names its packing; a short tensor is shown whole, without ...", async () => {
    const lines = await inspectCopy("GRU-packed-sorted-batchfirst-bidir-L1-h0-float32");
    expect(lines.filter((l) => l.startsWith("  packing"))).toEqual(["  packing: enforce_sorted=true"]);
    const lengths = lines.find((l) => l.startsWith("    lengths: ")) ?? "";
    expect(lengths).toBe("    lengths: int64 [5] [6, 4, 4, 2, 1] min 1 max 6");
  });

  it("an ONNX model: one line per fact", async () => {
    const model = join(DEFAULT_FIXTURES_DIR, "onnx", "RNN-batch1-batchfirst-uni-L1-h0-float32.onnx");
    const lines = (await runCli(["inspect", model])).stdout.split("\n");
    expect(lines.slice(0, 5)).toEqual([
      model,
      "  ir_version 9, producer pytorch 2.13.0, opsets ai.onnx 20",
      "  input  input: float32 [1, 5, 4]",
      "  input  hx: float32 [1, 1, 6]",
      "  output output: float32 [1, 5, 6]",
    ]);
  });

  it("a case without initial states lists only its input", async () => {
    const lines = await inspectCopy("LSTM-batch1-bidir-L2-noh0-float64");
    const inputs = lines.slice(lines.indexOf("  inputs:") + 1, lines.indexOf("  outputs:"));
    expect(inputs.flatMap((l) => /^ {4}(\w+):/.exec(l)?.[1] ?? [])).toEqual(["input"]);
  });
});
