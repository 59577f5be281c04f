// Issue 9, cause 6: the WebAssembly fallback. Calls of 2 GiB or more must fall back to the scalar
// kernels (or run correctly), not throw from 32-bit `&` overflow in the address arithmetic; and
// 20,000 live RNNs must not each reserve a memory (after ~12,950 every first forward spent ~1.7 s
// failing to). The engine-vs-scalar bit identity is test/kernels-wasm.test.ts.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetWasmModules } from "../src/core/kernels/wasm-memory.js";
import { WasmLayerEngine } from "../src/core/kernels/wasm-layer.js";
import { WasmRnnEngine, align16, roundUp4 } from "../src/core/kernels/wasm-rnn.js";
import { mulberry32 } from "../src/core/nn/parameters.js";
import { RNN } from "../src/core/nn/rnn.js";
import { Tensor } from "../src/core/tensor/tensor.js";

// Every test compiles its kernels from fresh bytes (see forgetWasmModules).
beforeEach(forgetWasmModules);

const MUTATION = process.env.RNN_PARITY_MUTATION === "1";

describe("addresses of 2 GiB and more", () => {
  it("align16 and roundUp4 are exact past 2^31 and 2^32", () => {
    for (const n of [2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 15, 2 ** 32 + 3, 3 * 2 ** 32 + 5]) {
      expect(align16(n)).toBe(Math.ceil(n / 16) * 16);
      expect(align16(n) % 16).toBe(0);
      expect(align16(n) - n).toBeLessThan(16);
      expect(roundUp4(n) - n).toBeLessThan(4);
      expect(roundUp4(n)).toBeGreaterThanOrEqual(n);
    }
  });

  it("reserve refuses a call past the 4 GiB a 32-bit address reaches (it wrapped to a small size and said yes)", () => {
    // float32 (every module's f32x4 engine): 2^14 rows of 2^16 inputs, the input copy alone is 4 GiB.
    const engine = WasmLayerEngine.create([{ inputSize: 1 << 16, hiddenSize: 4, stateSize: 4, gates: 1, projSize: 0 }]);
    expect(engine).not.toBeNull();
    expect(engine!.reserve(1 << 14, 1)).toBe(false);
    expect(engine!.reserve(1 << 15, 4)).toBe(false);
    // float64 (RNN's f64x2 engine): 2^13 rows of 2^16 doubles.
    const engine64 = WasmRnnEngine.create([{ inputSize: 1 << 16, hiddenSize: 4 }]);
    expect(engine64).not.toBeNull();
    expect(engine64!.reserve(1 << 13, 1)).toBe(false);
  });

  // Opt-in (2 GiB of input and as much WebAssembly memory): RNN_PARITY_HEAVY=1.
  it.runIf(process.env.RNN_PARITY_HEAVY === "1")("a 2 GiB call runs and gives the scalar kernels' bits", () => {
    const options = { inputSize: 1 << 16, hiddenSize: 1, seed: 2 } as const;
    const rows = (1 << 13) + 1; // 2 GiB + 256 KiB of float32 input
    const x = Tensor.zeros([rows, 1, options.inputSize]);
    const random = mulberry32(4);
    for (let i = 0; i < x.data.length; i += 4093) x.data[i] = random() - 0.5;
    const runLayer = vi.spyOn(WasmLayerEngine.prototype, "runDirection");
    const [out] = new RNN(options).forward(x);
    // On the engine when the memory could grow to ~2 GiB, else on the fallback: both are right.
    console.log(`2 GiB call: ${runLayer.mock.calls.length === 1 ? "WebAssembly engine" : "scalar fallback"}`);
    runLayer.mockRestore();
    const reserve = vi.spyOn(WasmLayerEngine.prototype, "reserve").mockReturnValue(false);
    const [scalar] = new RNN(options).forward(x);
    reserve.mockRestore();
    expect(out.data).toEqual(scalar.data);
  }, 600_000);
});

describe("thousands of live modules", () => {
  it("20,000 live RNNs each run a first forward on the WebAssembly path, quickly, with the scalar bits", () => {
    // 8 rows · 16 · (16 + 16) = 4096 multiply-adds: the engine's threshold.
    const options = { inputSize: 16, hiddenSize: 16, seed: 7 } as const;
    const x = Tensor.zeros([8, 1, 16]);
    const random = mulberry32(8);
    for (let i = 0; i < x.data.length; i++) x.data[i] = random() - 0.5;
    const runLayer = vi.spyOn(WasmLayerEngine.prototype, "runDirection");
    const live: RNN[] = [];
    // Under mutation testing (instrumented, 74 s for 20,000 on a busy machine) 2,000 modules: each
    // surviving module mutant re-runs this test; the reservation failure past ~12,950 is also
    // forced directly below (reserve mocked to fail). The time bounds hold only uninstrumented.
    const count = MUTATION ? 2000 : 20_000;
    const start = performance.now();
    let slowest = 0;
    let first: Float32Array | Float64Array | undefined;
    for (let i = 0; i < count; i++) {
      const m = new RNN(options);
      const t = performance.now();
      const [out] = m.forward(x);
      slowest = Math.max(slowest, performance.now() - t);
      first ??= out.data;
      if (i % 499 === 0) expect(out.data).toEqual(first);
      live.push(m);
    }
    const elapsed = performance.now() - start;
    expect(runLayer).toHaveBeenCalledTimes(count);
    runLayer.mockRestore();
    if (!MUTATION) {
      expect(elapsed).toBeLessThan(60_000);
      expect(slowest).toBeLessThan(1000);
    }
    // Alternating modules repack their weights into the shared memory: still the right bits.
    const a = new RNN({ ...options, seed: 1 });
    const b = new RNN({ ...options, seed: 2 });
    const reserve = vi.spyOn(WasmLayerEngine.prototype, "reserve").mockReturnValue(false);
    const [sa] = a.forward(x);
    const [sb] = b.forward(x);
    reserve.mockRestore();
    for (let k = 0; k < 3; k++) {
      expect(a.forward(x)[0].data).toEqual(sa.data);
      expect(b.forward(x)[0].data).toEqual(sb.data);
    }
    expect(live).toHaveLength(count);
  }, 120_000);
});
