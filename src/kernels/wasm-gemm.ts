/**
 * A WebAssembly SIMD GEMM, C = A · Bᵀ + bias, emitted byte by byte here (no toolchain, no
 * dependency). It exists because scalar JS tops out near 6 GFLOP/s on the benchmark machine:
 * V8 does not vectorise, bounds-checks every typed-array load and spills a 4 × 4 block's
 * accumulators. See docs/benchmark.md, "Kernel notes".
 *
 * Numerics are those of the scalar kernel in gemm.ts, bit for bit: each output is its own f64
 * lane (f64x2, never f32x4), accumulating x_p · w_p from p = 0 to k − 1 with a separate multiply
 * and add (no fused multiply-add), then the bias, then one rounding by the store (f32.demote_f64
 * rounds to nearest even, as Math.fround does).
 *
 * Layout contract (all addresses and strides in bytes):
 * - A: rows of the module's dtype (f32 for `gemm32`, f64 for `gemm64`), `lda` apart, from `a` up
 *   to (not including) `aEnd`; the row count must be a multiple of 4 (callers pad with zero rows).
 * - B: packed by {@link packTransposed}: f64, blocks of 4 output columns, each block k rows of 4.
 * - bias: packed f64, `nBlocks · 4` values, or address 0 for none.
 * - C: rows of the module's dtype, `ldc` apart, `nBlocks · 4` columns written per row.
 * k must be at least 1.
 */

/** Signature of both exported kernels: (a, lda, aEnd, k, b, nBlocks, bias, c, ldc). */
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

/**
 * The slice of the WebAssembly JS API used here. The project compiles against lib ES2022 and
 * @types/node 20, neither of which declares WebAssembly, so it is typed locally.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

export interface WasmKernels {
  memory: WasmMemory;
  gemm32: WasmGemm;
  gemm64: WasmGemm;
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  return vec([...s].map((ch) => [ch.charCodeAt(0)]));
}

// Opcodes used (WebAssembly core 2.0 and the fixed-width SIMD proposal).
const I32 = 0x7f;
const V128 = 0x7b;
const END = 0x0b;
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const i32Const = (n: number): number[] => [0x41, ...sleb(n)];
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_LT_U = 0x49;
const I32_GE_U = 0x4f;
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
const memarg = (align: number, offset: number): number[] => [...uleb(align), ...uleb(offset)];
const V128_LOAD = (offset: number): number[] => simd(0x00, ...memarg(4, offset));
const V128_STORE = (offset: number): number[] => simd(0x0b, ...memarg(4, offset));
const V128_LOAD64_SPLAT = simd(0x0a, ...memarg(3, 0));
const V128_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
const F64X2_SPLAT = simd(0x14);
const F64X2_EXTRACT = (lane: number): number[] => simd(0x21, lane);
const F64X2_ADD = simd(0xf0);
const F64X2_MUL = simd(0xf2);
const F32_LOAD = [0x2a, ...memarg(2, 0)];
const F32_STORE = (offset: number): number[] => [0x38, ...memarg(2, offset)];
const F64_PROMOTE_F32 = [0xbb];
const F32_DEMOTE_F64 = [0xb6];

// Parameters, then locals, by index.
const A = 0, LDA = 1, A_END = 2, K = 3, B = 4, N_BLOCKS = 5, BIAS = 6, C = 7, LDC = 8;
const A0 = 9, A1 = 10, A2 = 11, A3 = 12, BP = 13, JB = 14, P_END = 15, CP = 16, T = 17;
const ACC = 18; // 8 accumulators: row r, columns 0-1 in ACC + 2r, columns 2-3 in ACC + 2r + 1
const X = 26, W01 = 27, W23 = 28;

/** The body of one kernel; `es` is the element size of A and C (4 or 8). */
function kernelBody(es: 4 | 8): number[] {
  const code: number[] = [];
  const emit = (...parts: (number | number[])[]): void => {
    for (const p of parts) {
      if (typeof p === "number") code.push(p);
      else code.push(...p);
    }
  };
  const fma = (acc: number, w: number): number[] => [...get(acc), ...get(X), ...get(w), ...F64X2_MUL, ...F64X2_ADD, ...set(acc)];
  const splatRow = (ptr: number): number[] =>
    es === 4 ? [...get(ptr), ...F32_LOAD, ...F64_PROMOTE_F32, ...F64X2_SPLAT] : [...get(ptr), ...V128_LOAD64_SPLAT];

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
    if (es === 8) {
      emit(get(T), get(ACC + 2 * r), V128_STORE(0), get(T), get(ACC + 2 * r + 1), V128_STORE(16));
    } else {
      for (let q = 0; q < 4; q++) {
        emit(get(T), get(ACC + 2 * r + (q >> 1)), F64X2_EXTRACT(q & 1), F32_DEMOTE_F64, F32_STORE(4 * q));
      }
    }
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
    ...section(3, vec([[0], [0]])),
    ...section(5, vec([[0x00, ...uleb(1)]])),
    ...section(7, vec([
      [...name("memory"), 0x02, 0],
      [...name("gemm32"), 0x00, 0],
      [...name("gemm64"), 0x00, 1],
    ])),
    ...section(10, vec([kernelBody(4), kernelBody(8)])),
  ];
  return new Uint8Array(bytes);
}

let compiled: object | null | undefined;

/**
 * A fresh instance with its own memory, or null where WebAssembly or its SIMD extension is
 * missing, or where the memory cannot be had (callers then keep the scalar kernels, which give
 * the same bits). The module is compiled once per process. Each memory reserves about 10 GB of
 * address space in V8 (guard pages instead of bounds checks); under `ulimit -v`, or with some
 * 13,000 memories alive at once, the instantiation fails with a RangeError, hence the catch. The
 * RNN engines therefore share one instance (wasm-rnn.ts); tests make their own.
 */
export function instantiateKernels(): WasmKernels | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  if (compiled === undefined) {
    try {
      const bytes = moduleBytes();
      compiled = api.validate(bytes) ? new api.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return null;
  let ex: Record<string, unknown>;
  try {
    ex = new api.Instance(compiled, {}).exports;
  } catch {
    return null;
  }
  return { memory: ex["memory"] as WasmMemory, gemm32: ex["gemm32"] as WasmGemm, gemm64: ex["gemm64"] as WasmGemm };
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
