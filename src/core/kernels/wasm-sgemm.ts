import type { WasmMemory } from "./wasm-gemm.js";
import { moduleInstantiator } from "./wasm-memory.js";
import { GATE_KERNELS, GATE_PARAMS, gateBody, gateData, MAP_KERNELS, MAP_PARAMS, mapBody, type GateKernel, type MapKernel } from "./wasm-gates.js";
import {
  emitter, END, F32X4_ADD, F32X4_MUL, get, I32, I32_ADD, I32_GE_U, I32_LT_U, I32_MUL, I32_SUB, i32Const, set, uleb,
  V128, V128_LOAD, V128_LOAD32_SPLAT, V128_STORE, V128_ZERO, vec, section, name,
} from "./wasm-bytes.js";

/**
 * The float32 WebAssembly GEMM, C = A · Bᵀ + bias on f32x4 lanes, accumulating in float32.
 *
 * Numerics, which `gemmABtF32` in gemm.ts repeats in scalar JS so that which path runs never
 * changes a bit: every output is one f32 lane; from p = 0 to k − 1 it computes
 * `s = f32(s + f32(a_p · w_p))` (f32x4.mul, then f32x4.add: two roundings, no fused multiply-add,
 * whose rounding would differ), starting from +0, then `s = f32(s + bias)`, then stores s. The
 * register block changes which outputs are computed together, never the order inside one.
 *
 * Register block: MR rows of A × NV vectors of 4 columns, MR·NV accumulators plus NV weight
 * vectors and one broadcast in V8's 16 SIMD registers. The shape was chosen by measurement
 * (docs/benchmark.md, "Kernel notes"): 2 × 16 (8 accumulators, 4 weight vectors) was fastest
 * of the thirteen shapes tried from 1 × 32 to 8 × 4.
 *
 * Layout contract (addresses and strides in bytes):
 * - A: f32 rows `lda` apart, from `a` up to (not including) `aEnd`; the row count must be a
 *   multiple of MR (callers pad with rows they do not read back; their C rows are garbage).
 * - B: packed by {@link packF32}: f32, blocks of NB = 4·NV output columns, each block k rows of NB.
 * - bias: packed f32, nBlocks · NB values, or address 0 for none.
 * - C: f32 rows `ldc` apart, nBlocks · NB columns written per row. k >= 1.
 */
export const SGEMM_MR = 2;
export const SGEMM_NV = 4;
export const SGEMM_NB = 4 * SGEMM_NV;

const A = 0, LDA = 1, A_END = 2, K = 3, B = 4, N_BLOCKS = 5, BIAS = 6, C = 7, LDC = 8;

/** The function body (locals and code, size-prefixed) of the MR × (4·NV) kernel. */
export function sgemmBody(mr: number = SGEMM_MR, nv: number = SGEMM_NV): number[] {
  const nb = 4 * nv;
  const ROW = 9; // MR row pointers
  const BP = ROW + mr, JB = BP + 1, P_END = JB + 1, CP = P_END + 1, T = CP + 1, WP = T + 1;
  const ACC = WP + 1; // accumulator of row r, vector v: ACC + r·nv + v
  const W = ACC + mr * nv; // weight vectors
  const X = W + nv; // the broadcast A element
  const acc = (r: number, v: number): number => ACC + r * nv + v;
  const code: number[] = [];
  const emit = emitter(code);

  // Columns outside, rows inside: one block's packed weights (k · NB floats, 8 KiB at k = 256)
  // stay in L1 while every row of A streams past them, so B is read from memory once per call.
  // The step GEMMs (A: a batch of h rows, B: all of W_hh) are exactly that case.
  emit(get(A), get(A_END), I32_GE_U, 0x04, 0x40, 0x0f, END); // no rows: return
  emit(get(B), set(BP), i32Const(0), set(JB), get(C), set(CP));
  emit(0x03, 0x40); // loop $cols
  emit(get(A), set(ROW), get(CP), set(T));
  emit(0x03, 0x40); // loop $rows
  for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) emit(V128_ZERO, set(acc(r, v)));
  for (let r = 1; r < mr; r++) emit(get(ROW + r - 1), get(LDA), I32_ADD, set(ROW + r));
  emit(get(ROW), get(K), i32Const(4), I32_MUL, I32_ADD, set(P_END));
  emit(get(BP), set(WP));
  emit(0x03, 0x40); // loop $p
  for (let v = 0; v < nv; v++) emit(get(WP), V128_LOAD(16 * v), set(W + v));
  for (let r = 0; r < mr; r++) {
    emit(get(ROW + r), V128_LOAD32_SPLAT(0), set(X));
    for (let v = 0; v < nv; v++) emit(get(acc(r, v)), get(X), get(W + v), F32X4_MUL, F32X4_ADD, set(acc(r, v)));
  }
  emit(get(WP), i32Const(4 * nb), I32_ADD, set(WP));
  for (let r = 0; r < mr; r++) emit(get(ROW + r), i32Const(4), I32_ADD, set(ROW + r));
  emit(get(ROW), get(P_END), I32_LT_U, 0x0d, ...uleb(0)); // br_if $p
  emit(END);
  // Bias after the whole dot product, as addmm and the scalar kernel add it.
  emit(get(BIAS), 0x04, 0x40); // if bias != 0
  emit(get(BIAS), get(JB), i32Const(4 * nb), I32_MUL, I32_ADD, set(WP));
  for (let v = 0; v < nv; v++) emit(get(WP), V128_LOAD(16 * v), set(W + v));
  for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) emit(get(acc(r, v)), get(W + v), F32X4_ADD, set(acc(r, v)));
  emit(END);
  // T walks down this column block of C, MR rows at a time.
  for (let r = 0; r < mr; r++) {
    for (let v = 0; v < nv; v++) emit(get(T), get(acc(r, v)), V128_STORE(16 * v));
    emit(get(T), get(LDC), I32_ADD, set(T));
  }
  // ROW has advanced by k elements: the next row block starts (MR − 1) rows further on.
  emit(get(ROW), get(K), i32Const(4), I32_MUL, I32_SUB, get(LDA), i32Const(mr), I32_MUL, I32_ADD, set(ROW));
  emit(get(ROW), get(A_END), I32_LT_U, 0x0d, ...uleb(0)); // br_if $rows
  emit(END);
  emit(get(BP), get(K), i32Const(4 * nb), I32_MUL, I32_ADD, set(BP));
  emit(get(CP), i32Const(4 * nb), I32_ADD, set(CP));
  emit(get(JB), i32Const(1), I32_ADD, set(JB));
  emit(get(JB), get(N_BLOCKS), I32_LT_U, 0x0d, ...uleb(0)); // br_if $cols
  emit(END);
  emit(END); // function
  const locals = vec([
    [...uleb(WP - ROW + 1), I32],
    [...uleb(X - ACC + 1), V128],
  ]);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

/**
 * Packs W (rows × k, torch's layout, row-major) as the float32 kernel's B: f32, blocks of `nb`
 * rows of W, element (row nb·jb + q, p) at `dst[dstOff + (jb·k + p)·nb + q]`; rows past `rows`
 * are zero, so padded output columns compute 0 (plus a zero bias) and are never read.
 */
export function packF32(w: ArrayLike<number>, rows: number, k: number, dst: Float32Array, dstOff: number, nb: number = SGEMM_NB): void {
  const blocks = Math.ceil(rows / nb);
  for (let jb = 0; jb < blocks; jb++) {
    for (let q = 0; q < nb; q++) {
      const row = nb * jb + q;
      let o = dstOff + jb * k * nb + q;
      if (row < rows) {
        const src = row * k;
        for (let p = 0; p < k; p++, o += nb) dst[o] = w[src + p]!;
      } else {
        for (let p = 0; p < k; p++, o += nb) dst[o] = 0;
      }
    }
  }
}

/** The float32 kernel as exported: (a, lda, aEnd, k, b, nBlocks, bias, c, ldc), addresses in bytes. */
export type Sgemm = (a: number, lda: number, aEnd: number, k: number, b: number, nBlocks: number, bias: number, c: number, ldc: number) => void;

/** A gate kernel of wasm-gates.ts: (n, ih, ihLd, g, gLd, h, hLd, c, out, outLd, hB, hpB), bytes. */
export type GateFn = (n: number, ih: number, ihLd: number, g: number, gLd: number, h: number, hLd: number, c: number, out: number, outLd: number, hB: number, hpB: number) => void;
/** (src, dst, end) in bytes: tanhF32 or sigmoidF32 over float32s, 4 at a time. */
export type MapFn = (src: number, dst: number, end: number) => void;

export interface SgemmKernels {
  memory: WasmMemory;
  sgemm: Sgemm;
  gates: Record<GateKernel, GateFn>;
  maps: Record<MapKernel, MapFn>;
}

const funcType = (params: number): number[] => [0x60, ...vec(new Array<number[]>(params).fill([I32])), ...vec([])];

/** Types 0 (sgemm), 1 (gate kernels), 2 (maps); functions in the order sgemm, GATE_KERNELS, MAP_KERNELS. */
function moduleBytes(): Uint8Array {
  const names = ["sgemm", ...GATE_KERNELS, ...MAP_KERNELS];
  const types = [0, ...GATE_KERNELS.map(() => 1), ...MAP_KERNELS.map(() => 2)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([funcType(9), funcType(GATE_PARAMS), funcType(MAP_PARAMS)])),
    ...section(3, vec(types.map((t) => [t]))),
    ...section(5, vec([[0x00, ...uleb(1)]])),
    ...section(7, vec([[...name("memory"), 0x02, 0], ...names.map((n, i) => [...name(n), 0x00, ...uleb(i)])])),
    ...section(10, vec([sgemmBody(), ...GATE_KERNELS.map(gateBody), ...MAP_KERNELS.map(mapBody)])),
    ...section(11, vec([gateData()])),
  ]);
}

const instantiate = moduleInstantiator(moduleBytes);

/**
 * A fresh instance of the float32 kernels with its own memory, or null (see moduleInstantiator):
 * callers then run gemmABtF32 and the scalar epilogues, which give the same bits.
 */
export function instantiateSgemm(): SgemmKernels | null {
  const ex = instantiate();
  if (ex === null) return null;
  const gates = Object.fromEntries(GATE_KERNELS.map((k) => [k, ex[k] as GateFn])) as Record<GateKernel, GateFn>;
  const maps = Object.fromEntries(MAP_KERNELS.map((k) => [k, ex[k] as MapFn])) as Record<MapKernel, MapFn>;
  return { memory: ex["memory"] as WasmMemory, sgemm: ex["sgemm"] as Sgemm, gates, maps };
}
