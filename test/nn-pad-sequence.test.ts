/**
 * padSequence and packSequence against torch, on every bundled packed case: the caller's
 * sequences are cut from torch's padded input by the case's lengths, then
 * - padSequence (in the case's layout) must rebuild a padded input whose valid rows are torch's
 *   and whose padding is paddingValue, and running the module on it must give torch's outputs;
 * - packSequence must give a PackedSequence the module turns into torch's output_data and
 *   batch_sizes (its batch sizes and order come from the lengths, as torch's pack_sequence).
 */
import { describe, expect, it } from "vitest";
import { compareAny } from "../src/core/compare/compare-any.js";
import type { Fixture } from "../src/core/format/types.js";
import { moduleFromFixture } from "../src/core/nn/from-torch.js";
import { GRU } from "../src/core/nn/gru.js";
import { LSTM } from "../src/core/nn/lstm.js";
import { RNN } from "../src/core/nn/rnn.js";
import { packSequence, padSequence } from "../src/core/nn/pack.js";
import { PackedSequence } from "../src/core/nn/packed-sequence.js";
import { runModule } from "../src/core/oracle/typescript.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { failingOutputs, loadFixture, manifestCases } from "./helpers/cases.js";

const packed = (await Promise.all(manifestCases.map((c) => loadFixture(c)))).filter((f) => f.packing !== undefined);

/** Sequence b of the padded input, (lengths[b], *). */
function sequencesOf(f: Fixture): Tensor[] {
  const input = f.inputs.input;
  const lengths = Array.from(f.inputs.lengths!.data, Number);
  const batchFirst = (f.config as { batch_first?: boolean }).batch_first === true;
  const [d0, d1] = input.shape as [number, number];
  const width = input.data.length / (d0 * d1);
  return lengths.map((len, b) => {
    const out = Tensor.zeros([len, width], input.dtype);
    for (let t = 0; t < len; t++) {
      const row = batchFirst ? b * d1 + t : t * d1 + b;
      out.data.set(input.data.subarray(row * width, (row + 1) * width), t * width);
    }
    return out;
  });
}

describe("padSequence and packSequence against torch's packed cases", () => {
  it("has packed cases of both layouts, sorted and unsorted", () => {
    expect(packed.length).toBeGreaterThan(20);
    expect(new Set(packed.map((f) => (f.config as { batch_first?: boolean }).batch_first)).size).toBe(2);
    expect(new Set(packed.map((f) => f.packing!.enforceSorted)).size).toBe(2);
  });

  it.each(packed.map((f) => [f.name, f] as const))("%s: padSequence rebuilds torch's padded input", (_name, f) => {
    const batchFirst = (f.config as { batch_first?: boolean }).batch_first === true;
    const lengths = Array.from(f.inputs.lengths!.data, Number);
    const padded = padSequence(sequencesOf(f), { batchFirst, paddingValue: -7 });
    expect(padded.shape).toEqual(f.inputs.input.shape.slice(0, 2).concat(padded.shape.slice(2)));
    const [d0, d1] = padded.shape as [number, number];
    const width = padded.data.length / (d0 * d1);
    for (let r = 0; r < d0 * d1; r++) {
      const [b, t] = batchFirst ? [Math.floor(r / d1), r % d1] : [r % d1, Math.floor(r / d1)];
      const want = t < lengths[b]! ? Array.from(f.inputs.input.data.subarray(r * width, (r + 1) * width)) : new Array<number>(width).fill(-7);
      expect(Array.from(padded.data.subarray(r * width, (r + 1) * width))).toEqual(want);
    }
    const out = runModule(moduleFromFixture(f), { ...f, inputs: { ...f.inputs, input: padded } });
    expect(failingOutputs(out, f)).toEqual([]);
  });

  it.each(packed.map((f) => [f.name, f] as const))("%s: packSequence gives torch's output_data", (_name, f) => {
    const m = moduleFromFixture(f);
    const seq = packSequence(sequencesOf(f), { enforceSorted: f.packing!.enforceSorted });
    const { hx, cx } = f.inputs;
    if (!(m instanceof LSTM || m instanceof RNN || m instanceof GRU)) throw new Error(`${f.name}: a packed case of a cell`);
    const output = m instanceof LSTM ? m.forward(seq, hx && cx ? [hx, cx] : undefined)[0] : m.forward(seq, hx)[0];
    expect(output).toBeInstanceOf(PackedSequence);
    const data = (output as PackedSequence).data;
    expect(compareAny(data, f.outputs.output_data!, { name: "output_data" }).message).toBe("");
    expect((output as PackedSequence).batchSizes).toEqual(Array.from(f.outputs.batch_sizes!.data, Number));
  });
});
