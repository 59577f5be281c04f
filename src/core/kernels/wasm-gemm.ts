/**
 * A WebAssembly SIMD GEMM, C = A · Bᵀ + bias, emitted byte by byte here (no toolchain, no
 * dependency). It exists because scalar JS tops out near 6 GFLOP/s on the benchmark machine:
 * V8 does not vectorise, bounds-checks every typed-array load and spills a 4 × 4 block's
 * accumulators. See docs/benchmark.md, "Kernel notes".
 *
 * It serves float64 modules (RNN's engine, wasm-rnn.ts); float32 runs on the f32x4 kernel of
 * wasm-sgemm.ts, which accumulates in float32.
 *
 * Numerics are those of the scalar float64 kernel in gemm.ts, bit for bit: each output is its
 * own f64 lane (f64x2), accumulating x_p · w_p from p = 0 to k − 1 with a separate multiply and
 * add (no fused multiply-add), then the bias.
 *
 * Layout contract (all addresses and strides in bytes):
 * - A: f64 rows, `lda` apart, from `a` up
 *   to (not including) `aEnd`; the row count must be a multiple of 4 (callers pad with zero rows).
 * - B: packed by {@link packTransposed}: f64, blocks of 4 output columns, each block k rows of 4.
 * - bias: packed f64, `nBlocks · 4` values, or address 0 for none.
 * - C: f64 rows, `ldc` apart, `nBlocks · 4` columns written per row.
 * k must be at least 1.
 */

import {
  emitter, END, F64X2_ADD, F64X2_MUL, get, I32, I32_ADD, I32_GE_U, I32_LT_U, I32_MUL, i32Const, name, section, set, uleb,
  V128, V128_LOAD, V128_LOAD64_SPLAT, V128_STORE, V128_ZERO, vec,
} from "./wasm-bytes.js";
import { moduleInstantiator } from "./wasm-memory.js";

/** Signature of the exported kernel: (a, lda, aEnd, k, b, nBlocks, bias, c, ldc). */
export type WasmGemm = (
  a: number,
  lda: number,
  aEnd: number,
  k: number,
  b: number,
  nBlocks: number,
  bias: number,
  c: number,
  ldc: number,
) => void;

/** A WebAssembly.Memory, typed locally (lib ES2022 and @types/node 20 do not declare WebAssembly). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

export interface WasmKernels {
  memory: WasmMemory;
  gemm64: WasmGemm;
}

// Parameters, then locals, by index.
const A = 0, LDA = 1, A_END = 2, K = 3, B = 4, N_BLOCKS = 5, BIAS = 6, C = 7, LDC = 8;
const A0 = 9, A1 = 10, A2 = 11, A3 = 12, BP = 13, JB = 14, P_END = 15, CP = 16, T = 17;
const ACC = 18; // 8 accumulators: row r, columns 0-1 in ACC + 2r, columns 2-3 in ACC + 2r + 1
const X = 26, W01 = 27, W23 = 28;

/** The body of the kernel; `es` is the element size of A and C. */
function kernelBody(): number[] {
  const es = 8;
  const code: number[] = [];
  const emit = emitter(code);
  const fma = (acc: number, w: number): number[] => [...get(acc), ...get(X), ...get(w), ...F64X2_MUL, ...F64X2_ADD, ...set(acc)];
  const splatRow = (ptr: number): number[] => [...get(ptr), ...V128_LOAD64_SPLAT];

  emit(0x02, 0x40); // block $done
  emit(0x03, 0x40); // loop $rows
  emit(get(A), get(A_END), I32_GE_U, 0x0d, ...uleb(1)); // br_if $done
  emit(get(B), set(BP), i32Const(0), set(JB), get(C), set(CP));
  emit(0x03, 0x40); // loop $cols
  for (let r = 0; r < 8; r++) emit(V128_ZERO, set(ACC + r));
  emit(get(A), set(A0), get(A0), get(LDA), I32_ADD, set(A1), get(A1), get(LDA), I32_ADD, set(A2));
  emit(get(A2), get(LDA), I32_ADD, set(A3));
  emit(get(A), get(K), i32Const(es), I32_MUL, I32_ADD, set(P_END));
  emit(0x03, 0x40); // loop $p
  emit(get(BP), V128_LOAD(0), set(W01), get(BP), V128_LOAD(16), set(W23));
  const rows = [A0, A1, A2, A3];
  for (let r = 0; r < 4; r++) {
    emit(splatRow(rows[r]!), set(X));
    emit(fma(ACC + 2 * r, W01), fma(ACC + 2 * r + 1, W23));
  }
  emit(get(BP), i32Const(32), I32_ADD, set(BP));
  for (const ptr of rows) emit(get(ptr), i32Const(es), I32_ADD, set(ptr));
  emit(get(A0), get(P_END), I32_LT_U, 0x0d, ...uleb(0)); // br_if $p
  emit(END);
  // Bias after the whole dot product, as addmm and the scalar kernel add it.
  emit(get(BIAS), 0x04, 0x40); // if bias != 0
  emit(get(BIAS), get(JB), i32Const(32), I32_MUL, I32_ADD, set(T));
  emit(get(T), V128_LOAD(0), set(W01), get(T), V128_LOAD(16), set(W23));
  for (let r = 0; r < 4; r++) {
    emit(get(ACC + 2 * r), get(W01), F64X2_ADD, set(ACC + 2 * r));
    emit(get(ACC + 2 * r + 1), get(W23), F64X2_ADD, set(ACC + 2 * r + 1));
  }
  emit(END);
  // BP has run through this block's k rows and now points at the next block.
  emit(get(CP), set(T));
  for (let r = 0; r < 4; r++) {
    emit(get(T), get(ACC + 2 * r), V128_STORE(0), get(T), get(ACC + 2 * r + 1), V128_STORE(16));
    if (r < 3) emit(get(T), get(LDC), I32_ADD, set(T));
  }
  emit(get(CP), i32Const(4 * es), I32_ADD, set(CP));
  emit(get(JB), i32Const(1), I32_ADD, set(JB));
  emit(get(JB), get(N_BLOCKS), I32_LT_U, 0x0d, ...uleb(0)); // br_if $cols
  emit(END);
  emit(get(A), get(LDA), i32Const(4), I32_MUL, I32_ADD, set(A));
  emit(get(C), get(LDC), i32Const(4), I32_MUL, I32_ADD, set(C));
  emit(0x0c, ...uleb(0)); // br $rows
  emit(END, END); // loop $rows, block $done
  emit(END); // function
  const locals = vec([
    [...uleb(T - A0 + 1), I32],
    [...uleb(W23 - ACC + 1), V128],
  ]);
  const body = [...locals, ...code];
  return [...uleb(body.length), ...body];
}

function moduleBytes(): Uint8Array {
  const params = new Array<number>(9).fill(I32);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(params.map((p) => [p])), ...vec([])]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...uleb(1)]])),
    ...section(7, vec([
      [...name("memory"), 0x02, 0],
      [...name("gemm64"), 0x00, 0],
    ])),
    ...section(10, vec([kernelBody()])),
  ];
  return new Uint8Array(bytes);
}

const instantiate = moduleInstantiator(moduleBytes);

/** A fresh instance with its own memory, or null (see moduleInstantiator); the RNN engines share one (wasm-rnn.ts), tests make their own. */
export function instantiateKernels(): WasmKernels | null {
  const ex = instantiate();
  return ex === null ? null : { memory: ex["memory"] as WasmMemory, gemm64: ex["gemm64"] as WasmGemm };
}

/**
 * Packs W (rows × k, torch's layout, row-major) as the kernel's B: f64, blocks of 4 rows of W,
 * element (row 4·jb + q, p) at `dst[dstOff + (jb·k + p)·4 + q]`; rows past `rows` are zero.
 */
export function packTransposed(w: ArrayLike<number>, rows: number, k: number, dst: Float64Array, dstOff: number): void {
  const blocks = (rows + 3) >> 2;
  for (let jb = 0; jb < blocks; jb++) {
    for (let q = 0; q < 4; q++) {
      const row = 4 * jb + q;
      let o = dstOff + jb * k * 4 + q;
      if (row < rows) {
        const src = row * k;
        for (let p = 0; p < k; p++, o += 4) dst[o] = w[src + p]!;
      } else {
        for (let p = 0; p < k; p++, o += 4) dst[o] = 0;
      }
    }
  }
}
