/**
 * load_state_dict with what a JS caller can pass: not an object, entries that are not tensors, a
 * Tensor from another copy of the package (duck-typed: Float32Array/Float64Array data and a shape
 * array), and a same-rank shape that differs in one dim. torch's wording, one line each.
 */
import { describe, expect, it } from "vitest";
import { StateDictError } from "../src/core/errors.js";
import { RNNCell } from "../src/core/nn/rnn-cell.js";
import { Tensor } from "../src/core/tensor/tensor.js";

const cell = (): RNNCell => new RNNCell({ inputSize: 2, hiddenSize: 3, seed: 1 });
const prefix = "Error(s) in loading state_dict for RNNCell: ";

function refused(state: unknown): string {
  try {
    cell().loadStateDict(state as Record<string, Tensor>);
  } catch (err) {
    expect(err).toBeInstanceOf(StateDictError);
    return (err as Error).message;
  }
  throw new Error("not refused");
}

describe("loadStateDict refuses what is not a state dict", () => {
  it.each([
    [null, "null"],
    [3, "number"],
    ["weights", "string"],
    [undefined, "undefined"],
  ])("%s", (state, got) => {
    expect(refused(state)).toBe(`${prefix}expected an object of tensors, got ${got}.`);
  });

  it.each([
    [null, "null"],
    [1.5, "number"],
    ["w", "string"],
    [{ data: [1, 2, 3], shape: [3] }, "object"],
    [{ data: new Float32Array(3) }, "object"],
    [{ data: new Int32Array(3), shape: [3] }, "object"],
  ])("an entry %j", (value, got) => {
    const state = { ...cell().stateDict(), bias_hh: value };
    expect(refused(state)).toBe(`${prefix}While copying the parameter named "bias_hh", expected a Tensor from checkpoint but received ${got}.`);
  });

  it("a same-rank shape that differs in one dim, and one of the right shape with too few elements", () => {
    const state = { ...cell().stateDict(), weight_ih: Tensor.zeros([3, 3]) };
    expect(refused(state)).toBe(
      `${prefix}size mismatch for weight_ih: copying a param with shape torch.Size([3, 3]) from checkpoint, the shape in current model is torch.Size([3, 2]).`,
    );
    const short = { ...cell().stateDict(), bias_ih: { data: new Float32Array(2), shape: [3] } };
    expect(refused(short)).toBe(
      `${prefix}size mismatch for bias_ih: copying a param with shape torch.Size([3]) from checkpoint, the shape in current model is torch.Size([3]).`,
    );
  });

  it("accepts a duck-typed tensor (another copy of the package) of either float dtype", () => {
    const m = cell();
    const state: Record<string, unknown> = {};
    for (const [k, t] of Object.entries(m.stateDict())) state[k] = { data: Float64Array.from(t.data, (_, i) => i / 8), shape: [...t.shape] };
    m.loadStateDict(state as Record<string, Tensor>);
    expect(Array.from(m.stateDict().bias_hh!.data)).toEqual([0, 1 / 8, 2 / 8]);
  });
});
