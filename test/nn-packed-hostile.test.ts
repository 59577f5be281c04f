/**
 * Hand-built PackedSequences (a JS caller can put anything in one, or pass a plain object from
 * another copy of the package): validatePackedSequence must refuse each malformed field with its
 * own one-line ModuleError before a kernel indexes rows by it, and accept the valid forms.
 */
import { describe, expect, it } from "vitest";
import { ModuleError } from "../src/core/errors.js";
import { RNN } from "../src/core/nn/rnn.js";
import { PackedSequence, invertPermutation, isPackedSequence, validatePackedSequence } from "../src/core/nn/packed-sequence.js";
import { Tensor } from "../src/core/tensor/tensor.js";

const data = (rows: number): Tensor => Tensor.zeros([rows, 2]);
type Fields = { data: unknown; batchSizes: unknown; sortedIndices: unknown; unsortedIndices: unknown };
const seq = (over: Partial<Fields>): PackedSequence =>
  ({ data: data(5), batchSizes: [3, 2], sortedIndices: [2, 0, 1], unsortedIndices: [1, 2, 0], ...over }) as unknown as PackedSequence;

describe("isPackedSequence", () => {
  it("accepts a PackedSequence and its duck-typed copy, refuses everything else", () => {
    expect(isPackedSequence(new PackedSequence(data(3), [2, 1]))).toBe(true);
    expect(isPackedSequence(seq({}))).toBe(true);
    expect(isPackedSequence(null)).toBe(false);
    expect(isPackedSequence(undefined)).toBe(false);
    expect(isPackedSequence(3)).toBe(false);
    expect(isPackedSequence("data")).toBe(false);
    expect(isPackedSequence(data(3))).toBe(false);
    for (const key of ["data", "batchSizes", "sortedIndices", "unsortedIndices"] as const) {
      const partial: Record<string, unknown> = { ...seq({}) };
      delete partial[key];
      expect(isPackedSequence(partial)).toBe(false);
    }
    expect(isPackedSequence({ ...seq({}), batchSizes: "3,2" })).toBe(false);
  });

  it("invertPermutation gives torch's inverse", () => {
    expect(invertPermutation([2, 0, 1])).toEqual([1, 2, 0]);
    expect(invertPermutation([])).toEqual([]);
  });
});

describe("validatePackedSequence", () => {
  const ok = (s: PackedSequence): void => validatePackedSequence("RNN", s);
  const refused = (s: PackedSequence): string => {
    try {
      validatePackedSequence("RNN", s);
    } catch (err) {
      expect(err).toBeInstanceOf(ModuleError);
      return (err as Error).message;
    }
    throw new Error("not refused");
  };
  const order = (got: string): string => `RNN: PackedSequence batchSizes must be positive integers in non-increasing order, got [${got}]`;
  const perms = "RNN: PackedSequence sortedIndices and unsortedIndices must both be null or be inverse permutations of 0..2";

  it("accepts sorted (null indices) and permuted sequences, and 0-d-free data of the right rows", () => {
    ok(seq({}));
    ok(seq({ sortedIndices: null, unsortedIndices: null }));
    ok(seq({ batchSizes: [3, 1, 1], data: data(5) }));
    ok(seq({ batchSizes: [2, 2, 1], sortedIndices: [1, 0], unsortedIndices: [1, 0] }));
  });

  it.each([
    ["data not a tensor", seq({ data: [1, 2] }), /^RNN: expected PackedSequence data to be a Tensor, got object$/],
    ["batchSizes empty", seq({ batchSizes: [] }), /^RNN: PackedSequence batchSizes must be a non-empty array of positive integers$/],
    ["batchSizes not an array", seq({ batchSizes: 3 }), /^RNN: PackedSequence batchSizes must be a non-empty array of positive integers$/],
  ] as const)("%s", (_name, s, message) => {
    expect(refused(s)).toMatch(message);
  });

  it.each([
    ["a zero", [3, 0], "3, 0"],
    ["a negative", [3, -1], "3, -1"],
    ["a fraction", [3, 1.5], "3, 1.5"],
    ["a string", [3, "2"], "3, 2"],
    ["increasing", [2, 3], "2, 3"],
  ] as const)("batchSizes with %s", (_name, sizes, got) => {
    expect(refused(seq({ batchSizes: sizes, data: data(5) }))).toBe(order(got));
  });

  it("batchSizes that do not sum to data's rows, including 0-d data as one row", () => {
    expect(refused(seq({ data: data(6) }))).toBe("RNN: PackedSequence batchSizes sum to 5, but data has 6 rows");
    expect(refused(seq({ data: new Tensor(Float32Array.of(1), []), batchSizes: [2] , sortedIndices: null, unsortedIndices: null}))).toBe(
      "RNN: PackedSequence batchSizes sum to 2, but data has 1 rows",
    );
    ok(seq({ data: new Tensor(Float32Array.of(1), []), batchSizes: [1], sortedIndices: null, unsortedIndices: null }));
  });

  it.each([
    ["only sortedIndices", { unsortedIndices: null }],
    ["only unsortedIndices", { sortedIndices: null }],
    ["sortedIndices too short", { sortedIndices: [0, 1], unsortedIndices: [0, 1] }],
    ["sortedIndices not an array", { sortedIndices: "201" }],
    ["a repeated index", { sortedIndices: [0, 0, 1] }],
    ["an index out of range", { sortedIndices: [3, 0, 1] }],
    ["a negative index", { sortedIndices: [-1, 0, 1] }],
    ["a fractional index", { sortedIndices: [0.5, 0, 1] }],
    ["a string index", { sortedIndices: ["2", 0, 1] }],
    ["unsortedIndices out of range", { unsortedIndices: [1, 2, 3] }],
  ] as const)("indices: %s", (_name, over) => {
    expect(refused(seq(over))).toBe(perms);
  });

  it("indices that are permutations but not each other's inverse", () => {
    expect(refused(seq({ unsortedIndices: [2, 0, 1] }))).toBe("RNN: PackedSequence unsortedIndices is not the inverse of sortedIndices");
    // Wrong at two of three positions: one mismatch is enough.
    expect(refused(seq({ unsortedIndices: [1, 0, 2] }))).toBe("RNN: PackedSequence unsortedIndices is not the inverse of sortedIndices");
  });

  it("a module refuses a malformed sequence the same way before running", () => {
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3, seed: 1 });
    expect(() => rnn.forward(seq({ batchSizes: [2, 3] }))).toThrow(order("2, 3"));
  });
});
