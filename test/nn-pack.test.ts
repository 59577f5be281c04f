import { describe, expect, it } from "vitest";
import { ModuleError } from "../src/core/errors.js";
import { packPaddedSequence, packSequence, padPackedSequence, padSequence } from "../src/core/nn/pack.js";
import { PackedSequence } from "../src/core/nn/packed-sequence.js";
import { mulberry32 } from "../src/core/nn/parameters.js";
import { Int64Tensor } from "../src/core/tensor/int64-tensor.js";
import { Tensor } from "../src/core/tensor/tensor.js";

const rand = mulberry32(31);
function randn(shape: number[]): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = 2 * rand() - 1;
  return t;
}

function expectModuleError(f: () => unknown, message: string): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ModuleError);
  expect((caught as Error).message).toBe(message);
}

describe("packPaddedSequence: batch sizes and indices as torch 2.13 computes them", () => {
  // Index lists recorded from torch.nn.utils.rnn.pack_padded_sequence (metadata, not values):
  // its descending sort keeps ties in the caller's order.
  it.each([
    [[2, 3, 2, 3, 1], [3, 5], [5, 4, 2], [1, 3, 0, 2, 4], [2, 0, 3, 1, 4]],
    [[4, 4, 4, 1, 2, 4, 1, 3], [8, 8], [8, 6, 5, 4], [0, 1, 2, 5, 7, 4, 3, 6], [0, 1, 2, 6, 5, 3, 7, 4]],
  ])("lengths %j (enforceSorted false)", (lengths, [T, B], batchSizes, sorted, unsorted) => {
    const p = packPaddedSequence(randn([T!, B!, 3]), lengths, { enforceSorted: false });
    expect([p.batchSizes, p.sortedIndices, p.unsortedIndices]).toEqual([batchSizes, sorted, unsorted]);
    expect(p.data.shape).toEqual([lengths.reduce((a, n) => a + n, 0), 3]);
  });

  it("keeps no indices when the batch is already sorted, and takes every kind of lengths", () => {
    const x = randn([4, 5, 3]);
    for (const lengths of [[4, 3, 2, 1, 1], Int32Array.from([4, 3, 2, 1, 1]), Int64Tensor.of([4, 3, 2, 1, 1]), BigInt64Array.from([4n, 3n, 2n, 1n, 1n]), new Tensor(Float64Array.from([4, 3, 2, 1, 1]), [5])]) {
      const p = packPaddedSequence(x, lengths);
      expect([p.batchSizes, p.sortedIndices, p.unsortedIndices]).toEqual([[5, 3, 2, 1], null, null]);
    }
  });

  it("round-trips through padPackedSequence in both layouts, zeros (or paddingValue) past each length", () => {
    const lengths = [2, 5, 1, 5];
    for (const batchFirst of [false, true]) {
      const x = randn(batchFirst ? [4, 5, 2] : [5, 4, 2]);
      const p = packPaddedSequence(x, lengths, { batchFirst, enforceSorted: false });
      const [padded, got] = padPackedSequence(p, { batchFirst, paddingValue: -7, totalLength: 6 });
      expect(got).toEqual(lengths);
      expect(padded.shape).toEqual(batchFirst ? [4, 6, 2] : [6, 4, 2]);
      for (let b = 0; b < 4; b++) {
        for (let t = 0; t < 6; t++) {
          const at = (batchFirst ? b * 6 + t : t * 4 + b) * 2;
          const src = (batchFirst ? b * 5 + t : t * 4 + b) * 2;
          const want = t < lengths[b]! ? Array.from(x.data.subarray(src, src + 2)) : [-7, -7];
          expect(Array.from(padded.data.subarray(at, at + 2))).toEqual(want);
        }
      }
    }
  });

  it("packSequence and padSequence follow torch's shapes", () => {
    const seqs = [randn([3, 2]), randn([5, 2]), randn([1, 2])];
    expect(padSequence(seqs).shape).toEqual([5, 3, 2]);
    expect(padSequence(seqs, { batchFirst: true }).shape).toEqual([3, 5, 2]);
    expect(padSequence([randn([3]), randn([5])]).shape).toEqual([5, 2]);
    const p = packSequence(seqs, { enforceSorted: false });
    expect([p.batchSizes, p.sortedIndices, p.unsortedIndices]).toEqual([[3, 2, 2, 1, 1], [1, 0, 2], [1, 0, 2]]);
    const [back, lengths] = padPackedSequence(p);
    expect(lengths).toEqual([3, 5, 1]);
    expect(back.data).toEqual(padSequence(seqs).data);
  });
});

describe("packing errors (torch 2.13's wording where torch has one)", () => {
  const x = randn([4, 5, 3]);
  const sortedMessage =
    "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.";
  const positive = "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0";
  it.each([
    [[3, 2, 4, 1, 1], true, sortedMessage],
    [[3, 2, 0, 1, 1], true, sortedMessage],
    [[3, 2, 0, 1, 1], false, positive],
    [[3, 2, -1, 1, 1], false, positive],
    [[3, 2, 1], true, "Expected `len(lengths)` to be equal to batch_size, but got 3 (batch_size=5)"],
    [[3, 2, 1, 1, 1, 1], false, "Expected `len(lengths)` to be equal to batch_size, but got 6 (batch_size=5)"],
    // torch 2.13 does not check this one and reads past the input; we refuse it.
    [[5, 2, 2, 1, 1], true, "Expected every length to be at most the padded sequence length 4, but got 5"],
    [[3.5, 2, 1, 1, 1], true, "packPaddedSequence: lengths must be integers, got 3.5"],
  ])("lengths %j, enforceSorted %s", (lengths, enforceSorted, message) => {
    expectModuleError(() => packPaddedSequence(x, lengths, { enforceSorted }), message);
  });

  it("refuses other bad input", () => {
    expectModuleError(() => packPaddedSequence(randn([4, 0, 3]), []), "Cannot pack empty tensors.");
    expectModuleError(
      () => packPaddedSequence(x, new Tensor(new Float32Array(5), [1, 5])),
      "'lengths' argument should be a 1D CPU int64 tensor, but got 2D cpu Long tensor",
    );
    expectModuleError(
      () => packPaddedSequence(x, new Int64Tensor([3, 2, 1, 1, 1], [1, 5])),
      "'lengths' argument should be a 1D CPU int64 tensor, but got 2D cpu Long tensor",
    );
    const p = packPaddedSequence(x, [4, 3, 2, 1, 1]);
    expectModuleError(
      () => padPackedSequence(p, { totalLength: 3 }),
      "Expected total_length to be at least the length of the longest sequence in input, but got total_length=3 and max sequence length being 4",
    );
    expectModuleError(() => padSequence([]), "received an empty list of sequences");
    expectModuleError(() => packSequence([]), "received an empty list of sequences");
    expectModuleError(() => packSequence([randn([3, 2]), randn([0, 2])], { enforceSorted: false }), positive);
    expectModuleError(() => packSequence([randn([3, 2]), randn([5, 2])]), sortedMessage);
    expectModuleError(
      () => padSequence([randn([3, 2]), randn([5, 3])]),
      "padSequence: sequences[1] has shape [5, 3], but every sequence must be (L, 2) like sequences[0] [3, 2]",
    );
  });

  it("refuses torch's snake_case option names instead of ignoring them", () => {
    const opts = { batch_first: true } as unknown as { batchFirst?: boolean };
    expectModuleError(() => packPaddedSequence(x, [4, 3, 2, 1, 1], opts), "packPaddedSequence got an unknown option 'batch_first'; did you mean 'batchFirst'?");
    expectModuleError(() => padSequence([randn([2, 1])], opts), "padSequence got an unknown option 'batch_first'; did you mean 'batchFirst'?");
    const p = packPaddedSequence(x, [4, 3, 2, 1, 1]);
    expectModuleError(() => padPackedSequence(p, { total_length: 5 } as unknown as { totalLength?: number }), "padPackedSequence got an unknown option 'total_length'; did you mean 'totalLength'?");
    expectModuleError(() => packSequence([randn([2, 1])], { enforce_sorted: false } as unknown as { enforceSorted?: boolean }), "packSequence got an unknown option 'enforce_sorted'; did you mean 'enforceSorted'?");
  });

  it("takes a PackedSequence from another copy of the package (a plain object of the same fields)", () => {
    const p = packPaddedSequence(randn([3, 2, 1]), [3, 1], { enforceSorted: false });
    const copy = { data: p.data, batchSizes: [...p.batchSizes], sortedIndices: [...p.sortedIndices!], unsortedIndices: [...p.unsortedIndices!] };
    expect(padPackedSequence(copy as unknown as PackedSequence)).toEqual(padPackedSequence(p));
  });

  it("refuses a hand-built PackedSequence that does not describe its data", () => {
    const data = randn([6, 3]);
    expectModuleError(() => padPackedSequence(new PackedSequence(data, [3, 2])), "padPackedSequence: PackedSequence batchSizes sum to 5, but data has 6 rows");
    expectModuleError(
      () => padPackedSequence(new PackedSequence(data, [2, 4])),
      "padPackedSequence: PackedSequence batchSizes must be positive integers in non-increasing order, got [2, 4]",
    );
    expectModuleError(
      () => padPackedSequence(new PackedSequence(data, [3, 3], [0, 0, 1])),
      "padPackedSequence: PackedSequence sortedIndices and unsortedIndices must both be null or be inverse permutations of 0..2",
    );
  });

  it("freezes its arrays, so a validated sequence cannot change under a module", () => {
    const lengths = [3, 1];
    const p = packPaddedSequence(randn([3, 2, 1]), lengths, { enforceSorted: false });
    expect(Object.isFrozen(p.batchSizes) && Object.isFrozen(p.sortedIndices) && Object.isFrozen(p.unsortedIndices)).toBe(true);
  });
});
