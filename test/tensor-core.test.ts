/**
 * The tensor types themselves (src/core/tensor): every refusal of the Tensor and Int64Tensor
 * constructors, of size() and of tensorProblem (the check at every public entry) with its whole
 * message, one broken member at a time, and the copies that keep a tensor's shape its own.
 */
import { describe, expect, it } from "vitest";
import { TensorError } from "../src/core/errors.js";
import { DTYPES } from "../src/core/tensor/dtype.js";
import { Int64Tensor } from "../src/core/tensor/int64-tensor.js";
import { Tensor, tensorProblem } from "../src/core/tensor/tensor.js";
import { thrown } from "./helpers/thrown.js";

const refusal = (f: () => unknown): string => thrown(f, { type: TensorError });

describe("new Tensor", () => {
  it.each<[string, () => unknown, string]>([
    ["Int32Array data", () => new Tensor(new Int32Array(2) as unknown as Float32Array, [2]), "Tensor data must be a Float32Array or a Float64Array"],
    ["a shape that is not an array", () => new Tensor(new Float32Array(2), 2 as unknown as number[]), "Tensor shape must be an array of integers"],
    ["a negative dimension", () => new Tensor(new Float32Array(0), [2, -1]), "Tensor shape [2, -1] has an invalid dimension -1"],
    ["a fractional dimension", () => new Tensor(new Float32Array(3), [1.5, 2]), "Tensor shape [1.5, 2] has an invalid dimension 1.5"],
    ["a NaN dimension", () => new Tensor(new Float32Array(1), [NaN]), "Tensor shape [NaN] has an invalid dimension NaN"],
    ["data shorter than the shape", () => new Tensor(new Float64Array(5), [2, 3]), "Tensor shape [2, 3] needs 6 elements, but the data has 5"],
    ["data longer than a scalar", () => new Tensor(new Float64Array(2), []), "Tensor shape [] needs 1 elements, but the data has 2"],
  ])("refuses %s", (_label, make, want) => {
    expect(refusal(make)).toBe(want);
  });

  it("takes zero-sized dimensions and scalars", () => {
    const empty = new Tensor(new Float32Array(0), [3, 0]);
    expect([empty.shape, empty.ndim, empty.numel(), empty.dtype]).toEqual([[3, 0], 2, 0, "float32"]);
    const scalar = new Tensor(new Float64Array([4]), []);
    expect([scalar.shape, scalar.ndim, scalar.numel(), scalar.dtype, scalar.toArray()]).toEqual([[], 0, 1, "float64", 4]);
  });

  it("keeps its own copy of the shape it was given", () => {
    const shape = [2, 3];
    const t = new Tensor(new Float32Array(6), shape);
    shape[0] = 3;
    expect(t.shape).toEqual([2, 3]);
  });
});

describe("Tensor.size", () => {
  const t = new Tensor(new Float32Array(6), [2, 3]);
  it("counts negative dims from the end, as torch does", () => {
    expect([t.size(0), t.size(1), t.size(-1), t.size(-2)]).toEqual([2, 3, 3, 2]);
  });
  it.each([[2], [-3], [0.5]])("refuses dim %s with torch's message", (dim) => {
    expect(refusal(() => t.size(dim))).toBe(`Dimension out of range (expected to be in range of [-2, 1], but got ${dim})`);
  });
  it("a scalar has no dimension to ask for", () => {
    expect(refusal(() => new Tensor(new Float32Array(1), []).size(0))).toBe("Dimension out of range (expected to be in range of [0, -1], but got 0)");
  });
});

/** A Tensor-like object from another copy of the package: every member present and consistent. */
function duck(over: Record<string, unknown> = {}): Record<string, unknown> {
  const shape = [2, 3];
  return { data: new Float64Array(6), shape, ndim: 2, dtype: "float64", size: (d: number) => shape.at(d), ...over };
}

describe("tensorProblem", () => {
  it("accepts a Tensor and a consistent duck of either dtype", () => {
    expect(tensorProblem(new Tensor(new Float32Array(6), [2, 3]))).toBeNull();
    expect(tensorProblem(duck())).toBeNull();
    expect(tensorProblem(duck({ data: new Float32Array(6), dtype: "float32" }))).toBeNull();
    expect(tensorProblem(duck({ data: new Float32Array(0), dtype: "float32", shape: [0], ndim: 1, size: () => 0 }))).toBeNull();
  });

  it.each<[string, unknown, string]>([
    ["a number", 3, "got number"],
    ["null", null, "got null"],
    ["an array", [1, 2], "got object"],
    ["a duck with Int32Array data", duck({ data: new Int32Array(6) }), "got object"],
    ["a duck whose shape is not an array", duck({ shape: "2,3" }), "got object"],
    ["a duck without ndim", duck({ ndim: undefined }), "got object"],
    ["a duck whose dtype is not a string", duck({ dtype: 11 }), "got object"],
    ["a duck without size()", duck({ size: [2, 3] }), "got object"],
    ["a duck with a string dimension", duck({ shape: ["2", 3] }), "its shape has an invalid dimension 2"],
    ["a duck with a fractional dimension", duck({ shape: [1.5, 4] }), "its shape has an invalid dimension 1.5"],
    ["a duck with a negative dimension", duck({ shape: [-2, -3] }), "its shape has an invalid dimension -2"],
    ["a duck whose shape does not fit its data", duck({ shape: [3, 3] }), "shape [3, 3] needs 9 elements, but the data has 6"],
    ["a duck whose dtype is not its data's", duck({ dtype: "float32" }), "its dtype is float32, but its data is float64"],
    ["a float32 duck saying float64", duck({ data: new Float32Array(6) }), "its dtype is float64, but its data is float32"],
    ["a duck whose ndim is not its shape's", duck({ ndim: 3 }), "its ndim is 3, but its shape is [2, 3]"],
    ["a duck whose size(1) is wrong", duck({ size: (d: number) => [2, 4].at(d) }), "its size(1) is not shape[1] = 3"],
    ["a duck whose size(0) alone is wrong", duck({ size: (d: number) => (d === 0 ? 9 : [2, 3].at(d)) }), "its size(0) is not shape[0] = 2"],
    ["a duck whose size(-2) is wrong", duck({ size: (d: number) => (d === -2 ? 5 : [2, 3].at(d)) }), "its size(0) is not shape[0] = 2"],
  ])("refuses %s", (_label, value, want) => {
    expect(tensorProblem(value)).toBe(want);
  });

  it("a Tensor whose data was reassigned: another type, another dtype, another length", () => {
    const reassigned = (data: unknown): string | null => {
      const t = new Tensor(new Float32Array(6), [2, 3]);
      (t as unknown as { data: unknown }).data = data;
      return tensorProblem(t);
    };
    expect(reassigned(new Int32Array(6))).toBe("its data is not a Float32Array or a Float64Array");
    expect(reassigned(new Float64Array(6))).toBe("its dtype is float32, but its data is float64");
    expect(reassigned(new Float32Array(4))).toBe("shape [2, 3] needs 6 elements, but the data has 4");
    expect(reassigned(new Float32Array(6))).toBeNull();
  });
});

describe("Int64Tensor", () => {
  it("refuses values a double cannot hold and a shape that does not fit", () => {
    expect(refusal(() => new Int64Tensor([1, 2 ** 53], [2]))).toBe(`Int64Tensor values must be safe integers, got ${2 ** 53}`);
    expect(refusal(() => new Int64Tensor([1.5], [1]))).toBe("Int64Tensor values must be safe integers, got 1.5");
    expect(refusal(() => new Int64Tensor([1, 2, 3], [2, 2]))).toBe("Int64Tensor shape [2, 2] needs 4 elements, but the data has 3");
  });

  it("keeps copies of its values and shape", () => {
    const values = [3, 1, 2];
    const shape = [3];
    const t = new Int64Tensor(values, shape);
    values[0] = 9;
    shape[0] = 1;
    expect([t.data, t.shape, t.numel(), t.dtype]).toEqual([[3, 1, 2], [3], 3, "int64"]);
    expect(Int64Tensor.of([4, 5]).shape).toEqual([2]);
  });
});

describe("DTYPES", () => {
  it("is torch's two floating dtypes the modules take", () => {
    expect(DTYPES).toEqual(["float32", "float64"]);
  });
});

describe("Tensor.from on what is not a number", () => {
  it.each<[string, unknown, string]>([
    ["null where a number belongs", [1, null], "Tensor.from: element [1] is null, expected a number (the shape is [2])"],
    ["an array where a number belongs", [[1, 2], [3, [4]]], "Tensor.from: element [1, 1] is an array, expected a number (the shape is [2, 2])"],
    ["a string where a number belongs", [["a"]], "Tensor.from: element [0, 0] is string, expected a number (the shape is [1, 1])"],
    ["null where a row belongs", [[1], null], "Tensor.from: ragged at [1]: expected an array of length 1, got null"],
    ["a number where a row belongs", [[1], 5], "Tensor.from: ragged at [1]: expected an array of length 1, got number"],
    ["a short row", [[1, 2], [3]], "Tensor.from: ragged at [1]: expected an array of length 2, got length 1"],
  ])("refuses %s", (_label, values, want) => {
    expect(refusal(() => Tensor.from(values as number[]))).toBe(want);
  });

  it("refuses nesting past 32 levels, and takes 32", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 32; i++) deep = [deep];
    expect(Tensor.from(deep as number[]).shape).toHaveLength(32);
    expect(refusal(() => Tensor.from([deep] as number[]))).toBe("Tensor.from: nested more than 32 levels deep");
  });
});
