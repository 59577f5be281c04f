import { InternalError } from "../errors.js";
import type { DirectionArgs, LayerWeights } from "./recurrent-layer.js";
import { GATE_RESERVED } from "./wasm-gates.js";
import { align16, roundUp, SharedMemoryEngine, sharedInstance, type SharedInstance } from "./wasm-memory.js";
import { instantiateSgemm, packF32, SGEMM_MR as MR, SGEMM_NB as NB, type Sgemm, type SgemmKernels } from "./wasm-sgemm.js";

/** One layer-direction's geometry: input width, hidden size H, state width S (P or H), gates G, projection P. */
export interface LayerGeometry {
  inputSize: number;
  hiddenSize: number;
  stateSize: number;
  gates: number;
  projSize: number;
}


/**
 * Rows per kernel call for the input projection: the kernel sweeps all rows of A past one column
 * block of packed weights, so a few hundred rows of A stay in L2 while the weights are swept
 * (measured: 12800 × 512 × 512 at 28 GFLOP/s in one call, 39-41 in chunks of 128-512 rows).
 */
const CHUNK_ROWS = 256;

/** The process's one float32 instance (see sharedInstance): each memory reserves about 10 GB of address space. */
const shared = sharedInstance(instantiateSgemm);

interface Packed {
  wIh: number;
  wHh: number;
  bIh: number;
  bHh: number;
  wHr: number;
}

interface Scratch {
  x: number;
  ih: number;
  g: number;
  raw: number;
  proj: number;
  h: number;
  c: number;
  end: number;
}

/**
 * Runs float32 layers of any gate family (RNN, LSTM, GRU; padded or packed schedules) with the
 * f32x4 GEMM of wasm-sgemm.ts for the input projection, the recurrent product and LSTM's
 * projection, and the family's own epilogue (the same function the scalar step calls) on views
 * of the instance's memory. Every product goes through the kernel whose arithmetic
 * gemmABtF32 repeats and every epilogue is shared code, so results are bit-identical to
 * runLayerDirection on the scalar kernels.
 *
 * Memory (the process's one float32 memory, see sharedInstance in wasm-memory.ts): the weights packed as f32 in
 * blocks of 16 output columns (refreshed after `markStale`, i.e. after every loadStateDict, and
 * whenever another engine ran since), then per call the layer input (rows padded to
 * the kernel's 2), the projection, the step's gates, LSTM's unprojected and projected h', and
 * h and c. It only grows; output tensors are ordinary JS arrays and never alias it.
 */
export class WasmLayerEngine extends SharedMemoryEngine<SgemmKernels> {
  private readonly sgemm: Sgemm;
  private readonly gates: SgemmKernels["gates"];
  private readonly packed: Packed[];
  private readonly scratchBase: number;
  private view = new Float32Array(0);

  private constructor(home: SharedInstance<SgemmKernels>, private readonly shapes: readonly LayerGeometry[]) {
    super(home);
    const kernels = home.kernels;
    this.sgemm = kernels.sgemm;
    this.gates = kernels.gates;
    let at = GATE_RESERVED; // the gate kernels' table; address 0 also means "no bias" to the GEMM
    const take = (bytes: number): number => {
      const here = at;
      at = align16(at + bytes);
      return here;
    };
    this.packed = shapes.map(({ inputSize, hiddenSize: H, stateSize: S, gates, projSize: P }) => {
      const gp = roundUp(gates * H, NB);
      return {
        wIh: take(gp * inputSize * 4),
        wHh: take(gp * S * 4),
        bIh: take(gp * 4),
        bHh: take(gp * 4),
        wHr: P > 0 ? take(roundUp(P, NB) * H * 4) : 0,
      };
    });
    this.scratchBase = at;
  }

  /** An engine for these layer-directions (in the module's order), or null without WebAssembly SIMD or its memory. */
  static create(shapes: readonly LayerGeometry[]): WasmLayerEngine | null {
    const home = shared.get();
    return home === null ? null : new WasmLayerEngine(home, shapes);
  }

  protected onBuffer(buffer: ArrayBuffer): void {
    this.view = new Float32Array(buffer);
  }

  private pack(weights: readonly LayerWeights[]): void {
    this.ensure(this.scratchBase);
    const v = this.view;
    for (let i = 0; i < this.shapes.length; i++) {
      const { inputSize, hiddenSize: H, stateSize: S, gates, projSize: P } = this.shapes[i]!;
      const w = weights[i]!;
      const o = this.packed[i]!;
      const gh = gates * H;
      const gp = roundUp(gh, NB);
      packF32(w.wIh, gh, inputSize, v, o.wIh / 4);
      packF32(w.wHh, gh, S, v, o.wHh / 4);
      for (let j = 0; j < gp; j++) {
        v[o.bIh / 4 + j] = w.bIh !== null && j < gh ? w.bIh[j]! : 0;
        v[o.bHh / 4 + j] = w.bHh !== null && j < gh ? w.bHh[j]! : 0;
      }
      if (P > 0) packF32(w.wHr!, P, H, v, o.wHr / 4);
    }
    this.markPacked();
  }

  private scratch(index: number, rows: number, batch: number): Scratch {
    const { inputSize, hiddenSize: H, stateSize: S, gates, projSize: P } = this.shapes[index]!;
    const gp = roundUp(gates * H, NB);
    const rowsP = roundUp(rows, MR);
    const batchP = roundUp(batch, MR);
    const x = this.scratchBase;
    const ih = align16(x + rowsP * inputSize * 4);
    const g = align16(ih + rowsP * gp * 4);
    const raw = align16(g + batchP * gp * 4);
    const proj = align16(raw + (P > 0 ? batchP * roundUp(H, 4) * 4 : 0));
    const h = align16(proj + (P > 0 ? batchP * roundUp(P, NB) * 4 : 0));
    const c = align16(h + batchP * roundUp(S, 4) * 4);
    return { x, ih, g, raw, proj, h, c, end: align16(c + batch * roundUp(H, 4) * 4) };
  }

  /**
   * Grows the memory for calls of `rows` sequence rows and `batch` state rows through every
   * layer. False when it cannot (past the 4 GiB a 32-bit address reaches, or out of memory):
   * the caller then runs the scalar kernels, which give the same bits.
   */
  reserve(rows: number, batch: number): boolean {
    let end = this.scratchBase;
    for (let i = 0; i < this.shapes.length; i++) end = Math.max(end, this.scratch(i, rows, batch).end);
    return this.reserveBytes(end);
  }

  /** C = A · Bᵀ + bias over `rows` rows of A (rounded up to the kernel's MR), in chunks of rows. */
  private gemm(a: number, lda: number, rows: number, k: number, b: number, nBlocks: number, bias: number, c: number, ldc: number): void {
    const rowsP = roundUp(rows, MR);
    for (let r = 0; r < rowsP; r += CHUNK_ROWS) {
      const end = Math.min(rowsP, r + CHUNK_ROWS);
      this.sgemm(a + r * lda, lda, a + end * lda, k, b, nBlocks, bias, c + r * ldc, ldc);
    }
  }

  /**
   * Copies a layer's input (`rows` rows of the input width of layer-direction `index`) into the
   * engine, after {@link reserve} said yes; every direction of the layer then reads it.
   */
  loadInput(weights: readonly LayerWeights[], index: number, input: Float32Array, rows: number): void {
    const { inputSize } = this.shapes[index]!;
    // The callers validate tensors (tensorProblem); a short input here would silently run on the
    // previous call's rows left in this memory, so it is a bug worth stopping for.
    if (input.length < rows * inputSize) {
      throw new InternalError(`WasmLayerEngine.loadInput: ${input.length} input elements for ${rows} rows of ${inputSize} (a caller skipped validation)`);
    }
    if (this.needsPack()) this.pack(weights);
    const { x } = this.scratch(index, rows, 1);
    this.view.set(input.subarray(0, rows * inputSize), x / 4);
  }

  /**
   * runLayerDirection for layer-direction `index` on the input {@link loadInput} placed. h, c and
   * LSTM's unprojected h' live in rows padded to a multiple of 4 floats (Sp, Hp), which the gate
   * kernels need; the products read only the first S (or H) of each row.
   */
  runDirection(index: number, a: DirectionArgs): void {
    const { inputSize, hiddenSize: H, stateSize: S, gates, projSize: P } = this.shapes[index]!;
    const { schedule, family, output, outputLd: ldo, outputCol: col } = a;
    const { seqLen, batch, rows, stride } = schedule;
    const o = this.packed[index]!;
    const gp = roundUp(gates * H, NB);
    const pp = roundUp(P, NB);
    const Hp = roundUp(H, 4);
    const Sp = roundUp(S, 4);
    const s = this.scratch(index, rows, batch);
    const buffer = this.memory.buffer;
    const h = new Float32Array(buffer, s.h, roundUp(batch, MR) * Sp);
    const c = a.c0 === null ? null : new Float32Array(buffer, s.c, batch * Hp);
    const proj = P > 0 ? new Float32Array(buffer, s.proj, roundUp(batch, MR) * pp) : null;
    const gate = this.gates[family.gateKernel];
    if (rows > 0) this.gemm(s.x, inputSize * 4, rows, inputSize, o.wIh, gp / NB, o.bIh, s.ih, gp * 4);
    copyRows(a.h0, a.h0Offset, S, h, 0, Sp, batch, S);
    if (c !== null && a.c0 !== null) copyRows(a.c0, a.c0Offset, H, c, 0, Hp, batch, H);
    for (let i = 0; i < seqLen; i++) {
      const t = a.reverse ? seqLen - 1 - i : i;
      const n = schedule.count[t]!;
      if (n === 0) continue;
      const first = schedule.first[t]!;
      const ih = s.ih + first * gp * 4;
      this.gemm(s.h, Sp * 4, n, S, o.wHh, gp / NB, o.bHh, s.g, gp * 4);
      if (proj === null) {
        gate(n, ih, stride * gp * 4, s.g, gp * 4, s.h, Sp * 4, s.c, s.h, Sp * 4, H * 4, Hp * 4);
      } else {
        gate(n, ih, stride * gp * 4, s.g, gp * 4, s.h, Sp * 4, s.c, s.raw, Hp * 4, H * 4, Hp * 4);
        this.gemm(s.raw, Hp * 4, n, H, o.wHr, pp / NB, 0, s.proj, pp * 4);
        copyRows(proj, 0, pp, h, 0, Sp, n, S);
      }
      copyRows(h, 0, Sp, output, first * ldo + col, stride * ldo, n, S);
    }
    copyRows(h, 0, Sp, a.hN, a.hNOffset, S, batch, S);
    if (a.cN !== null && c !== null) copyRows(c, 0, Hp, a.cN, a.cNOffset, H, batch, H);
  }
}

/** Copies `rows` rows of `width` elements between row strides (one bulk copy when both are packed). */
function copyRows(src: Float32Array | Float64Array, srcOff: number, srcLd: number, dst: Float32Array | Float64Array, dstOff: number, dstLd: number, rows: number, width: number): void {
  if (srcLd === width && dstLd === width) {
    dst.set(src.subarray(srcOff, srcOff + rows * width), dstOff);
    return;
  }
  if (width < 32) {
    for (let b = 0; b < rows; b++) for (let j = 0; j < width; j++) dst[dstOff + b * dstLd + j] = src[srcOff + b * srcLd + j]!;
    return;
  }
  for (let b = 0; b < rows; b++) dst.set(src.subarray(srcOff + b * srcLd, srcOff + b * srcLd + width), dstOff + b * dstLd);
}
