import { gruFamily } from "../kernels/gru-step.js";
import type { Tensor } from "../tensor/tensor.js";
import { resolveGruOptions, type GRUOptions } from "./options.js";
import type { PackedSequence } from "./packed-sequence.js";
import { RecurrentModule } from "./recurrent.js";
import { singleStateMessages } from "./recurrent-checks.js";

/**
 * A multi-layer GRU, torch.nn.GRU, for inference: RNN's shapes, layouts, packed input and
 * state_dict layout, with gates r, z, n stacked in `weight_ih_l{k}` (3H, ·) and `weight_hh_l{k}`
 * (3H, H), and torch's n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
 *
 * - input (L, N, inputSize), (N, L, inputSize) with `batchFirst`, (L, inputSize) unbatched, or a
 *   PackedSequence; h0 (D·numLayers, N, H) or (D·numLayers, H), zeros when omitted;
 * - output (L, N, D·H) / (N, L, D·H) / (L, D·H) or a PackedSequence; hN like h0.
 * `dropout` is validated and ignored (eval()). Runs on the scalar kernels: RNN's WebAssembly
 * engine does not cover the GRU step yet (a faster path is a later issue).
 */
export class GRU extends RecurrentModule {
  constructor(options: GRUOptions) {
    const cfg = resolveGruOptions(options);
    super("GRU", cfg, gruFamily(cfg.hiddenSize), options.seed, singleStateMessages("GRU"));
  }

  forward(input: Tensor, hx?: Tensor): [output: Tensor, hN: Tensor];
  forward(input: PackedSequence, hx?: Tensor): [output: PackedSequence, hN: Tensor];
  forward(input: Tensor | PackedSequence, hx?: Tensor): [output: Tensor | PackedSequence, hN: Tensor];
  forward(input: Tensor | PackedSequence, hx?: Tensor): [output: Tensor | PackedSequence, hN: Tensor] {
    const [output, [hN]] = this.run(input, hx === undefined ? undefined : [hx]);
    return [output, hN!];
  }
}
