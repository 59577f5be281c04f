// Issue 9, cause 1: a tensor whose data length is not its shape's product must never reach a
// kernel. The scalar path would read past the data (NaN garbage), the WebAssembly path would read
// the previous call's input left in its memory (stale results). Cause 8: compareTensors of
// non-tensors is a clear error, not a TypeError from inside the loop.
import { describe, expect, it } from "vitest";
import { compareTensors, assertClose } from "../src/core/compare/assert-close.js";
import { ModuleError, RnnParityError } from "../src/core/errors.js";
import { mulberry32 } from "../src/core/nn/parameters.js";
import { RNN } from "../src/core/nn/rnn.js";
import { RNNCell } from "../src/core/nn/rnn-cell.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { thrown } from "./helpers/thrown.js";

const random = mulberry32(9);
function randn(shape: number[]): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = 2 * random() - 1;
  return t;
}

/** An object with every member forward uses, whose data is `length` elements long. */
function duck(shape: number[], length: number): Tensor {
  return {
    data: new Float32Array(length).fill(0.25),
    shape,
    ndim: shape.length,
    dtype: "float32",
    size(dim: number) {
      return shape[dim < 0 ? shape.length + dim : dim];
    },
  } as unknown as Tensor;
}

/** A real Tensor whose `data` was swapped for a shorter array (readonly only in the .d.ts). */
function reassignedData(shape: number[], length: number): Tensor {
  const t = randn(shape);
  (t as { data: Float32Array }).data = new Float32Array(length);
  return t;
}

const moduleError = (f: () => unknown): string => thrown(f, { type: ModuleError, returned: "(no error)" });

// inputSize 64, hidden 64, 8x4 rows: far above the WebAssembly threshold (4096 multiply-adds).
const paths = [
  ["scalar", { inputSize: 4, hiddenSize: 6 }, [3, 2, 4]],
  ["WebAssembly", { inputSize: 64, hiddenSize: 64 }, [8, 4, 64]],
] as const;

describe("Tensor shape is immutable at run time", () => {
  it("refuses reassigning shape, and writes into it change nothing", () => {
    const t = randn([3, 2, 4]);
    expect(() => {
      (t as unknown as { shape: number[] }).shape = [3, 8, 4];
    }).toThrow(TypeError);
    (t.shape as number[])[1] = 8;
    expect(t.shape).toEqual([3, 2, 4]);
    expect([t.ndim, t.size(1), t.numel()]).toEqual([3, 2, 24]);
    // The constructor copies the caller's array too.
    const dims = [2, 3];
    const u = new Tensor(new Float32Array(6), dims);
    dims[0] = 5;
    expect(u.shape).toEqual([2, 3]);
  });
});

describe.each(paths)("RNN forward, %s path: data length vs shape", (_path, options, shape) => {
  const m = new RNN({ ...options, seed: 3 });
  const n = shape[0] * shape[1] * shape[2];

  it("a duck-typed tensor with a quarter of its data is refused, for input and hx", () => {
    // A good call first, so the WebAssembly memory holds an input a short one could silently reuse.
    m.forward(randn([...shape]));
    expect(moduleError(() => m.forward(duck([...shape], n / 4)))).toBe(
      `RNN: input is not a valid Tensor: shape ${JSON.stringify(shape).replaceAll(",", ", ")} needs ${n} elements, but the data has ${n / 4}`,
    );
    const hx = [1, shape[1], options.hiddenSize];
    expect(moduleError(() => m.forward(randn([...shape]), duck(hx, 1)))).toMatch(/^RNN: hx is not a valid Tensor: shape .* needs \d+ elements, but the data has 1$/);
  });

  it("a Tensor whose data was reassigned is refused", () => {
    expect(moduleError(() => m.forward(reassignedData([...shape], n / 4)))).toMatch(/^RNN: input is not a valid Tensor: /);
  });

  it("a duck whose members disagree is refused", () => {
    const lying = { ...duck([...shape], n), ndim: 2 } as unknown as Tensor;
    expect(moduleError(() => m.forward(lying))).toMatch(/^RNN: input is not a valid Tensor: its ndim is 2/);
    const wrongDtype = { ...duck([...shape], n), dtype: "float64" } as unknown as Tensor;
    expect(moduleError(() => m.forward(wrongDtype))).toMatch(/^RNN: input is not a valid Tensor: its dtype is float64, but its data is float32$/);
    const badDim = duck([shape[0], -shape[1], shape[2]], n);
    expect(moduleError(() => m.forward(badDim))).toMatch(/^RNN: input is not a valid Tensor: its shape has an invalid dimension -/);
  });

  it("a consistent duck (a Tensor from another copy of the package) gives the same bits as a Tensor", () => {
    const x = randn([...shape]);
    const copy = { ...duck([...shape], n), data: x.data } as unknown as Tensor;
    expect(Array.from(m.forward(copy)[0].data)).toEqual(Array.from(m.forward(x)[0].data));
  });
});

describe("RNNCell forward: data length vs shape", () => {
  const c = new RNNCell({ inputSize: 4, hiddenSize: 3, seed: 1 });
  it("refuses short input and hx data", () => {
    expect(moduleError(() => c.forward(duck([2, 4], 2)))).toBe("RNNCell: input is not a valid Tensor: shape [2, 4] needs 8 elements, but the data has 2");
    expect(moduleError(() => c.forward(randn([2, 4]), reassignedData([2, 3], 1)))).toBe(
      "RNNCell: hx is not a valid Tensor: shape [2, 3] needs 6 elements, but the data has 1",
    );
  });
});

describe("compareTensors and assertClose of non-tensors", () => {
  it.each([
    ["arrays", [1], [1], "compareTensors: expected actual to be a Tensor, got object"],
    ["a number", randn([2]), 1, "compareTensors: expected expected to be a Tensor, got number"],
    ["a short duck", duck([2, 2], 1), randn([2, 2]), "compareTensors: actual is not a valid Tensor: shape [2, 2] needs 4 elements, but the data has 1"],
  ])("%s: one clear RnnParityError", (_what, a, e, message) => {
    for (const [name, f] of [
      ["compareTensors", () => compareTensors(a as Tensor, e as Tensor)],
      ["assertClose", () => assertClose(a as Tensor, e as Tensor)],
    ] as const) {
      let caught: unknown;
      try {
        f();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(RnnParityError);
      expect((caught as Error).message).toBe(message.replace("compareTensors", name));
    }
  });
});
