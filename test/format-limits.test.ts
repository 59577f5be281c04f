/**
 * The reader's bounds on tensor rank and on a file's total element count, each shown to refuse
 * (mutation testing found both removable without any test failing).
 */
import { describe, expect, test } from "vitest";
import { decodeFixture } from "../src/core/format/msgpack.js";
import { MAX_TENSOR_RANK } from "../src/core/format/limits.js";
import { ElementBudget, readShape, readTensorMap } from "../src/core/format/validate-tensor.js";
import { CELL_FIXTURE, child, encodeRaw, fixtureErrorOf, rawFixture, tensorMap } from "./helpers/fixture-bytes.js";

const F = "fixtures/x.msgpack";

describe("tensor rank", () => {
  test(`rank ${MAX_TENSOR_RANK} is accepted, rank ${MAX_TENSOR_RANK + 1} refused`, () => {
    expect(readShape(F, "s", new Array<number>(MAX_TENSOR_RANK).fill(1))).toHaveLength(MAX_TENSOR_RANK);
    expect(fixtureErrorOf(() => readShape(F, "s", new Array<number>(MAX_TENSOR_RANK + 1).fill(1))).message).toBe(
      `${F}: s: rank ${MAX_TENSOR_RANK + 1} is more than the reader's limit of ${MAX_TENSOR_RANK}`,
    );
  });

  test("a fixture with a rank-9 tensor is refused at its shape", () => {
    const raw = rawFixture(CELL_FIXTURE);
    child(raw, "inputs").input = tensorMap(new Array<number>(MAX_TENSOR_RANK + 1).fill(1));
    expect(fixtureErrorOf(() => decodeFixture(encodeRaw(raw), F)).message).toBe(
      `${F}: inputs.input.shape: rank ${MAX_TENSOR_RANK + 1} is more than the reader's limit of ${MAX_TENSOR_RANK}`,
    );
  });
});

describe("per-file element budget", () => {
  // Each tensor is far under the per-tensor limit; only their sum exceeds the (small) budget.
  const three = { a: tensorMap([2, 2]), b: tensorMap([2, 2]), c: tensorMap([2, 2]) };

  test("tensors that together fit the budget are read", () => {
    const budget = new ElementBudget(12);
    expect(Object.keys(readTensorMap(F, "state_dict", three, "float32", budget))).toEqual(["a", "b", "c"]);
  });

  test("the tensor that takes the total past the budget is refused by name", () => {
    expect(fixtureErrorOf(() => readTensorMap(F, "state_dict", three, "float32", new ElementBudget(11))).message).toBe(
      `${F}: state_dict.c: the file's tensors hold more than 11 elements in total, the reader's limit`,
    );
  });

  test("the budget is shared by every map of one file", () => {
    const budget = new ElementBudget(6);
    readTensorMap(F, "inputs", { a: tensorMap([2, 2]) }, "float32", budget);
    expect(fixtureErrorOf(() => readTensorMap(F, "outputs", { b: tensorMap([3]) }, "float32", budget)).message).toBe(
      `${F}: outputs.b: the file's tensors hold more than 6 elements in total, the reader's limit`,
    );
  });
});
