import { lstmFamily } from "../kernels/lstm-step.js";
import type { Tensor } from "../tensor/tensor.js";
import { requirePair } from "./lstm-cell.js";
import { resolveLstmOptions, type LSTMOptions } from "./options.js";
import type { PackedSequence } from "./packed-sequence.js";
import { RecurrentModule } from "./recurrent.js";
import { lstmMessages } from "./recurrent-checks.js";

type States = [hN: Tensor, cN: Tensor];

/**
 * A multi-layer LSTM, torch.nn.LSTM, for inference, with torch's proj_size.
 *
 * Gates i, f, g, o are stacked in `weight_ih_l{k}` (4H, ·) and `weight_hh_l{k}` (4H, S);
 * c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c'), and with `projSize` P > 0, h' = (o ⊙ tanh(c')) · W_hrᵀ
 * (`weight_hr_l{k}`, (P, H), after that layer-direction's biases in the state dict). S = P with
 * a projection, else H; L, N, D as for RNN:
 * - input (L, N, inputSize), (N, L, inputSize) with `batchFirst`, (L, inputSize) unbatched, or a
 *   PackedSequence; hx = [h0 (D·numLayers, N, S), c0 (D·numLayers, N, H)] (unbatched without
 *   N), zeros when omitted;
 * - output (L, N, D·S) / (N, L, D·S) / (L, D·S) or a PackedSequence; [hN, cN] like [h0, c0];
 *   layers above the first read D·S features.
 * `dropout` is validated and ignored (eval()). Runs on the scalar kernels: RNN's WebAssembly
 * engine does not cover the LSTM step yet (a faster path is a later issue).
 */
export class LSTM extends RecurrentModule {
  readonly projSize: number;

  constructor(options: LSTMOptions) {
    const cfg = resolveLstmOptions(options);
    super("LSTM", cfg, lstmFamily(cfg.hiddenSize, cfg.projSize), options.seed, lstmMessages());
    this.projSize = cfg.projSize;
  }

  forward(input: Tensor, hx?: readonly [Tensor, Tensor]): [output: Tensor, states: States];
  forward(input: PackedSequence, hx?: readonly [Tensor, Tensor]): [output: PackedSequence, states: States];
  forward(input: Tensor | PackedSequence, hx?: readonly [Tensor, Tensor]): [output: Tensor | PackedSequence, states: States];
  forward(input: Tensor | PackedSequence, hx?: readonly [Tensor, Tensor]): [output: Tensor | PackedSequence, states: States] {
    if (hx !== undefined) requirePair("LSTM", hx);
    const [output, [hN, cN]] = this.run(input, hx);
    return [output, [hN!, cN!]];
  }
}
