/** `rnn-parity inspect` on a bundled fixture and its ONNX model. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { formatValue } from "../src/node/cli/inspect.js";
import { DEFAULT_FIXTURES_DIR, readManifest } from "../src/node/readers/manifest.js";
import { readFixture } from "../src/node/readers/fixture-file.js";
import type { Tensor } from "../src/core/tensor/tensor.js";
import { bundled, runCli, removeTempDirs, tempDir } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

const CASE = "RNN-tanh-bias-seqfirst-bidir-L2-h0-float32";

describe("inspect a fixture", () => {
  it("shows metadata, config and every tensor with dtype, shape, first values, min and max", async () => {
    const file = bundled(CASE);
    const run = await runCli(["inspect", file]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const f = await readFixture(file);
    expect(run.stdout).toContain(`rnn-parity-fixture v2: ${CASE}`);
    expect(run.stdout).toContain(`module RNN, dtype float32, seed ${f.seed}, torch ${f.torchVersion}`);
    expect(run.stdout).toContain("num_layers=2");
    expect(run.stdout).toContain("bidirectional=true");
    for (const key of [...Object.keys(f.stateDict), "input", "hx", "output", "h_n"]) expect(run.stdout).toMatch(new RegExp(`^    ${key}: float32 \\[`, "m"));
    const out = f.outputs.output as Tensor | undefined;
    const min = Math.min(...(out?.data ?? []));
    const first = Array.from(out?.data.subarray(0, 6) ?? []).map((x) => formatValue(x, "float32"));
    // As many first values as fit in 100 columns, in order.
    const line = run.stdout.split("\n").find((l) => l.startsWith("    output: ")) ?? "";
    const shown = /\[([^\]]*), \.\.\.\] min /.exec(line)?.[1]?.split(", ") ?? [];
    expect(shown.length).toBeGreaterThanOrEqual(2);
    expect(shown).toEqual(first.slice(0, shown.length));
    expect(line).toContain(`output: float32 [${out?.shape.join(", ")}] [${first[0]}, `);
    expect(line).toContain(` min ${formatValue(min, "float32")} max `);
  });

  it.each([
    ["the large RNN case", bundled("RNN-large-seq64-batch8-in32-hid48-bidir-L2-h0-float32")],
    ["a packed bidirectional LSTM with projection", fileURLToPath(new URL("./data/fixtures-v2/LSTM-packed-unsorted-seqfirst-bidir-L2-proj3-h0-float32.msgpack", import.meta.url))],
    ["the large case's decomposed float64 model", join(DEFAULT_FIXTURES_DIR, "onnx", "RNN-large-seq64-batch8-in32-hid48-bidir-L2-h0-float64.onnx")],
    ["an LSTM operator with peepholes", fileURLToPath(new URL("./data/onnx-backend/test_lstm_with_peepholes.onnx", import.meta.url))],
  ])("fits 100 columns: %s", async (_, file) => {
    const run = await runCli(["inspect", file]);
    expect(run.code).toBe(0);
    // The first line is the path as given; every other line is ours.
    for (const line of run.stdout.trimEnd().split("\n").slice(1)) expect([...line].length).toBeLessThanOrEqual(100);
  });

  it("prints JSON with --json", async () => {
    const run = await runCli(["inspect", bundled(CASE), "--json"]);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { kind: string; name: string; stateDict: Record<string, { shape: number[] }> };
    expect(doc.kind).toBe("fixture");
    expect(doc.name).toBe(CASE);
    expect(doc.stateDict.weight_ih_l1_reverse?.shape).toEqual([6, 12]);
  });

  it("refuses a file that is no fixture with exit 2 and one line naming it", async () => {
    const bad = join(await tempDir(), "junk.msgpack");
    await writeFile(bad, new Uint8Array([0xc1, 0x00, 0xff]));
    const run = await runCli(["inspect", bad]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^rnn-parity: ${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `));
  });
});

describe("inspect a version-2 packed LSTM fixture", () => {
  it("shows packing, cx and the int64 lengths, batch sizes and indices", async () => {
    const file = fileURLToPath(new URL("./data/fixtures-v2/LSTM-packed-unsorted-seqfirst-bidir-L2-proj3-h0-float32.msgpack", import.meta.url));
    const run = await runCli(["inspect", file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("rnn-parity-fixture v2: LSTM-packed-unsorted-seqfirst-bidir-L2-proj3-h0-float32");
    expect(run.stdout).toContain("proj_size=3");
    expect(run.stdout).toContain("  packing: enforce_sorted=false");
    expect(run.stdout).toMatch(/^ {4}weight_hr_l1_reverse: float32 \[3, 5\] /m);
    expect(run.stdout).toMatch(/^ {4}cx: float32 \[4, 5, 5\] /m);
    expect(run.stdout).toContain("    lengths: int64 [5] [4, 1, 6, 2, 4] min 1 max 6");
    expect(run.stdout).toContain("    batch_sizes: int64 [6] [5, 4, 3, 3, 1, 1] min 1 max 5");
    expect(run.stdout).toContain("    sorted_indices: int64 [5] [2, 0, 4, 3, 1] min 0 max 4");
    const doc = JSON.parse((await runCli(["inspect", file, "--json"])).stdout) as { packing: unknown; outputs: Record<string, { dtype: string }> };
    expect(doc.packing).toEqual({ enforce_sorted: false });
    expect(doc.outputs.unsorted_indices?.dtype).toBe("int64");
  });
});

describe("inspect an ONNX model", async () => {
  const manifest = await readManifest();
  const entry = manifest.cases.find((c) => c.name === CASE)?.onnx;

  it.skipIf(!entry)("shows inputs, outputs, operators and initializers", async () => {
    const run = await runCli(["inspect", join(DEFAULT_FIXTURES_DIR, entry?.file ?? "")]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/input {2}input: float32 \[/);
    expect(run.stdout).toMatch(/input {2}hx: float32 \[/);
    expect(run.stdout).toMatch(/output output: float32 \[/);
    expect(run.stdout).toMatch(/output h_n: float32 \[/);
    expect(run.stdout).toContain("operators: ");
    const json = await runCli(["inspect", join(DEFAULT_FIXTURES_DIR, entry?.file ?? ""), "--json"]);
    const doc = JSON.parse(json.stdout) as { kind: string; operators: Record<string, number>; initializers: unknown[] };
    expect(doc.kind).toBe("onnx");
    expect(Object.keys(doc.operators).length).toBeGreaterThan(0);
  });
});

describe("formatValue", () => {
  it("prints float32 values with digits enough to read them back exactly", () => {
    for (const x of [0.1, 1 / 3, -2.5e-12, 123456.789, 3.4e38].map(Math.fround)) {
      expect(Math.fround(Number(formatValue(x, "float32")))).toBe(x);
      expect(formatValue(x, "float32").replace(/^-|e.*$|\./g, "").replace(/^0+/, "").length).toBeLessThanOrEqual(9);
    }
    expect(formatValue(0.1, "float64")).toBe("0.1");
    expect(formatValue(null, "float32")).toBe("-");
  });
});
