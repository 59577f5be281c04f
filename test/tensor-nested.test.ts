/** Tensor.from / toArray (torch.tensor(...) / .tolist()) and the tensor errors being RnnParityErrors. */
import { describe, expect, it } from "vitest";
import { RnnParityError, TensorError } from "../src/core/errors.js";
import { Int64Tensor } from "../src/core/tensor/int64-tensor.js";
import { Tensor } from "../src/core/tensor/tensor.js";

describe("Tensor.from reads the shape from the nesting", () => {
  it.each([
    ["a scalar", 2.5, []],
    ["a vector", [1, 2, 3], [3]],
    ["a matrix", [[1, 2, 3], [4, 5, 6]], [2, 3]],
    ["a 3-d batch", [[[1, 2]], [[3, 4]]], [2, 1, 2]],
    ["typed arrays as rows", [Float64Array.of(1, 2), Float64Array.of(3, 4)], [2, 2]],
    ["an empty vector", [], [0]],
    ["empty rows", [[], []], [2, 0]],
  ] as const)("%s", (_name, values, shape) => {
    const t = Tensor.from(values, "float64");
    expect(t.shape).toEqual(shape);
    expect(t.toArray()).toEqual(values instanceof Array ? values.map((v) => (ArrayBuffer.isView(v) ? Array.from(v) : v)) : values);
  });

  it("rounds to float32 by default, as torch.tensor(..., dtype=torch.float32) does", () => {
    const t = Tensor.from([0.1, 1 / 3]);
    expect(t.dtype).toBe("float32");
    expect(t.toArray()).toEqual([Math.fround(0.1), Math.fround(1 / 3)]);
  });

  it("round-trips row-major order through toArray", () => {
    const t = new Tensor(Float32Array.of(1, 2, 3, 4, 5, 6), [3, 2]);
    expect(t.toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(Tensor.from(t.toArray()).data).toEqual(t.data);
  });
});

describe("bad input is a one-line TensorError naming the place", () => {
  it.each([
    ["ragged rows", [[1, 2], [3]], "Tensor.from: ragged at [1]: expected an array of length 2, got length 1"],
    ["a row where a number belongs", [[1, [2]], [3, 4]], "Tensor.from: element [0, 1] is an array, expected a number (the shape is [2, 2])"],
    ["a string", [1, "2"], "Tensor.from: element [1] is string, expected a number (the shape is [2])"],
    ["null", [[1], null], "Tensor.from: ragged at [1]: expected an array of length 1, got null"],
  ])("%s", (_name, values, message) => {
    expect(() => Tensor.from(values as number[])).toThrow(new TensorError(message));
  });

  it("an unknown dtype", () => {
    expect(() => Tensor.from([1], "int8" as "float32")).toThrow('Tensor.from: dtype must be "float32" or "float64", got int8');
  });

  it.each([
    ["a non-typed-array data", () => new Tensor([1, 2] as unknown as Float32Array, [2])],
    ["a shape that is not an array", () => new Tensor(new Float32Array(2), 2 as unknown as number[])],
    ["a negative dimension", () => new Tensor(new Float32Array(0), [-1])],
    ["a size mismatch", () => new Tensor(new Float32Array(3), [2, 2])],
    ["a dimension out of range", () => Tensor.zeros([2]).size(3)],
    ["an unsafe int64 value", () => Int64Tensor.of([2 ** 60])],
    ["an int64 size mismatch", () => new Int64Tensor([1, 2], [3])],
  ])("%s throws a TensorError (an RnnParityError)", (_name, build) => {
    expect(build).toThrow(TensorError);
    expect(build).toThrow(RnnParityError);
  });
});
