import { InternalError } from "../errors.js";
import type { FloatArray } from "../tensor/dtype.js";
import type { RnnWeights, SequenceLayout } from "./rnn-layer.js";
import { instantiateKernels, packTransposed, type WasmGemm, type WasmKernels } from "./wasm-gemm.js";
import { align16, roundUp4, SharedMemoryEngine, sharedInstance, type SharedInstance } from "./wasm-memory.js";
import { tanhF64 } from "./tanh-f64.js";

export { align16, roundUp4 };

/** One layer-direction's geometry: its input width and hidden size. */
export interface LayerShape {
  inputSize: number;
  hiddenSize: number;
}

/** Bytes per element: the engine is float64 only (float32 runs on wasm-layer.ts's engine). */
const ES = 8;

/** The process's one float64 instance (see sharedInstance). */
const shared = sharedInstance(instantiateKernels);

interface PackedOffsets {
  wIh: number;
  wHh: number;
  bIh: number;
  bHh: number;
}

/**
 * Runs whole float64 RNN layers with the f64x2 WebAssembly GEMM (wasm-gemm.ts) and the same
 * per-step epilogue as the scalar path, so results are bit-identical to rnnLayerDirection.
 * float32 modules of every family run on wasm-layer.ts's f32x4 engine instead.
 *
 * The process's one linear memory (shared by every engine, see sharedInstance in wasm-memory.ts) holds this engine's
 * weights packed as f64 (refreshed after `markStale`, i.e. after every loadStateDict, and
 * whenever another engine ran since), then per call: the layer input (rows padded to a multiple of
 * 4 with zeros), the input projection, the step's pre-activation, and the hidden state in its
 * own zero-padded buffer, because the kernel reads 4 rows at a time and the output tensor's rows
 * cannot be padded. Memory only grows; a steady stream of same-sized calls allocates nothing
 * here. The module's output tensors are ordinary JS arrays and never alias this memory.
 */
export class WasmRnnEngine extends SharedMemoryEngine<WasmKernels> {
  private readonly gemm: WasmGemm;
  private readonly packed: PackedOffsets[];
  private readonly scratchBase: number;
  private view = new Float64Array(0);

  private constructor(home: SharedInstance<WasmKernels>, private readonly shapes: readonly LayerShape[]) {
    super(home);
    const kernels = home.kernels;
    this.gemm = kernels.gemm64;
    let at = 16; // address 0 means "no bias" to the kernel
    this.packed = shapes.map(({ inputSize, hiddenSize }) => {
      const hp = roundUp4(hiddenSize);
      const o = { wIh: at, wHh: 0, bIh: 0, bHh: 0 };
      at = align16(at + hp * inputSize * 8);
      o.wHh = at;
      at = align16(at + hp * hiddenSize * 8);
      o.bIh = at;
      at = align16(at + hp * 8);
      o.bHh = at;
      at = align16(at + hp * 8);
      return o;
    });
    this.scratchBase = at;
  }

  /** An engine for these layer-directions (in the module's order), or null without WebAssembly SIMD. */
  static create(shapes: readonly LayerShape[]): WasmRnnEngine | null {
    const home = shared.get();
    return home === null ? null : new WasmRnnEngine(home, shapes);
  }

  protected onBuffer(buffer: ArrayBuffer): void {
    this.view = new Float64Array(buffer);
  }

  private pack(weights: readonly RnnWeights[]): void {
    this.ensure(this.scratchBase);
    const f64 = this.view;
    for (let i = 0; i < this.shapes.length; i++) {
      const { inputSize, hiddenSize: H } = this.shapes[i]!;
      const w = weights[i]!;
      const o = this.packed[i]!;
      packTransposed(w.wIh, H, inputSize, f64, o.wIh / 8);
      packTransposed(w.wHh, H, H, f64, o.wHh / 8);
      const hp = roundUp4(H);
      for (let j = 0; j < hp; j++) {
        f64[o.bIh / 8 + j] = w.bIh !== null && j < H ? w.bIh[j]! : 0;
        f64[o.bHh / 8 + j] = w.bHh !== null && j < H ? w.bHh[j]! : 0;
      }
    }
    this.markPacked();
  }

  /** Byte addresses of one call's scratch for layer-direction `index`: x, ih, pre, h, and its end. */
  private scratch(index: number, rows: number, batch: number): { x: number; ih: number; pre: number; h: number; end: number } {
    const { inputSize, hiddenSize: H } = this.shapes[index]!;
    const es = ES;
    const hp = roundUp4(H);
    const batch4 = roundUp4(batch);
    const x = this.scratchBase;
    const ih = align16(x + roundUp4(rows) * inputSize * es);
    const pre = align16(ih + roundUp4(rows) * hp * es);
    const h = align16(pre + batch4 * hp * es);
    return { x, ih, pre, h, end: align16(h + batch4 * H * es) };
  }

  /**
   * Grows the memory for a call of `rows` sequence rows, `batch` of them per time step, through
   * every layer. False when it cannot (past the 4 GiB a 32-bit address reaches, or out of memory):
   * the caller then runs the scalar kernels, which give the same bits.
   */
  reserve(rows: number, batch: number): boolean {
    let end = this.scratchBase;
    for (let i = 0; i < this.shapes.length; i++) end = Math.max(end, this.scratch(i, rows, batch).end);
    return this.reserveBytes(end);
  }

  /**
   * One layer, every direction, after {@link reserve} said yes for these rows: `index` is the first layer-direction's position in the shapes
   * given to `create`; direction d uses `index + d`, reads h0 rows at `h0Offset + d·batch·H`,
   * writes output columns [d·H, (d+1)·H) of rows `outputLd` wide, and hN like h0.
   */
  runLayer(
    weights: readonly RnnWeights[],
    index: number,
    directions: number,
    layout: SequenceLayout,
    isTanh: boolean,
    input: FloatArray,
    h0: FloatArray,
    h0Offset: number,
    output: FloatArray,
    outputLd: number,
    hN: FloatArray,
  ): void {
    const { inputSize, hiddenSize: H } = this.shapes[index]!;
    const { seqLen, batch, timeStride: ts, batchStride: bs } = layout;
    const es = ES;
    const hp = roundUp4(H);
    const rows = seqLen * batch;
    const rows4 = roundUp4(rows);
    const batch4 = roundUp4(batch);
    // The callers validate tensors (tensorProblem); a short input here would silently run on the
    // previous call's rows left in this memory, so it is a bug worth stopping for.
    if (input.length < rows * inputSize || h0.length < h0Offset + directions * batch * H) {
      throw new InternalError(`WasmRnnEngine.runLayer: ${input.length} input elements for ${rows} rows of ${inputSize} (a caller skipped validation)`);
    }
    const { x, ih, pre, h, end } = this.scratch(index, rows, batch);
    this.ensure(end);
    if (this.needsPack()) this.pack(weights);
    const v = this.view;
    v.set(input.subarray(0, rows * inputSize), x / es);
    v.fill(0, x / es + rows * inputSize, x / es + rows4 * inputSize);
    const ihBase = ih / es;
    const preBase = pre / es;
    const hBase = h / es;
    for (let d = 0; d < directions; d++) {
      const o = this.packed[index + d]!;
      this.gemm(x, inputSize * es, x + rows4 * inputSize * es, inputSize, o.wIh, hp >> 2, o.bIh, ih, hp * es);
      const stateOffset = h0Offset + d * batch * H;
      v.set(h0.subarray(stateOffset, stateOffset + batch * H), hBase);
      v.fill(0, hBase + batch * H, hBase + batch4 * H);
      const col = d * H;
      for (let i = 0; i < seqLen; i++) {
        const t = d === 1 ? seqLen - 1 - i : i;
        this.gemm(h, H * es, h + batch4 * H * es, H, o.wHh, hp >> 2, o.bHh, pre, hp * es);
        for (let b = 0; b < batch; b++) {
          const row = t * ts + b * bs;
          const ihRow = ihBase + row * hp;
          const preRow = preBase + b * hp;
          const outRow = row * outputLd + col;
          const hRow = hBase + b * H;
          // As rnnStep: the stores into `v` round to the dtype exactly where torch does.
          if (isTanh) {
            for (let j = 0; j < H; j++) {
              v[preRow + j] = v[preRow + j]! + v[ihRow + j]!;
              const y = tanhF64(v[preRow + j]!);
              output[outRow + j] = y;
              v[hRow + j] = y;
            }
          } else {
            for (let j = 0; j < H; j++) {
              v[preRow + j] = v[preRow + j]! + v[ihRow + j]!;
              const y = Math.max(0, v[preRow + j]!);
              output[outRow + j] = y;
              v[hRow + j] = y;
            }
          }
        }
      }
      for (let k = 0; k < batch * H; k++) hN[stateOffset + k] = v[hBase + k]!;
    }
  }
}
