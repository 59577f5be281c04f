/**
 * This machine's ceiling for the `ts` kernels: the f32x4 multiply-add throughput of WebAssembly
 * SIMD in V8, measured by a loop of independent `f32x4.add(acc, f32x4.mul(x, w))` on registers
 * only (no loads, no stores), exactly the two instructions the float32 GEMM issues per 4
 * multiply-adds. Eight accumulators hide the add latency (ten or twelve measured slower: with
 * x, two weights and V8's SIMD scratch register they no longer fit the 16 registers); x changes
 * every iteration (one more add, not counted) so the products cannot be hoisted out of the loop.
 * Each iteration counts 8 · 8 FLOPs. Calls are short (0.2 ms) and the best of 200 is kept: on a
 * shared machine a long call is always preempted somewhere. "% peak" in the table is GFLOP/s
 * over this figure.
 */
import { performance } from "node:perf_hooks";
import { END, F32X4_ADD, F32X4_MUL, get, I32, I32_ADD, I32_LT_U, i32Const, name, section, set, simd, uleb, V128, vec, emitter } from "../src/core/kernels/wasm-bytes.js";

const ACCS = 8;

/** (iterations) -> f32 sum of the accumulators' lanes, so the loop cannot be dropped. */
function peakModule(): Uint8Array {
  const N = 0, I = 1, ACC = 2, X = ACC + ACCS, W0 = X + 1, W1 = X + 2, E = X + 3;
  const code: number[] = [];
  const emit = emitter(code);
  const f32x4Splat = simd(0x13);
  for (let a = 0; a < ACCS; a++) emit([0x43, ...new Uint8Array(new Float32Array([1e-3 * (a + 1)]).buffer)], f32x4Splat, set(ACC + a));
  const splatConst = (v: number, local: number): void => emit([0x43, ...new Uint8Array(new Float32Array([v]).buffer)], f32x4Splat, set(local));
  splatConst(0.5, X);
  splatConst(0.999, W0);
  splatConst(-0.998, W1);
  splatConst(1e-9, E);
  emit(0x03, 0x40); // loop
  emit(get(X), get(E), F32X4_ADD, set(X));
  for (let a = 0; a < ACCS; a++) emit(get(ACC + a), get(X), get(a % 2 === 0 ? W0 : W1), F32X4_MUL, F32X4_ADD, set(ACC + a));
  emit(get(I), i32Const(1), I32_ADD, set(I));
  emit(get(I), get(N), I32_LT_U, 0x0d, ...uleb(0));
  emit(END);
  emit(get(ACC));
  for (let a = 1; a < ACCS; a++) emit(get(ACC + a), F32X4_ADD);
  emit(simd(0x1f, 0)); // f32x4.extract_lane 0
  emit(END);
  const body = [...vec([[...uleb(1), I32], [...uleb(ACCS + 4), V128]]), ...code];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32]]), ...vec([[0x7d]])]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name("peak"), 0x00, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

/** Peak f32x4 GFLOP/s (multiply and add counted as 2 FLOPs per lane), or null without WebAssembly SIMD. */
export function measureF32x4Peak(): number | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  let peak: (n: number) => number;
  try {
    peak = new api.Instance(new api.Module(peakModule()), {}).exports["peak"] as (n: number) => number;
  } catch {
    return null;
  }
  // V8 first runs WebAssembly on its baseline compiler (Liftoff, locals in memory) and tiers a
  // function up to TurboFan after enough calls: many short calls first, then the timed long ones.
  for (let i = 0; i < 2000; i++) peak(1000);
  const iterations = 200_000;
  peak(iterations);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 200; r++) {
    const t0 = performance.now();
    peak(iterations);
    best = Math.min(best, performance.now() - t0);
  }
  return (iterations * ACCS * 8) / (best * 1e6);
}
