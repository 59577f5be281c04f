/**
 * `check --impl`: a third-party adapter written outside the repo (a temp dir, plain JS, no import of
 * this package) with a realistic porting bug, bias_hh forgotten. It must fail exactly where the bug
 * shows (RNNCell with bias), pass where it cannot (no bias), count what it declines as unsupported,
 * and a run that compared nothing exits 1. Load errors are one line naming the adapter file.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundled, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";

const BROKEN = `
export default {
  name: "naive-cell", version: "0.0.1",
  supports: (spec) => spec.module === "RNNCell" || "only RNNCell",
  create(spec) {
    const H = spec.config.hidden_size, I = spec.config.input_size;
    let sd;
    return {
      loadStateDict(s) { sd = s; },
      forward(input, hx) {
        const batched = input.shape.length === 2, B = batched ? input.shape[0] : 1;
        const out = new Float64Array(B * H);
        for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
          let z = spec.config.bias ? sd.bias_ih.data[j] : 0; // bug: bias_hh forgotten
          for (let i = 0; i < I; i++) z += sd.weight_ih.data[j * I + i] * input.data[b * I + i];
          if (hx) for (let k = 0; k < H; k++) z += sd.weight_hh.data[j * H + k] * hx.data[b * H + k];
          out[b * H + j] = spec.config.nonlinearity === "tanh" ? Math.tanh(z) : Math.max(0, z);
        }
        return { data: out, shape: batched ? [B, H] : [H] };
      },
    };
  },
};`;

afterAll(removeTempDirs);

async function adapterFile(text: string): Promise<string> {
  const file = join(await tempDir(), "adapter.mjs");
  await writeFile(file, text);
  return file;
}

describe("check --impl with a third-party adapter", () => {
  it("fails on h_prime where bias_hh matters, and names the implementation", async () => {
    const file = await adapterFile(BROKEN);
    const r = await runCli(["check", "--impl", file, "--oracle", "torch", "--reporter", "json", bundled("RNNCell-tanh-bias-batched-hx-float64")]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { implementation: { name: string; version: string }; comparisons: { tensor: string; passed: boolean }[] };
    expect(doc.implementation).toEqual({ name: "naive-cell", version: "0.0.1" });
    expect(doc.comparisons.map((c) => [c.tensor, c.passed])).toEqual([["h_prime", false]]);
  });

  it("passes where the bug cannot show (no bias)", async () => {
    const file = await adapterFile(BROKEN);
    const r = await runCli(["check", "--impl", file, "--oracle", "torch", bundled("RNNCell-relu-nobias-batched-hx-float64")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("naive-cell 0.0.1: rnn-parity 0.1.0 check");
  });

  it("counts unsupported cases, never as passes: nothing compared exits 1", async () => {
    const file = await adapterFile(BROKEN);
    const r = await runCli(["check", "--impl", file, "--oracle", "torch", bundled("LSTM-batch1-bidir-L2-noh0-float64")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("unsupported by naive-cell: 1 case");
    expect(r.stdout).toContain("nothing was compared");
  });

  it("a file without an adapter is one line naming the file", async () => {
    const file = await adapterFile("export default { name: 'x' };");
    const r = await runCli(["check", "--impl", file, bundled("RNNCell-relu-nobias-batched-hx-float64")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rnn-parity: ${file}: default.create: must be a function\n`);
  });

  it("a wrong result shape is one line naming the adapter file", async () => {
    const file = await adapterFile(BROKEN.replace("shape: batched ? [B, H] : [H]", "shape: [1]"));
    const r = await runCli(["check", "--impl", file, "--oracle", "torch", bundled("RNNCell-relu-nobias-batched-hx-float64")]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(r.stderr).toContain(`${file}: h_prime: naive-cell on RNNCell-relu-nobias-batched-hx-float64:`);
  });
});
