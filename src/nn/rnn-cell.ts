import { ModuleError } from "../errors.js";
import { gemmABt } from "../kernels/gemm.js";
import { rnnStep, type RnnWeights } from "../kernels/rnn-layer.js";
import { Slot, Workspace } from "../kernels/workspace.js";
import type { Nonlinearity } from "../kernels/activation.js";
import { allocate, type DType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { requireDtype, requireTensor } from "./checks.js";
import { resolveCellOptions, type RNNCellOptions } from "./options.js";
import { cellParameterSpecs, initParameters, weightsFor } from "./parameters.js";
import { copyStateDict, loadStateDictStrict } from "./state-dict.js";

/**
 * An Elman RNN cell, torch.nn.RNNCell: h' = act(W_ih x + b_ih + W_hh h + b_hh), act = tanh or relu.
 *
 * - input (N, inputSize) or unbatched (inputSize); hx (N, hiddenSize) or (hiddenSize), zeros when
 *   omitted; returns h' with hx's shape.
 * - Parameters are named and shaped as torch's (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`) and
 *   initialised from U(-1/√hiddenSize, 1/√hiddenSize) by our own generator, so fresh values differ
 *   from torch's; load a state dict for parity.
 * - The nonlinearity is checked when the cell is built (torch defers that to forward).
 */
export class RNNCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  readonly nonlinearity: Nonlinearity;
  readonly dtype: DType;
  private readonly params: Map<string, Tensor>;
  private readonly weights: RnnWeights;
  private readonly workspace: Workspace;

  constructor(options: RNNCellOptions) {
    const cfg = resolveCellOptions(options);
    this.inputSize = cfg.inputSize;
    this.hiddenSize = cfg.hiddenSize;
    this.bias = cfg.bias;
    this.nonlinearity = cfg.nonlinearity;
    this.dtype = cfg.dtype;
    const specs = cellParameterSpecs(cfg.inputSize, cfg.hiddenSize, cfg.bias);
    this.params = initParameters(specs, cfg.hiddenSize, cfg.dtype, options.seed);
    this.weights = weightsFor(this.params, "", cfg.bias);
    this.workspace = new Workspace(cfg.dtype);
  }

  forward(input: Tensor, hx?: Tensor): Tensor {
    requireTensor("RNNCell", "input", input);
    if (input.ndim !== 1 && input.ndim !== 2) {
      throw new ModuleError(`RNNCell: Expected input to be 1D or 2D, got ${input.ndim}D instead`);
    }
    if (hx !== undefined) {
      requireTensor("RNNCell", "hx", hx);
      if (hx.ndim !== 1 && hx.ndim !== 2) {
        throw new ModuleError(`RNNCell: Expected hidden to be 1D or 2D, got ${hx.ndim}D instead`);
      }
    }
    const batched = input.ndim === 2;
    // torch unsqueezes a 2-D hx next to a 1-D input and then reports a puzzling size; say what is wrong.
    if (hx !== undefined && hx.ndim !== input.ndim) {
      throw new ModuleError(
        batched
          ? `For batched 2-D input, hx should also be 2-D but got ${hx.ndim}-D tensor`
          : `For unbatched 1-D input, hx should also be 1-D but got ${hx.ndim}-D tensor`,
      );
    }
    const features = input.size(-1);
    if (features !== this.inputSize) {
      throw new ModuleError(`input has inconsistent input_size: got ${features} expected ${this.inputSize}`);
    }
    const batch = batched ? input.size(0) : 1;
    if (hx !== undefined) {
      const hxBatch = batched ? hx.size(0) : 1;
      if (hxBatch !== batch) {
        throw new ModuleError(`Input batch size ${batch} doesn't match hidden0 batch size ${hxBatch}`);
      }
      const hxHidden = hx.size(-1);
      if (hxHidden !== this.hiddenSize) {
        throw new ModuleError(`hidden0 has inconsistent hidden_size: got ${hxHidden}, expected ${this.hiddenSize}`);
      }
    }
    // After the sizes, where torch's matmul would complain about the dtype.
    requireDtype("RNNCell", "input", input.dtype, this.dtype);
    if (hx !== undefined) requireDtype("RNNCell", "hx", hx.dtype, this.dtype);

    const H = this.hiddenSize;
    const ih = this.workspace.get(Slot.Ih, batch * H);
    gemmABt(batch, H, this.inputSize, input.data, 0, this.inputSize, this.weights.wIh, 0, this.inputSize, this.weights.bIh, ih, 0, H);
    const h = hx !== undefined ? hx.data : this.workspace.zeros(batch * H);
    const out = allocate(this.dtype, batch * H);
    rnnStep(
      batch, H,
      h, 0, H,
      this.weights.wHh, this.weights.bHh,
      ih, 0, H,
      this.workspace.get(Slot.Pre, batch * H),
      out, 0, H,
      this.nonlinearity === "tanh",
    );
    return new Tensor(out, batched ? [batch, H] : [H]);
  }

  /** load_state_dict(strict=True); see {@link loadStateDictStrict} for casting and atomicity. */
  loadStateDict(stateDict: Record<string, Tensor>): void {
    loadStateDictStrict("RNNCell", this.params, stateDict);
  }

  stateDict(): Record<string, Tensor> {
    return copyStateDict(this.params);
  }
}
