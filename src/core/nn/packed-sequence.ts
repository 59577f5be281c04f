import { ModuleError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { isInteger, requireTensor } from "./checks.js";

/**
 * torch.nn.utils.rnn.PackedSequence: a batch of variable-length sequences, sorted by length
 * (longest first) and stored time-major without padding.
 *
 * - `data` (sum(batchSizes), *): the rows of time step 0 for every sequence, then those of step 1
 *   for the sequences longer than 1, and so on;
 * - `batchSizes[t]`: how many sequences are longer than t (non-increasing, batchSizes[0] = batch);
 * - `sortedIndices[i]`: the caller's batch index of sorted sequence i, `unsortedIndices` its
 *   inverse; both null when the caller's batch was already sorted (`enforceSorted`).
 *
 * The arrays are frozen copies, so a sequence cannot change under a module that validated it.
 */
export class PackedSequence {
  readonly data: Tensor;
  readonly batchSizes: readonly number[];
  readonly sortedIndices: readonly number[] | null;
  readonly unsortedIndices: readonly number[] | null;

  /** As torch's constructor: unsortedIndices defaults to the inverse of sortedIndices. */
  constructor(
    data: Tensor,
    batchSizes: readonly number[],
    sortedIndices: readonly number[] | null = null,
    unsortedIndices: readonly number[] | null = null,
  ) {
    this.data = data;
    this.batchSizes = Object.freeze([...batchSizes]);
    this.sortedIndices = sortedIndices === null ? null : Object.freeze([...sortedIndices]);
    const unsorted = unsortedIndices ?? (sortedIndices === null ? null : invertPermutation(sortedIndices));
    this.unsortedIndices = unsorted === null ? null : Object.freeze([...unsorted]);
  }
}

/**
 * A PackedSequence, also one from another copy of this package (dist/ next to src/), which fails
 * instanceof: an object with data and batchSizes, the two fields a Tensor never has together.
 */
export function isPackedSequence(value: unknown): value is PackedSequence {
  if (value instanceof PackedSequence) return true;
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<Record<keyof PackedSequence, unknown>>;
  return "data" in v && Array.isArray(v.batchSizes) && "sortedIndices" in v && "unsortedIndices" in v;
}

/** torch's invert_permutation: out[perm[i]] = i. */
export function invertPermutation(perm: readonly number[]): number[] {
  const out = new Array<number>(perm.length).fill(0);
  perm.forEach((p, i) => {
    out[p] = i;
  });
  return out;
}

function isPermutation(perm: unknown, n: number): boolean {
  if (!Array.isArray(perm) || perm.length !== n) return false;
  const seen = new Uint8Array(n);
  for (const p of perm) {
    if (!isInteger(p) || p < 0 || p >= n || seen[p] === 1) return false;
    seen[p] = 1;
  }
  return true;
}

/**
 * A PackedSequence built by hand (JS callers can put anything in one) must still describe its
 * data before a kernel indexes rows by it: batch sizes positive, non-increasing and summing to
 * data's rows; indices null or mutually inverse permutations of the batch.
 */
export function validatePackedSequence(owner: string, seq: PackedSequence): void {
  requireTensor(owner, "PackedSequence data", seq.data);
  const sizes: unknown = seq.batchSizes;
  if (!Array.isArray(sizes) || sizes.length === 0) {
    throw new ModuleError(`${owner}: PackedSequence batchSizes must be a non-empty array of positive integers`);
  }
  let rows = 0;
  let previous = Infinity;
  for (const n of sizes) {
    if (!isInteger(n) || n <= 0 || n > previous) {
      throw new ModuleError(
        `${owner}: PackedSequence batchSizes must be positive integers in non-increasing order, got [${sizes.join(", ")}]`,
      );
    }
    previous = n;
    rows += n;
  }
  const dataRows = seq.data.ndim === 0 ? 1 : seq.data.shape[0]!;
  if (rows !== dataRows) {
    throw new ModuleError(`${owner}: PackedSequence batchSizes sum to ${rows}, but data has ${dataRows} rows`);
  }
  const batch = sizes[0] as number;
  const { sortedIndices: s, unsortedIndices: u } = seq;
  if ((s === null) !== (u === null) || (s !== null && (!isPermutation(s, batch) || !isPermutation(u, batch)))) {
    throw new ModuleError(
      `${owner}: PackedSequence sortedIndices and unsortedIndices must both be null or be inverse permutations of 0..${batch - 1}`,
    );
  }
  if (s !== null && u !== null && s.some((p, i) => u[p] !== i)) {
    throw new ModuleError(`${owner}: PackedSequence unsortedIndices is not the inverse of sortedIndices`);
  }
}
