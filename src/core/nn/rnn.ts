import type { Nonlinearity } from "../kernels/activation.js";
import { rnnFamily } from "../kernels/rnn-layer.js";
import { WasmRnnEngine } from "../kernels/wasm-rnn.js";
import type { PackedSequence } from "./packed-sequence.js";
import type { Tensor } from "../tensor/tensor.js";
import { resolveRnnOptions, type RNNOptions } from "./options.js";
import { RecurrentModule, WASM_MIN_MACS, type LayerCall } from "./recurrent.js";
import { singleStateMessages } from "./recurrent-checks.js";


/**
 * A multi-layer Elman RNN, torch.nn.RNN, for inference.
 *
 * Shapes (L = sequence length, N = batch, D = 2 if bidirectional else 1, H = hiddenSize):
 * - input (L, N, inputSize), or (N, L, inputSize) with `batchFirst`, or unbatched (L, inputSize);
 * - h0 (D·numLayers, N, H) or unbatched (D·numLayers, H), zeros when omitted;
 * - output (L, N, D·H) / (N, L, D·H) / (L, D·H): the last layer's hidden states, forward
 *   direction in the first H features, reverse direction in the last H;
 * - hN like h0, layer-major then direction (row `layer * D + direction`), never batch-first.
 *   The reverse direction runs from the last time step to the first, so its hN is its state
 *   after reading time step 0.
 * - a PackedSequence input (see packPaddedSequence) gives a PackedSequence output with the same
 *   batch sizes and indices; h0 is read and hN returned in the caller's batch order, and the
 *   reverse direction of each sequence starts at its own last step, as torch's.
 *
 * Inference only: `dropout` is validated like torch (a number in [0, 1]) and then ignored, which
 * is what torch does in eval(). torch also warns when dropout > 0 with one layer; that warning is
 * about training, so it is not repeated here (the library never writes to the console).
 *
 * Parameters carry torch's names (`weight_ih_l0`, `bias_hh_l1_reverse`, ...) and are initialised
 * from U(-1/√H, 1/√H) by our own generator (see `seed`): fresh values differ from torch's; load
 * a state dict for parity. Scratch buffers are kept between calls; forward is not re-entrant
 * across threads, which JS does not have anyway.
 */
export class RNN extends RecurrentModule {
  readonly nonlinearity: Nonlinearity;
  /**
   * float64's engine (f64x2 lanes), built on the first call big enough to use it; null where
   * WebAssembly SIMD or its memory is unavailable. float32 runs on the shared engine of
   * RecurrentModule, which RNN, LSTM and GRU use alike.
   */
  private engine: WasmRnnEngine | null | undefined;

  constructor(options: RNNOptions) {
    const cfg = resolveRnnOptions(options);
    super("RNN", cfg, rnnFamily(cfg.hiddenSize, cfg.nonlinearity), options.seed, singleStateMessages("RNN"));
    this.nonlinearity = cfg.nonlinearity;
  }

  /**
   * The WebAssembly engine when the call is big enough for it to pay (below about this much work
   * per call, multiply-adds of one layer-direction, the scalar path's lower call overhead wins)
   * and its memory can hold the call. Otherwise null: the scalar kernels give the same bits.
   */
  private engineFor(rows: number, batch: number): WasmRnnEngine | null {
    const H = this.hiddenSize;
    if (rows * H * (this.inputSize + H) < WASM_MIN_MACS) return null;
    if (this.engine === undefined) {
      const shapes = [];
      for (let layer = 0; layer < this.numLayers; layer++) {
        for (let d = 0; d < this.numDirections; d++) {
          shapes.push({ inputSize: layer === 0 ? this.inputSize : this.numDirections * H, hiddenSize: H });
        }
      }
      this.engine = WasmRnnEngine.create(shapes);
    }
    return this.engine !== null && this.engine.reserve(rows, batch) ? this.engine : null;
  }

  /** float64 padded batches large enough go to the f64x2 engine (same bits); the rest as every module. */
  protected override runLayer(call: LayerCall): void {
    const { layout, schedule } = call;
    const engine = layout === null || this.dtype === "float32" ? null : this.engineFor(schedule.rows, schedule.batch);
    if (engine === null || layout === null) {
      super.runLayer(call);
      return;
    }
    const D = this.numDirections;
    const index = call.layer * D;
    engine.runLayer(
      this.flatWeights, index, D, layout, this.nonlinearity === "tanh",
      call.input, call.h0, index * schedule.batch * this.hiddenSize, call.output, D * this.hiddenSize, call.hN,
    );
  }

  protected override parametersChanged(): void {
    super.parametersChanged();
    this.engine?.markStale();
  }

  forward(input: Tensor, hx?: Tensor): [output: Tensor, hN: Tensor];
  forward(input: PackedSequence, hx?: Tensor): [output: PackedSequence, hN: Tensor];
  forward(input: Tensor | PackedSequence, hx?: Tensor): [output: Tensor | PackedSequence, hN: Tensor];
  forward(input: Tensor | PackedSequence, hx?: Tensor): [output: Tensor | PackedSequence, hN: Tensor] {
    const [output, [hN]] = this.run(input, hx === undefined ? undefined : [hx]);
    return [output, hN!];
  }
}
