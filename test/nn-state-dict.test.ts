import { describe, expect, it } from "vitest";
import { StateDictError } from "../src/core/errors.js";
import { RNN } from "../src/core/nn/rnn.js";
import { RNNCell } from "../src/core/nn/rnn-cell.js";
import { Tensor } from "../src/core/tensor/tensor.js";

const zeros = (shape: number[], dtype: "float32" | "float64" = "float32") => Tensor.zeros(shape, dtype);

describe("loadStateDict (strict)", () => {
  it("lists missing, unexpected and mis-shaped keys in one error, in torch's order and wording", () => {
    const m = new RNN({ inputSize: 3, hiddenSize: 6 });
    const sd: Record<string, Tensor> = m.stateDict();
    delete sd.bias_ih_l0;
    sd.foo = zeros([1]);
    sd.weight_ih_l0 = zeros([6, 4]);
    sd.weight_hh_l0 = zeros([7, 6]);
    expect(() => m.loadStateDict(sd)).toThrow(
      new StateDictError(
        'Error(s) in loading state_dict for RNN: Missing key(s) in state_dict: "bias_ih_l0". ' +
          'Unexpected key(s) in state_dict: "foo". ' +
          "size mismatch for weight_ih_l0: copying a param with shape torch.Size([6, 4]) from checkpoint, the shape in current model is torch.Size([6, 3]). " +
          "size mismatch for weight_hh_l0: copying a param with shape torch.Size([7, 6]) from checkpoint, the shape in current model is torch.Size([6, 6]).",
      ),
    );
  });

  it("lists several missing keys in model order", () => {
    const m = new RNN({ inputSize: 3, hiddenSize: 6 });
    const sd: Record<string, Tensor> = m.stateDict();
    delete sd.bias_hh_l0;
    delete sd.bias_ih_l0;
    expect(() => m.loadStateDict(sd)).toThrow(
      'Error(s) in loading state_dict for RNN: Missing key(s) in state_dict: "bias_ih_l0", "bias_hh_l0".',
    );
  });

  it("rejects biases for a bias-free module and _reverse keys for a unidirectional one", () => {
    const m = new RNN({ inputSize: 3, hiddenSize: 2, bias: false });
    const donor = new RNN({ inputSize: 3, hiddenSize: 2, bidirectional: true }).stateDict();
    expect(() => m.loadStateDict(donor)).toThrow(
      'Unexpected key(s) in state_dict: "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse".',
    );
  });

  it("names the cell and its keys", () => {
    const c = new RNNCell({ inputSize: 3, hiddenSize: 6 });
    const sd = { ...c.stateDict(), weight_ih: zeros([6, 4]) };
    expect(() => c.loadStateDict(sd)).toThrow(
      new StateDictError(
        "Error(s) in loading state_dict for RNNCell: size mismatch for weight_ih: copying a param with shape torch.Size([6, 4]) from checkpoint, the shape in current model is torch.Size([6, 3]).",
      ),
    );
  });

  it("catches a same-size tensor of the wrong shape (transposed weight)", () => {
    const m = new RNN({ inputSize: 3, hiddenSize: 6 });
    const sd = { ...m.stateDict(), weight_ih_l0: zeros([3, 6]) };
    expect(() => m.loadStateDict(sd)).toThrow("size mismatch for weight_ih_l0: copying a param with shape torch.Size([3, 6])");
  });

  it("rejects a value that is not a tensor", () => {
    const m = new RNNCell({ inputSize: 2, hiddenSize: 2 });
    const sd = { ...m.stateDict(), bias_hh: [0, 0] } as unknown as Record<string, Tensor>;
    expect(() => m.loadStateDict(sd)).toThrow(
      'While copying the parameter named "bias_hh", expected a Tensor from checkpoint but received object.',
    );
  });

  it("changes nothing when the load fails", () => {
    const m = new RNNCell({ inputSize: 2, hiddenSize: 2, seed: 5 });
    const before = m.stateDict();
    const sd = { ...m.stateDict(), weight_ih: new Tensor(new Float32Array(4).fill(9), [2, 2]), extra: zeros([1]) };
    expect(() => m.loadStateDict(sd)).toThrow(StateDictError);
    expect(m.stateDict()).toEqual(before);
  });

  it("copies values in and out, so neither side aliases the other", () => {
    const m = new RNNCell({ inputSize: 2, hiddenSize: 2, seed: 1 });
    const source = new RNNCell({ inputSize: 2, hiddenSize: 2, seed: 2 }).stateDict();
    m.loadStateDict(source);
    expect(m.stateDict()).toEqual(source);
    source.weight_ih!.data[0] = 42;
    expect(m.stateDict().weight_ih!.data[0]).not.toBe(42);
    m.stateDict().weight_hh!.data[0] = 42;
    expect(m.stateDict().weight_hh!.data[0]).not.toBe(42);
  });

  it("casts a tensor of the other dtype into the parameter, like torch's copy_", () => {
    const m = new RNNCell({ inputSize: 1, hiddenSize: 1, bias: false });
    const third = 1 / 3;
    m.loadStateDict({
      weight_ih: new Tensor(new Float64Array([third]), [1, 1]),
      weight_hh: new Tensor(new Float64Array([-third]), [1, 1]),
    });
    const sd = m.stateDict();
    expect(sd.weight_ih!.dtype).toBe("float32");
    expect(sd.weight_ih!.data[0]).toBe(Math.fround(third));
    expect(sd.weight_hh!.data[0]).toBe(Math.fround(-third));
  });
});
