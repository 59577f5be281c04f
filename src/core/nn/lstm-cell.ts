import { ModuleError } from "../errors.js";
import { lstmFamily } from "../kernels/lstm-step.js";
import { typeName, type Tensor } from "../tensor/tensor.js";
import { RecurrentCell } from "./cell.js";
import { resolveGatedCellOptions, type LSTMCellOptions } from "./options.js";

/**
 * torch.nn.LSTMCell: gates i, f, g, o stacked in `weight_ih` (4H, I) and `weight_hh` (4H, H);
 * c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c') (see lstm-step.ts for where torch rounds).
 * input (N, I) or (I); hx = [h, c], each like the input's batch × H, zeros when omitted;
 * returns [h1, c1]. Runs on the scalar kernels (a WebAssembly path is RNN's only, for now).
 */
export class LSTMCell extends RecurrentCell {
  constructor(options: LSTMCellOptions) {
    const cfg = resolveGatedCellOptions("LSTMCell", options);
    super("LSTMCell", cfg, lstmFamily(cfg.hiddenSize, 0), options.seed, ["hx[0]", "hx[1]"]);
  }

  forward(input: Tensor, hx?: readonly [Tensor, Tensor]): [h1: Tensor, c1: Tensor] {
    if (hx !== undefined) requirePair("LSTMCell", hx);
    const [h1, c1] = this.run(input, hx);
    return [h1!, c1!];
  }
}

/** torch takes any pair; a JS caller may pass one tensor or a longer list, say so plainly. */
export function requirePair(owner: string, hx: unknown): asserts hx is readonly [Tensor, Tensor] {
  if (!Array.isArray(hx) || hx.length !== 2) {
    const got = Array.isArray(hx) ? `an array of length ${hx.length}` : typeName(hx);
    throw new ModuleError(`${owner}: expected hx to be a pair [h, c] of Tensors, got ${got}`);
  }
}
