import { gruFamily } from "../kernels/gru-step.js";
import type { Tensor } from "../tensor/tensor.js";
import { RecurrentCell } from "./cell.js";
import { resolveGatedCellOptions, type GRUCellOptions } from "./options.js";

/**
 * torch.nn.GRUCell: gates r, z, n stacked in `weight_ih` (3H, I) and `weight_hh` (3H, H);
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h (see gru-step.ts
 * for where torch rounds). input (N, I) or (I); hx like h', zeros when omitted.
 * Runs on the scalar kernels (a WebAssembly path is RNN's only, for now).
 */
export class GRUCell extends RecurrentCell {
  constructor(options: GRUCellOptions) {
    const cfg = resolveGatedCellOptions("GRUCell", options);
    super("GRUCell", cfg, gruFamily(cfg.hiddenSize), options.seed, ["hx"]);
  }

  forward(input: Tensor, hx?: Tensor): Tensor {
    return this.run(input, hx === undefined ? undefined : [hx])[0]!;
  }
}
