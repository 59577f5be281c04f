import { ModuleError } from "../errors.js";
import type { Nonlinearity } from "../kernels/activation.js";
import {
  batchFirstLayout,
  rnnLayerDirection,
  timeMajorLayout,
  type RnnWeights,
} from "../kernels/rnn-layer.js";
import { WasmRnnEngine } from "../kernels/wasm-rnn.js";
import { Slot, Workspace } from "../kernels/workspace.js";
import { allocate, type DType } from "../tensor/dtype.js";
import { Tensor, formatShape } from "../tensor/tensor.js";
import { pythonTuple, requireDtype, requireTensor } from "./checks.js";
import { resolveRnnOptions, type RNNOptions } from "./options.js";
import { initParameters, layerSuffix, rnnParameterSpecs, weightsFor } from "./parameters.js";
import { copyStateDict, loadStateDictStrict } from "./state-dict.js";

/** Multiply-adds per layer-direction below which forward stays on the scalar kernels (measured crossover). */
const WASM_MIN_MACS = 4096;

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
export class RNN {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly nonlinearity: Nonlinearity;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly dtype: DType;
  private readonly params: Map<string, Tensor>;
  /** weights[layer][direction] */
  private readonly weights: RnnWeights[][];
  private readonly workspace: Workspace;
  /** weights in layer-major, direction-minor order, as the WebAssembly engine indexes them. */
  private readonly flatWeights: RnnWeights[];
  /** Built on the first call big enough to use it; null where WebAssembly SIMD or its memory is unavailable. */
  private engine: WasmRnnEngine | null | undefined;

  constructor(options: RNNOptions) {
    const cfg = resolveRnnOptions(options);
    this.inputSize = cfg.inputSize;
    this.hiddenSize = cfg.hiddenSize;
    this.numLayers = cfg.numLayers;
    this.nonlinearity = cfg.nonlinearity;
    this.bias = cfg.bias;
    this.batchFirst = cfg.batchFirst;
    this.dropout = cfg.dropout;
    this.bidirectional = cfg.bidirectional;
    this.dtype = cfg.dtype;
    const specs = rnnParameterSpecs(cfg.inputSize, cfg.hiddenSize, cfg.numLayers, cfg.bias, cfg.bidirectional);
    this.params = initParameters(specs, cfg.hiddenSize, cfg.dtype, options.seed);
    this.weights = [];
    for (let layer = 0; layer < cfg.numLayers; layer++) {
      const row: RnnWeights[] = [];
      for (let d = 0; d < this.numDirections; d++) row.push(weightsFor(this.params, layerSuffix(layer, d), cfg.bias));
      this.weights.push(row);
    }
    this.workspace = new Workspace(cfg.dtype);
    this.flatWeights = this.weights.flat();
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
      this.engine = WasmRnnEngine.create(this.dtype, shapes);
    }
    return this.engine !== null && this.engine.reserve(rows, batch) ? this.engine : null;
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  forward(input: Tensor, hx?: Tensor): [output: Tensor, hN: Tensor] {
    requireTensor("RNN", "input", input);
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new ModuleError(`RNN: Expected input to be 2D or 3D, got ${input.ndim}D tensor instead`);
    }
    const batched = input.ndim === 3;
    if (hx !== undefined) {
      requireTensor("RNN", "hx", hx);
      if (batched && hx.ndim !== 3) {
        throw new ModuleError(`For batched 3-D input, hx should also be 3-D but got ${hx.ndim}-D tensor`);
      }
      if (!batched && hx.ndim !== 2) {
        throw new ModuleError(`For unbatched 2-D input, hx should also be 2-D but got ${hx.ndim}-D tensor`);
      }
    }
    requireDtype("RNN", "input", input.dtype, this.dtype);
    const features = input.size(-1);
    if (features !== this.inputSize) {
      throw new ModuleError(
        `input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${features}`,
      );
    }
    const seqLen = batched && this.batchFirst ? input.size(1) : input.size(0);
    const batch = batched ? (this.batchFirst ? input.size(0) : input.size(1)) : 1;
    const D = this.numDirections;
    const H = this.hiddenSize;
    const stateRows = this.numLayers * D;
    // Unbatched shapes are reported as the caller wrote them; torch reports them after its
    // internal unsqueeze, e.g. "(2, 1, 6), got [1, 1, 6]" for an hx of shape [1, 6].
    const hiddenShape = batched ? [stateRows, batch, H] : [stateRows, H];
    if (hx !== undefined) {
      if (formatShape(hx.shape) !== formatShape(hiddenShape)) {
        throw new ModuleError(`Expected hidden size ${pythonTuple(hiddenShape)}, got ${formatShape(hx.shape)}`);
      }
      requireDtype("RNN", "hx", hx.dtype, this.dtype);
    }
    if (seqLen === 0) {
      throw new ModuleError("Expected sequence length to be larger than 0 in RNN");
    }

    const layout = batched && this.batchFirst ? batchFirstLayout(seqLen, batch) : timeMajorLayout(seqLen, batch);
    const rows = seqLen * batch;
    const output = allocate(this.dtype, rows * D * H);
    const hN = allocate(this.dtype, stateRows * batch * H);
    const h0 = hx !== undefined ? hx.data : this.workspace.zeros(stateRows * batch * H);
    const engine = this.engineFor(rows, batch);
    const isTanh = this.nonlinearity === "tanh";
    let layerInput = input.data;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const last = layer === this.numLayers - 1;
      // Intermediate layers ping-pong between two scratch buffers; the last writes the result.
      const layerOutput = last ? output : this.workspace.get(layer % 2 === 0 ? Slot.Layer0 : Slot.Layer1, rows * D * H);
      if (engine !== null) {
        const index = layer * D;
        engine.runLayer(this.flatWeights, index, D, layout, isTanh, layerInput, h0, index * batch * H, layerOutput, D * H, hN);
      } else {
        for (let d = 0; d < D; d++) {
          const stateOffset = (layer * D + d) * batch * H;
          rnnLayerDirection({
            layout,
            inputSize: layer === 0 ? this.inputSize : D * H,
            hiddenSize: H,
            nonlinearity: this.nonlinearity,
            reverse: d === 1,
            input: layerInput,
            weights: this.weights[layer]![d]!,
            h0,
            h0Offset: stateOffset,
            output: layerOutput,
            outputLd: D * H,
            outputCol: d * H,
            hN,
            hNOffset: stateOffset,
            ihScratch: this.workspace.get(Slot.Ih, rows * H),
            preScratch: this.workspace.get(Slot.Pre, batch * H),
          });
        }
      }
      layerInput = layerOutput;
    }
    const outputShape = !batched
      ? [seqLen, D * H]
      : this.batchFirst
        ? [batch, seqLen, D * H]
        : [seqLen, batch, D * H];
    return [new Tensor(output, outputShape), new Tensor(hN, hiddenShape)];
  }

  /** load_state_dict(strict=True); see {@link loadStateDictStrict} for casting and atomicity. */
  loadStateDict(stateDict: Record<string, Tensor>): void {
    loadStateDictStrict("RNN", this.params, stateDict);
    this.engine?.markStale();
  }

  stateDict(): Record<string, Tensor> {
    return copyStateDict(this.params);
  }
}
