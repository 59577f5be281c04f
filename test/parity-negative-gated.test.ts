/**
 * Proof that the harness fails on realistic LSTM, GRU and packed-sequence porting bugs, each on a
 * named bundled case and judged by compareTensors/compareAny against PyTorch's fixture. A bug is
 * simulated by permuting or altering the fixture's weights or our outputs, or by the small
 * deliberately buggy forwards of test/helpers/mini-recurrent.ts (whose bug-free versions are shown
 * to pass first); src is never edited. If one of these passes, a green parity suite says nothing
 * about that bug.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareAny } from "../src/core/compare/compare-any.js";
import { permuteGateBlocks } from "../src/core/onnx/onnx-gates.js";
import { encodeOnnxModel } from "../src/core/onnx/onnx-proto.js";
import { readOnnxModel } from "../src/node/readers/onnx-file.js";
import { moduleFromOnnx } from "../src/node/readers/onnx-file.js";
import { runCheck } from "../src/node/report/run-check.js";
import type { Fixture, FixtureTensor } from "../src/core/format/types.js";
import { moduleFromFixture } from "../src/core/nn/from-torch.js";
import { GRU } from "../src/core/nn/gru.js";
import { runTypeScript } from "../src/core/oracle/typescript.js";
import { Int64Tensor } from "../src/core/tensor/int64-tensor.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { loadOnnxCaseFixture, onnxFixturesDir, onnxManifest } from "./helpers/onnx-cases.js";
import { miniGru, miniLstm } from "./helpers/mini-recurrent.js";

/** The bundled cases the proofs run on (each named, so a failure says which file). */
export const NEGATIVE_CASES = {
  lstmBidirL2: "LSTM-bias-seqfirst-bidir-L2-noproj-h0-float32",
  lstmProjUni: "LSTM-bias-batchfirst-uni-L1-proj3-h0-float32",
  lstmBidirL1: "LSTM-bias-batchfirst-bidir-L1-noproj-h0-float32",
  gruBidirL2: "GRU-bias-seqfirst-bidir-L2-h0-float32",
  gruUni: "GRU-bias-seqfirst-uni-L1-h0-float32",
  gruPacked: "GRU-packed-unsorted-seqfirst-bidir-L1-h0-float32",
  lstmPacked: "LSTM-packed-unsorted-seqfirst-bidir-L1-h0-float32",
} as const;

async function named(name: string): Promise<Fixture> {
  const entry = onnxManifest.cases.find((c) => c.name === name);
  if (!entry) throw new Error(`the negative tests need the bundled case ${name}, which the manifest does not list`);
  return loadOnnxCaseFixture(entry);
}

function expected(f: Fixture, name: string): FixtureTensor {
  const t = f.outputs[name];
  if (!t) throw new Error(`${f.file}: outputs.${name}: missing`);
  return t;
}

function float(t: FixtureTensor | undefined, what: string): Tensor {
  if (!(t instanceof Tensor)) throw new Error(`${what}: not a float tensor`);
  return t;
}

/** Every named output of `actual` passes against the fixture (the bug-free baseline). */
function expectAllPass(f: Fixture, actual: Record<string, FixtureTensor>, names: readonly string[]): void {
  for (const name of names) {
    const c = compareAny(actual[name] as FixtureTensor, expected(f, name), { name });
    expect(c.passed, `${f.name} ${name}: ${c.message}`).toBe(true);
  }
}

/** At least one of `names` fails, and each failure carries torch's message. */
function expectCaught(f: Fixture, actual: Record<string, FixtureTensor>, names: readonly string[]): string[] {
  const failed: string[] = [];
  for (const name of names) {
    const got = actual[name];
    if (!got) continue;
    const c = compareAny(got, expected(f, name), { name });
    if (!c.passed) {
      expect(c.message).toMatch(/^(Tensor-likes are not (close|equal)!|The values for attribute 'shape' do not match)/);
      failed.push(name);
    }
  }
  expect(failed, `${f.name}: the bug went unnoticed in ${names.join(", ")}`).not.toEqual([]);
  return failed;
}

/** Runs our module on the fixture with a changed state dict or changed inputs. */
function runWith(f: Fixture, change: { stateDict?: Record<string, Tensor>; inputs?: Fixture["inputs"] }): Record<string, FixtureTensor> {
  return runTypeScript({ ...f, stateDict: change.stateDict ?? f.stateDict, inputs: change.inputs ?? f.inputs } as Fixture);
}

/** Each gate-stacked parameter (weight_ih/hh, bias_ih/hh) with its blocks permuted or edited. */
function mapGates(f: Fixture, edit: (t: Tensor, key: string) => Tensor): Record<string, Tensor> {
  const sd: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(f.stateDict)) sd[key] = /^(weight|bias)_(ih|hh)/.test(key) ? edit(t, key) : t;
  return sd;
}

/** Block `g` of a gate-stacked tensor replaced by `fill(block values)`. */
function editBlock(t: Tensor, gates: number, g: number, fill: (v: number, i: number) => number, source = g): Tensor {
  const out = t.clone();
  const size = t.numel() / gates;
  for (let i = 0; i < size; i++) out.data[g * size + i] = fill(t.data[source * size + i] as number, i);
  return out;
}

const LSTM_OUT = ["output", "h_n", "c_n"] as const;
const GRU_OUT = ["output", "h_n"] as const;

describe("LSTM porting bugs are caught", () => {
  it(`the unmodified run and the bug-free mini LSTM pass (${NEGATIVE_CASES.lstmBidirL2}, ${NEGATIVE_CASES.lstmProjUni}, ${NEGATIVE_CASES.lstmBidirL1})`, async () => {
    const f = await named(NEGATIVE_CASES.lstmBidirL2);
    expectAllPass(f, runTypeScript(f), LSTM_OUT);
    for (const name of [NEGATIVE_CASES.lstmProjUni, NEGATIVE_CASES.lstmBidirL1]) {
      const g = await named(name);
      expectAllPass(g, miniLstm(g), LSTM_OUT);
    }
  });

  it(`gates read in ONNX's order (i, o, f, c) from torch's weights (${NEGATIVE_CASES.lstmBidirL2})`, async () => {
    const f = await named(NEGATIVE_CASES.lstmBidirL2);
    // What such a port computes as f, g, o are torch's blocks 2, 3, 1.
    expectCaught(f, runWith(f, { stateDict: mapGates(f, (t) => permuteGateBlocks(t, [0, 2, 3, 1])) }), LSTM_OUT);
  });

  it(`input and forget gates exchanged (${NEGATIVE_CASES.lstmBidirL2})`, async () => {
    const f = await named(NEGATIVE_CASES.lstmBidirL2);
    expectCaught(f, runWith(f, { stateDict: mapGates(f, (t) => permuteGateBlocks(t, [1, 0, 2, 3])) }), LSTM_OUT);
  });

  it(`h_n and c_n exchanged (${NEGATIVE_CASES.lstmBidirL2})`, async () => {
    const f = await named(NEGATIVE_CASES.lstmBidirL2);
    const ours = runTypeScript(f);
    const swapped = { h_n: ours.c_n as FixtureTensor, c_n: ours.h_n as FixtureTensor };
    expect(expectCaught(f, swapped, ["h_n", "c_n"])).toEqual(["h_n", "c_n"]);
  });

  it(`bias_hh dropped (${NEGATIVE_CASES.lstmBidirL2})`, async () => {
    const f = await named(NEGATIVE_CASES.lstmBidirL2);
    const sd = mapGates(f, (t, key) => (key.startsWith("bias_hh") ? Tensor.zeros(t.shape, t.dtype) : t));
    expectCaught(f, runWith(f, { stateDict: sd }), LSTM_OUT);
  });

  it(`the projection skipped, or applied to c as well (${NEGATIVE_CASES.lstmProjUni})`, async () => {
    const f = await named(NEGATIVE_CASES.lstmProjUni);
    expect(expectCaught(f, miniLstm(f, { skipProjection: true }), LSTM_OUT)).toContain("output");
    expect(expectCaught(f, miniLstm(f, { projectCell: true }), LSTM_OUT)).toEqual(["c_n"]);
  });

  it(`the reverse direction's final state taken from the wrong end (${NEGATIVE_CASES.lstmBidirL1})`, async () => {
    const f = await named(NEGATIVE_CASES.lstmBidirL1);
    expect(expectCaught(f, miniLstm(f, { reverseStateFromWrongEnd: true }), LSTM_OUT)).toEqual(["h_n", "c_n"]);
  });
});

describe("GRU porting bugs are caught", () => {
  it(`the unmodified run and the bug-free mini GRU pass (${NEGATIVE_CASES.gruBidirL2}, ${NEGATIVE_CASES.gruUni})`, async () => {
    const f = await named(NEGATIVE_CASES.gruBidirL2);
    expectAllPass(f, runTypeScript(f), GRU_OUT);
    const g = await named(NEGATIVE_CASES.gruUni);
    expectAllPass(g, miniGru(g), GRU_OUT);
  });

  it(`r and z exchanged (${NEGATIVE_CASES.gruBidirL2})`, async () => {
    const f = await named(NEGATIVE_CASES.gruBidirL2);
    expectCaught(f, runWith(f, { stateDict: mapGates(f, (t) => permuteGateBlocks(t, [1, 0, 2])) }), GRU_OUT);
  });

  it(`the reset gate applied before the recurrent product, ONNX's linear_before_reset=0 (${NEGATIVE_CASES.gruUni})`, async () => {
    const f = await named(NEGATIVE_CASES.gruUni);
    expectCaught(f, miniGru(f, { resetBeforeProduct: true }), GRU_OUT);
  });

  it(`the z-gate slice used for n's recurrent term (${NEGATIVE_CASES.gruBidirL2})`, async () => {
    const f = await named(NEGATIVE_CASES.gruBidirL2);
    // W_hn and b_hn read from the z rows of weight_hh / bias_hh.
    const sd = mapGates(f, (t, key) => (key.includes("_hh") ? editBlock(t, 3, 2, (v) => v, 1) : t));
    expectCaught(f, runWith(f, { stateDict: sd }), GRU_OUT);
  });

  it(`h' = z * n + (1 - z) * h (${NEGATIVE_CASES.gruBidirL2})`, async () => {
    const f = await named(NEGATIVE_CASES.gruBidirL2);
    // sigmoid(-a) = 1 - sigmoid(a): negating every z pre-activation swaps z and 1 - z exactly.
    const sd = mapGates(f, (t) => editBlock(t, 3, 1, (v) => -v));
    expectCaught(f, runWith(f, { stateDict: sd }), GRU_OUT);
  });
});

/** Column `n` of a [.., N, F] tensor taken from column perm[n] (a batch permutation). */
function permuteBatch(t: Tensor, perm: readonly number[]): Tensor {
  const [lead = 1, batch = 0, features = 0] = t.shape.length === 3 ? t.shape : [1, ...t.shape];
  const out = t.clone();
  for (let a = 0; a < lead; a++) {
    for (let n = 0; n < batch; n++) {
      const from = perm[n] as number;
      out.data.set(t.data.subarray((a * batch + from) * features, (a * batch + from + 1) * features), (a * batch + n) * features);
    }
  }
  return out;
}

describe("packed-sequence porting bugs are caught", () => {
  const lengthsOf = (f: Fixture): number[] => [...(f.inputs.lengths as Int64Tensor).data];
  const sortedOf = (f: Fixture): number[] => [...(f.outputs.sorted_indices as Int64Tensor).data];

  it(`the cases have ties, short sequences and a batch order to restore (${NEGATIVE_CASES.gruPacked}, ${NEGATIVE_CASES.lstmPacked})`, async () => {
    for (const name of [NEGATIVE_CASES.gruPacked, NEGATIVE_CASES.lstmPacked]) {
      const f = await named(name);
      const lengths = lengthsOf(f);
      expect(Math.min(...lengths)).toBeLessThan(Math.max(...lengths));
      expect(sortedOf(f)).not.toEqual(sortedOf(f).slice().sort((a, b) => a - b));
      expectAllPass(f, runTypeScript(f), Object.keys(f.outputs));
    }
  });

  /** The module run on the padded batch as if it were unpacked: every padded step is processed. */
  function unpackedRun(f: Fixture): [Tensor, Tensor] {
    const gru = moduleFromFixture(f) as GRU;
    const [output, hN] = gru.forward(f.inputs.input, f.inputs.hx);
    return [output, hN];
  }

  it(`lengths ignored: the padded steps processed (${NEGATIVE_CASES.gruPacked})`, async () => {
    const f = await named(NEGATIVE_CASES.gruPacked);
    const [output, hN] = unpackedRun(f);
    const longest = Math.max(...lengthsOf(f));
    const cut = new Tensor(output.data.slice(0, longest * (output.numel() / (output.shape[0] ?? 1))), [longest, ...output.shape.slice(1)]);
    expect(expectCaught(f, { output: cut, h_n: hN }, ["output", "h_n"])).toEqual(["output", "h_n"]);
  });

  it(`the reverse direction started at the padded end instead of each sequence's last step (${NEGATIVE_CASES.gruPacked})`, async () => {
    const f = await named(NEGATIVE_CASES.gruPacked);
    const good = runTypeScript(f);
    const padded = float(good.output, "output");
    const [unpacked, unpackedHN] = unpackedRun(f);
    const [longest = 0, batch = 0, features = 0] = padded.shape;
    const half = features / 2;
    const lengths = lengthsOf(f);
    // Forward half and masking as packed; reverse half as a scan from step T-1 over the padding.
    const buggy = padded.clone();
    for (let t = 0; t < longest; t++) {
      for (let n = 0; n < batch; n++) {
        if (t >= (lengths[n] as number)) continue;
        for (let j = half; j < features; j++) buggy.data[(t * batch + n) * features + j] = unpacked.data[(t * batch + n) * features + j] as number;
      }
    }
    const hN = float(good.h_n, "h_n").clone();
    hN.data.set(unpackedHN.data.subarray(batch * half), batch * half);
    expect(expectCaught(f, { output: buggy, h_n: hN }, ["output", "h_n"])).toEqual(["output", "h_n"]);
  });

  it(`h_n (and c_n) left in the sorted batch order (${NEGATIVE_CASES.gruPacked}, ${NEGATIVE_CASES.lstmPacked})`, async () => {
    for (const name of [NEGATIVE_CASES.gruPacked, NEGATIVE_CASES.lstmPacked]) {
      const f = await named(name);
      const ours = runTypeScript(f);
      const sorted = sortedOf(f);
      const states = name === NEGATIVE_CASES.lstmPacked ? ["h_n", "c_n"] : ["h_n"];
      const left = Object.fromEntries(states.map((s) => [s, permuteBatch(float(ours[s], s), sorted)]));
      expect(expectCaught(f, left, states)).toEqual(states);
    }
  });

  it(`the PackedSequence bookkeeping wrong: no sorting, every step at full batch, lengths off by one (${NEGATIVE_CASES.lstmPacked})`, async () => {
    const f = await named(NEGATIVE_CASES.lstmPacked);
    const ours = runTypeScript(f);
    const batch = lengthsOf(f).length;
    const steps = (ours.batch_sizes as Int64Tensor).data.length;
    const wrong: Record<string, FixtureTensor> = {
      sorted_indices: Int64Tensor.of(Array.from({ length: batch }, (_, i) => i)),
      batch_sizes: Int64Tensor.of(new Array<number>(steps).fill(batch)),
      output_lengths: Int64Tensor.of(lengthsOf(f).map((n) => n - 1)),
    };
    expect(expectCaught(f, wrong, Object.keys(wrong))).toEqual(Object.keys(wrong));
    for (const name of Object.keys(wrong)) {
      expect(compareAny(wrong[name] as FixtureTensor, expected(f, name), { name }).message).toMatch(/^Tensor-likes are not equal!/);
    }
  });

  it(`hx (and cx) not permuted into the sorted order (${NEGATIVE_CASES.gruPacked}, ${NEGATIVE_CASES.lstmPacked})`, async () => {
    for (const name of [NEGATIVE_CASES.gruPacked, NEGATIVE_CASES.lstmPacked]) {
      const f = await named(name);
      // The module permutes by sorted_indices; feeding hx[:, unsorted] makes it see hx unpermuted.
      const unsorted = [...(f.outputs.unsorted_indices as Int64Tensor).data];
      const inputs = { ...f.inputs };
      if (inputs.hx) inputs.hx = permuteBatch(inputs.hx, unsorted);
      if (inputs.cx) inputs.cx = permuteBatch(inputs.cx, unsorted);
      expectCaught(f, runWith(f, { inputs }), ["output", "output_data", "h_n", "c_n"]);
    }
  });
});

describe("ONNX's default GRU formula (linear_before_reset=0) is caught", () => {
  it(`${NEGATIVE_CASES.gruBidirL2}.onnx rewritten with linear_before_reset=0 fails every onnxruntime comparison, and moduleFromOnnx refuses it`, async () => {
    const entry = onnxManifest.cases.find((c) => c.name === NEGATIVE_CASES.gruBidirL2);
    if (!entry?.onnx) throw new Error(`${NEGATIVE_CASES.gruBidirL2}: no ONNX model`);
    expect(entry.onnx.graph).toBe("onnx.GRU");
    const model = await readOnnxModel(join(onnxFixturesDir, entry.onnx.file));
    const grus = (model.graph?.node ?? []).filter((n) => n.op_type === "GRU");
    expect(grus.length).toBe(2);
    for (const node of grus) {
      const lbr = node.attribute.find((a) => a.name === "linear_before_reset");
      if (!lbr) throw new Error("the exported GRU has no linear_before_reset");
      expect(Number(lbr.i)).toBe(1);
      lbr.i = 0;
    }
    const dir = await mkdtemp(join(tmpdir(), "rnn-parity-lbr0-"));
    try {
      const onnx = join(dir, "gru-lbr0.onnx");
      await writeFile(onnx, encodeOnnxModel(model));
      const result = await runCheck({
        sources: [{ name: entry.name, file: join(onnxFixturesDir, entry.file), onnx }],
        oracles: ["torch", "onnxruntime"],
        onnxWhereAvailable: false,
        overrides: {},
        filters: [],
        failFast: false,
        toolVersion: "test",
      });
      const verdicts = result.comparisons.map((r) => `${r.oracle} ${r.tensor} ${r.passed ? "pass" : "FAIL"}`);
      expect(verdicts).toEqual([
        "torch output pass", "torch h_n pass",
        "onnxruntime output FAIL", "onnxruntime h_n FAIL",
        "onnxruntime-vs-torch output FAIL", "onnxruntime-vs-torch h_n FAIL",
      ]);
      for (const r of result.comparisons.filter((c) => !c.passed)) {
        expect(r.message).toMatch(/^Tensor-likes are not close!\n\nMismatched elements: \d+ \/ \d+/);
        expect(r.maxAbsDiff).toBeGreaterThan(1e-3);
      }
      const refusal = await moduleFromOnnx(onnx).then(() => "", (e: unknown) => (e instanceof Error ? e.message : String(e)));
      expect(refusal).toMatch(/\(GRU [^)]*\)\.linear_before_reset: 0: not torch's GRU\./);
      expect(refusal).not.toContain("\n");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
