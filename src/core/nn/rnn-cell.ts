import type { Nonlinearity } from "../kernels/activation.js";
import { rnnFamily } from "../kernels/rnn-layer.js";
import type { Tensor } from "../tensor/tensor.js";
import { RecurrentCell } from "./cell.js";
import { resolveCellOptions, type RNNCellOptions } from "./options.js";

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
export class RNNCell extends RecurrentCell {
  readonly nonlinearity: Nonlinearity;

  constructor(options: RNNCellOptions) {
    const cfg = resolveCellOptions(options);
    super("RNNCell", cfg, rnnFamily(cfg.hiddenSize, cfg.nonlinearity), options.seed, ["hx"]);
    this.nonlinearity = cfg.nonlinearity;
  }

  forward(input: Tensor, hx?: Tensor): Tensor {
    return this.run(input, hx === undefined ? undefined : [hx])[0]!;
  }
}
