import { ModuleError } from "../errors.js";
import {
  packedSchedule,
  paddedSchedule,
  runLayerDirection,
  type DirectionArgs,
  type DirectionBuffers,
  type GateFamily,
  type LayerWeights,
  type StepSchedule,
} from "../kernels/recurrent-layer.js";
import { batchFirstLayout, timeMajorLayout, type SequenceLayout } from "../kernels/rnn-layer.js";
import { WasmLayerEngine } from "../kernels/wasm-layer.js";
import { Slot, Workspace } from "../kernels/workspace.js";
import { allocate, type DType, type FloatArray } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { requireDtype, requireTensor } from "./checks.js";
import type { RecurrentConfig, RecurrentName } from "./options.js";
import { PackedSequence, isPackedSequence, validatePackedSequence } from "./packed-sequence.js";
import { initParameters, layerSuffix, rnnParameterSpecs, weightsFor } from "./parameters.js";
import { checkStates, type InputKind, type StateMessages } from "./recurrent-checks.js";
import { copyStateDict, loadStateDictStrict } from "./state-dict.js";

/** One layer's call, everything a layer runner needs; `layout` is null for a packed batch. */
export interface LayerCall {
  layer: number;
  schedule: StepSchedule;
  layout: SequenceLayout | null;
  input: FloatArray;
  h0: FloatArray;
  c0: FloatArray | null;
  output: FloatArray;
  hN: FloatArray;
  cN: FloatArray | null;
}

interface PaddedCall {
  readonly batchFirst: boolean;
  readonly layout: SequenceLayout;
  readonly schedule: StepSchedule;
}

const GATES: Record<RecurrentName, number> = { RNN: 1, LSTM: 4, GRU: 3 };

/**
 * Multiply-adds per layer-direction call below which float32 forward stays on the scalar
 * kernels: there the engine's copies and call overhead cost more than its faster products
 * (the crossover measured for RNN's first WebAssembly kernel, kept for all three families).
 */
export const WASM_MIN_MACS = 4096;

/**
 * What RNN, LSTM and GRU share: they differ only in the gate family (the step function and its
 * gate multiple), LSTM's cell state and projection, and torch's wording of a few messages. This
 * class holds the options, torch's parameters and state_dict, the layout handling (padded in
 * either layout, unbatched, packed), hx validation and the layer × direction loop.
 */
export abstract class RecurrentModule {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly dtype: DType;
  protected readonly projection: number;
  protected readonly params: Map<string, Tensor>;
  /** weights[layer][direction] */
  protected readonly weights: LayerWeights[][];
  /** The same, layer-major and direction-minor, as the WebAssembly engines index them. */
  protected readonly flatWeights: LayerWeights[];
  protected readonly workspace: Workspace;
  private readonly family: GateFamily;
  /** float32's WebAssembly engine, built on the first call big enough; null where it cannot be had. */
  private f32Engine: WasmLayerEngine | null | undefined;
  private lastPadded: PaddedCall | null = null;

  protected constructor(
    private readonly moduleName: RecurrentName,
    cfg: RecurrentConfig,
    family: GateFamily,
    seed: number | undefined,
    private readonly messages: StateMessages,
  ) {
    this.inputSize = cfg.inputSize;
    this.hiddenSize = cfg.hiddenSize;
    this.numLayers = cfg.numLayers;
    this.bias = cfg.bias;
    this.batchFirst = cfg.batchFirst;
    this.dropout = cfg.dropout;
    this.bidirectional = cfg.bidirectional;
    this.dtype = cfg.dtype;
    this.projection = cfg.projSize;
    this.family = family;
    const specs = rnnParameterSpecs(
      cfg.inputSize, cfg.hiddenSize, cfg.numLayers, cfg.bias, cfg.bidirectional, GATES[moduleName], cfg.projSize,
    );
    this.params = initParameters(specs, cfg.hiddenSize, cfg.dtype, seed);
    this.weights = [];
    for (let layer = 0; layer < cfg.numLayers; layer++) {
      const row: LayerWeights[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        row.push(weightsFor(this.params, layerSuffix(layer, d), cfg.bias, cfg.projSize > 0));
      }
      this.weights.push(row);
    }
    this.workspace = new Workspace(cfg.dtype);
    this.flatWeights = this.weights.flat();
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** Width of h (and of each direction's output): the projection size, or hiddenSize. */
  protected get stateSize(): number {
    return this.projection > 0 ? this.projection : this.hiddenSize;
  }

  /** Widths of the states forward takes and returns: [S] or, with a cell state, [S, H]. */
  private get stateWidths(): number[] {
    return this.messages.names.length === 2 ? [this.stateSize, this.hiddenSize] : [this.stateSize];
  }

  /**
   * Validates in torch's order (input rank, state ranks, input dtype, features, state shapes,
   * state dtypes, sequence length), runs every layer and returns the output in the input's kind
   * and layout with the final states, never batch-first, in the caller's batch order.
   */
  protected run(input: Tensor | PackedSequence, hx: readonly Tensor[] | undefined): [Tensor | PackedSequence, Tensor[]] {
    const name = this.moduleName;
    const packed = isPackedSequence(input) ? input : null;
    let x: Tensor;
    let kind: InputKind;
    if (packed !== null) {
      validatePackedSequence(name, packed);
      x = packed.data;
      kind = "packed";
    } else {
      requireTensor(name, "input", input);
      x = input as Tensor;
      if (x.ndim !== 2 && x.ndim !== 3) throw new ModuleError(this.messages.inputRank(x.ndim));
      kind = x.ndim === 3 ? "batched" : "unbatched";
    }
    hx?.forEach((t, i) => requireTensor(name, this.messages.names[i]!, t));
    if (hx !== undefined) this.messages.checkRanks(kind, hx);
    requireDtype(name, "input", x.dtype, this.dtype);
    if (packed !== null && x.ndim !== 2) throw new ModuleError(`input must have 2 dimensions, got ${x.ndim}`);
    const features = x.size(-1);
    if (features !== this.inputSize) {
      throw new ModuleError(`input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${features}`);
    }
    const bf = kind === "batched" && this.batchFirst;
    const seqLen = packed !== null ? packed.batchSizes.length : bf ? x.size(1) : x.size(0);
    const batch = packed !== null ? packed.batchSizes[0]! : kind === "batched" ? x.size(bf ? 0 : 1) : 1;
    const D = this.numDirections;
    const stateRows = this.numLayers * D;
    const stateShapes = this.stateWidths.map((w) => (kind === "unbatched" ? [stateRows, w] : [stateRows, batch, w]));
    if (hx !== undefined) checkStates(name, this.messages, this.dtype, hx, stateShapes);
    if (seqLen === 0) throw new ModuleError("Expected sequence length to be larger than 0 in RNN");

    const padded = packed !== null ? null : this.paddedFor(seqLen, batch, bf);
    const layout = padded === null ? null : padded.layout;
    const schedule = padded === null ? packedSchedule(packed!.batchSizes) : padded.schedule;
    const S = this.stateSize;
    const H = this.hiddenSize;
    const hasCell = this.stateWidths.length === 2;
    const sorted = packed?.sortedIndices ?? null;
    const initial = (i: number, slot: Slot): FloatArray => {
      const t = hx?.[i];
      if (t === undefined) return this.workspace.zeros(stateRows * batch * H);
      return sorted === null ? t.data : selectBatch(t.data, stateRows, batch, stateShapes[i]!.at(-1)!, sorted, this.workspace.get(slot, t.data.length));
    };
    const h0 = initial(0, Slot.Hx);
    const c0 = hasCell ? initial(1, Slot.Cx) : null;
    const output = allocate(this.dtype, schedule.rows * D * S);
    let hN = allocate(this.dtype, stateRows * batch * S);
    let cN = hasCell ? allocate(this.dtype, stateRows * batch * H) : null;
    let layerInput = x.data;
    for (let layer = 0; layer < this.numLayers; layer++) {
      // Intermediate layers ping-pong between two scratch buffers; the last writes the result.
      const last = layer === this.numLayers - 1;
      const layerOutput = last ? output : this.workspace.get(layer % 2 === 0 ? Slot.Layer0 : Slot.Layer1, schedule.rows * D * S);
      this.runLayer({ layer, schedule, layout, input: layerInput, h0, c0, output: layerOutput, hN, cN });
      layerInput = layerOutput;
    }
    const unsorted = packed?.unsortedIndices ?? null;
    if (unsorted !== null) {
      // torch returns h_n (and c_n) in the caller's batch order: index_select(1, unsorted_indices).
      hN = selectBatch(hN, stateRows, batch, S, unsorted, allocate(this.dtype, hN.length));
      if (cN !== null) cN = selectBatch(cN, stateRows, batch, H, unsorted, allocate(this.dtype, cN.length));
    }
    const states = [new Tensor(hN, stateShapes[0]!)];
    if (cN !== null) states.push(new Tensor(cN, stateShapes[1]!));
    if (packed !== null) {
      const data = new Tensor(output, [schedule.rows, D * S]);
      return [new PackedSequence(data, packed.batchSizes, packed.sortedIndices, packed.unsortedIndices), states];
    }
    const outputShape = kind === "unbatched" ? [seqLen, D * S] : bf ? [batch, seqLen, D * S] : [seqLen, batch, D * S];
    return [new Tensor(output, outputShape), states];
  }

  /**
   * The layout and step schedule of a padded call, kept from the last call when its shape repeats
   * (neither is ever written): building them was about a sixth of a tutorial-sized forward.
   */
  private paddedFor(seqLen: number, batch: number, batchFirst: boolean): PaddedCall {
    const last = this.lastPadded;
    if (last !== null && last.layout.seqLen === seqLen && last.layout.batch === batch && last.batchFirst === batchFirst) return last;
    const layout = batchFirst ? batchFirstLayout(seqLen, batch) : timeMajorLayout(seqLen, batch);
    return (this.lastPadded = { batchFirst, layout, schedule: paddedSchedule(layout) });
  }

  /**
   * float32's engine when this call is big enough for it to pay and its memory can hold it;
   * otherwise null, and the scalar kernels (same bits) run. float64 never uses it.
   */
  private f32EngineFor(schedule: StepSchedule): WasmLayerEngine | null {
    if (this.dtype !== "float32") return null;
    const H = this.hiddenSize;
    const S = this.stateSize;
    const G = this.family.gates;
    if (schedule.rows * G * H * (this.inputSize + S) < WASM_MIN_MACS) return null;
    if (this.f32Engine === undefined) {
      const D = this.numDirections;
      const shapes = [];
      for (let layer = 0; layer < this.numLayers; layer++) {
        for (let d = 0; d < D; d++) {
          shapes.push({ inputSize: layer === 0 ? this.inputSize : D * S, hiddenSize: H, stateSize: S, gates: G, projSize: this.projection });
        }
      }
      this.f32Engine = WasmLayerEngine.create(shapes);
    }
    return this.f32Engine !== null && this.f32Engine.reserve(schedule.rows, schedule.batch) ? this.f32Engine : null;
  }

  /** Runs one layer in every direction, on float32's WebAssembly engine when it pays, else on the scalar kernels. */
  protected runLayer(call: LayerCall): void {
    const { layer, schedule, input } = call;
    const D = this.numDirections;
    const S = this.stateSize;
    const H = this.hiddenSize;
    const { batch, rows } = schedule;
    // Only float32 modules get an engine, and every buffer of a float32 module is a Float32Array.
    const engine = this.f32EngineFor(schedule);
    if (engine !== null) engine.loadInput(this.flatWeights, layer * D, input as Float32Array, rows);
    const buffers: DirectionBuffers | null = engine !== null ? null : {
      input,
      ih: this.workspace.get(Slot.Ih, rows * this.family.gates * H),
      h: this.workspace.get(Slot.State, batch * S),
      c: call.c0 !== null ? this.workspace.get(Slot.Cell, batch * H) : null,
      scratch: this.workspace.get(Slot.Pre, batch * this.family.scratchPerRow),
    };
    for (let d = 0; d < D; d++) {
      const index = layer * D + d;
      const args: DirectionArgs = {
        schedule,
        family: this.family,
        inputSize: layer === 0 ? this.inputSize : D * S,
        hiddenSize: H,
        stateSize: S,
        reverse: d === 1,
        weights: this.weights[layer]![d]!,
        h0: call.h0,
        h0Offset: index * batch * S,
        c0: call.c0,
        c0Offset: index * batch * H,
        output: call.output,
        outputLd: D * S,
        outputCol: d * S,
        hN: call.hN,
        hNOffset: index * batch * S,
        cN: call.cN,
        cNOffset: index * batch * H,
      };
      if (engine !== null) engine.runDirection(index, args);
      else runLayerDirection(args, buffers!);
    }
  }

  /** Called after every successful loadStateDict: engines repack their weights. */
  protected parametersChanged(): void {
    this.f32Engine?.markStale();
  }

  /** load_state_dict(strict=True); see {@link loadStateDictStrict} for casting and atomicity. */
  loadStateDict(stateDict: Record<string, Tensor>): void {
    loadStateDictStrict(this.moduleName, this.params, stateDict);
    this.parametersChanged();
  }

  stateDict(): Record<string, Tensor> {
    return copyStateDict(this.params);
  }
}

/** out[r, i, :] = src[r, perm[i], :] for every state row r: torch's index_select(1, perm). */
function selectBatch(src: FloatArray, rows: number, batch: number, width: number, perm: readonly number[], out: FloatArray): FloatArray {
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < batch; i++) {
      const from = (r * batch + perm[i]!) * width;
      out.set(src.subarray(from, from + width), (r * batch + i) * width);
    }
  }
  return out;
}
