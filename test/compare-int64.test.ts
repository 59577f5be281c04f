/**
 * compareAny on the int64 fields of packed cases (lengths, batch_sizes, indices): exact, with
 * torch.testing.assert_close's messages for integer tensors, recorded from torch 2.13:
 *   assert_close(torch.tensor([1, 2, 3]), torch.tensor([1, 3, 5])), and so on below.
 */
import { describe, expect, it } from "vitest";
import { compareAny } from "../src/core/compare/compare-any.js";
import { Int64Tensor } from "../src/core/tensor/int64-tensor.js";
import { Tensor } from "../src/core/tensor/tensor.js";

const ints = (values: number[]): Int64Tensor => Int64Tensor.of(values);

describe("int64 comparisons", () => {
  it("equal tensors pass with full headroom", () => {
    const c = compareAny(ints([5, 4, 3]), ints([5, 4, 3]), { name: "batch_sizes" });
    expect(c).toMatchObject({ passed: true, mismatched: 0, maxAbsDiff: 0, headroom: 1, dtype: "int64", rtol: 0, atol: 0 });
  });

  it("any difference fails, in torch's words", () => {
    const c = compareAny(ints([1, 2, 3]), ints([1, 3, 5]));
    expect(c.passed).toBe(false);
    expect(c.headroom).toBe(-Infinity);
    expect(c.message).toBe(
      "Tensor-likes are not equal!\n\nMismatched elements: 2 / 3 (66.7%)\nGreatest absolute difference: 2 at index (2,)\nGreatest relative difference: 0.4000000059604645 at index (2,)",
    );
    expect(compareAny(ints([1, 2, 3]), ints([1, 2, 0])).message).toBe(
      "Tensor-likes are not equal!\n\nMismatched elements: 1 / 3 (33.3%)\nGreatest absolute difference: 3 at index (2,)\nGreatest relative difference: inf at index (2,)",
    );
  });

  it("a wrong length or a float result is an attribute mismatch", () => {
    expect(compareAny(ints([1, 2, 3]), ints([1, 2])).message).toBe("The values for attribute 'shape' do not match: torch.Size([3]) != torch.Size([2]).");
    const asFloat = new Tensor(Float32Array.of(1, 2, 0), [3]);
    expect(compareAny(ints([1, 2, 0]), asFloat).message).toBe("The values for attribute 'dtype' do not match: torch.int64 != torch.float32.");
    expect(compareAny(asFloat, ints([1, 2, 0]), { name: "sorted_indices" }).message).toBe(
      "The values for attribute 'dtype' do not match: torch.float32 != torch.int64.\n\nThe failure occurred for item ['sorted_indices']",
    );
  });

  it("float tensors still go through compareTensors", () => {
    const a = new Tensor(Float64Array.of(1, 2), [2]);
    expect(compareAny(a, a.clone()).passed).toBe(true);
  });
});
