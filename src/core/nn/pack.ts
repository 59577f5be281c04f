import { ModuleError } from "../errors.js";
import { allocate, type DType } from "../tensor/dtype.js";
import { Int64Tensor } from "../tensor/int64-tensor.js";
import { Tensor, formatShape, numel, typeName } from "../tensor/tensor.js";
import { isSafeInteger, requireTensor } from "./checks.js";
import { rejectUnknownKeys } from "./options.js";
import { PackedSequence, isPackedSequence, validatePackedSequence } from "./packed-sequence.js";

/**
 * Sequence lengths as torch.nn.utils.rnn takes them: plain numbers, or an integer tensor. Our
 * Tensor holds floats only, so the integer tensor is the package's Int64Tensor (what the fixture
 * readers return for torch.int64), an Int32Array or BigInt64Array; a 1-D float Tensor is taken
 * too when every value is an integer. torch truncates fractional lengths
 * (torch.as_tensor(..., dtype=int64)); we refuse them instead.
 */
export type Lengths = readonly number[] | Int64Tensor | Int32Array | BigInt64Array | Tensor;

export interface PackPaddedOptions {
  /** input is (B, T, *) instead of (T, B, *). Default false. */
  batchFirst?: boolean;
  /** lengths must already be in decreasing order; no indices are kept. Default true. */
  enforceSorted?: boolean;
}

export interface PadPackedOptions {
  batchFirst?: boolean;
  /** Value of the padded positions. Default 0. */
  paddingValue?: number;
  /** Pad to this many time steps (at least the longest sequence). Default: the longest. */
  totalLength?: number;
}

/** A snake_case `batch_first: true` silently ignored would pack the wrong axis; refuse unknown keys. */
function readOptions(owner: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ModuleError(`${owner}: options must be an object, got ${typeName(options)}`);
  }
  rejectUnknownKeys(owner, options, known);
}

/** Only undefined takes the default: a null is refused like any other wrong type, never read as "unset". */
function flag(owner: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new ModuleError(`${owner}: ${name} should be of type boolean, got: ${typeName(value)}`);
  return value;
}

function paddingValueOf(owner: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== "number") throw new ModuleError(`${owner}: paddingValue should be a number, got: ${typeName(value)}`);
  return value;
}

function lengthList(owner: string, lengths: unknown): number[] {
  let values: number[];
  if (Array.isArray(lengths)) values = lengths as number[];
  else if (lengths instanceof Int64Tensor) {
    if (lengths.shape.length !== 1) throw new ModuleError(`'lengths' argument should be a 1D CPU int64 tensor, but got ${lengths.shape.length}D cpu Long tensor`);
    values = [...lengths.data];
  } else if (lengths instanceof Int32Array) values = Array.from(lengths);
  else if (lengths instanceof BigInt64Array) values = Array.from(lengths, (v) => Number(v));
  else {
    requireTensor(owner, "lengths", lengths);
    if (lengths.ndim !== 1) {
      // torch converts to int64 first, so it always names the tensor Long.
      throw new ModuleError(`'lengths' argument should be a 1D CPU int64 tensor, but got ${lengths.ndim}D cpu Long tensor`);
    }
    values = Array.from(lengths.data);
  }
  for (const v of values) {
    if (!isSafeInteger(v)) {
      throw new ModuleError(`${owner}: lengths must be integers, got ${String(v)}`);
    }
  }
  return values;
}

/** torch.sort(lengths, descending=True) on CPU is stable: ties keep the caller's order. */
function sortDescending(lengths: readonly number[]): number[] {
  // Array.prototype.sort is stable, so ties keep their index order with no tie-breaker.
  return lengths.map((_, i) => i).sort((a, b) => lengths[b]! - lengths[a]!);
}

/**
 * torch.nn.utils.rnn.pack_padded_sequence: the padded batch `input` (T, B, *) or (B, T, *) with
 * each sequence's length, as a PackedSequence. Checks and messages are torch 2.13's, in its
 * order, plus one torch lacks: a length beyond T (torch reads past the tensor) is refused.
 */
export function packPaddedSequence(input: Tensor, lengths: Lengths, options: PackPaddedOptions = {}): PackedSequence {
  const owner = "packPaddedSequence";
  requireTensor(owner, "input", input);
  readOptions(owner, options, ["batchFirst", "enforceSorted"]);
  const batchFirst = flag(owner, "batchFirst", options.batchFirst, false);
  const enforceSorted = flag(owner, "enforceSorted", options.enforceSorted, true);
  const given = lengthList(owner, lengths);
  if (input.ndim < 2) {
    throw new ModuleError(`${owner}: expected input to be at least 2-D, (T, B, *) or (B, T, *) with batchFirst, got ${input.ndim}-D`);
  }
  if (input.numel() === 0) throw new ModuleError("Cannot pack empty tensors.");
  const [T, B] = batchFirst ? [input.shape[1]!, input.shape[0]!] : [input.shape[0]!, input.shape[1]!];
  if (given.length !== B) {
    throw new ModuleError(`Expected \`len(lengths)\` to be equal to batch_size, but got ${given.length} (batch_size=${B})`);
  }
  const order = enforceSorted ? null : sortDescending(given);
  const sorted = order === null ? given : order.map((i) => given[i]!);
  if (!(sorted[B - 1]! > 0)) {
    throw new ModuleError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
  }
  // sorted[i + 1] against sorted[i]: any rise is out of order.
  if (sorted.slice(1).some((n, i) => n > sorted[i]!)) {
    throw new ModuleError(
      "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass " +
        "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement " +
        "if you do not need ONNX exportability.",
    );
  }
  if (sorted[0]! > T) {
    throw new ModuleError(`Expected every length to be at most the padded sequence length ${T}, but got ${sorted[0]}`);
  }
  const rest = input.shape.slice(2);
  const width = numel(rest);
  const batchSizes: number[] = [];
  for (let t = 0; t < sorted[0]!; t++) batchSizes.push(sorted.filter((n) => n > t).length);
  const rows = batchSizes.reduce((a, n) => a + n, 0);
  const data = allocate(input.dtype, rows * width);
  let r = 0;
  batchSizes.forEach((n, t) => {
    for (let i = 0; i < n; i++, r++) {
      const b = order === null ? i : order[i]!;
      const from = (batchFirst ? b * T + t : t * B + b) * width;
      data.set(input.data.subarray(from, from + width), r * width);
    }
  });
  return new PackedSequence(new Tensor(data, [rows, ...rest]), batchSizes, order);
}

/**
 * torch.nn.utils.rnn.pad_packed_sequence: the padded batch (T, B, *) or (B, T, *) in the caller's
 * batch order (unsortedIndices applied), and each sequence's length in that order.
 */
export function padPackedSequence(sequence: PackedSequence, options: PadPackedOptions = {}): [padded: Tensor, lengths: number[]] {
  const owner = "padPackedSequence";
  if (!isPackedSequence(sequence)) throw new ModuleError(`${owner}: expected a PackedSequence`);
  validatePackedSequence(owner, sequence);
  readOptions(owner, options, ["batchFirst", "paddingValue", "totalLength"]);
  const batchFirst = flag(owner, "batchFirst", options.batchFirst, false);
  const paddingValue = paddingValueOf(owner, options.paddingValue);
  const { batchSizes, data } = sequence;
  const maxLen = batchSizes.length;
  const total = options.totalLength === undefined ? maxLen : options.totalLength;
  if (!isSafeInteger(total)) {
    throw new ModuleError(`${owner}: totalLength should be an integer, got: ${String(total)}`);
  }
  if (total < maxLen) {
    throw new ModuleError(
      `Expected total_length to be at least the length of the longest sequence in input, but got total_length=${total} and max sequence length being ${maxLen}`,
    );
  }
  const B = batchSizes[0]!;
  const rest = data.shape.slice(1);
  const width = numel(rest);
  const sortedLengths = Array.from({ length: B }, (_, i) => batchSizes.filter((n) => n > i).length);
  const firsts: number[] = [];
  batchSizes.reduce((at, n) => (firsts.push(at), at + n), 0);
  const out = allocate(data.dtype, total * B * width).fill(paddingValue);
  const unsorted = sequence.unsortedIndices;
  const lengths: number[] = [];
  for (let j = 0; j < B; j++) {
    const s = unsorted === null ? j : unsorted[j]!;
    lengths.push(sortedLengths[s]!);
    for (let t = 0; t < sortedLengths[s]!; t++) {
      const from = (firsts[t]! + s) * width;
      const to = (batchFirst ? j * total + t : t * B + j) * width;
      out.set(data.data.subarray(from, from + width), to);
    }
  }
  return [new Tensor(out, batchFirst ? [B, total, ...rest] : [total, B, ...rest]), lengths];
}

/**
 * torch.nn.utils.rnn.pad_sequence (padding_side "right"): sequences (L_i, *) stacked into
 * (max L, B, *) or (B, max L, *). Where torch's messages come from a failed broadcast, ours say
 * which sequence does not fit.
 */
export function padSequence(sequences: readonly Tensor[], options: { batchFirst?: boolean; paddingValue?: number } = {}): Tensor {
  const owner = "padSequence";
  // `as unknown`: narrowing a readonly Tensor[] with Array.isArray would widen it to any[].
  if (!Array.isArray(sequences as unknown)) throw new ModuleError(`${owner}: expected an array of Tensors`);
  if (sequences.length === 0) throw new ModuleError("received an empty list of sequences");
  readOptions(owner, options, ["batchFirst", "paddingValue"]);
  const batchFirst = flag(owner, "batchFirst", options.batchFirst, false);
  const paddingValue = paddingValueOf(owner, options.paddingValue);
  sequences.forEach((t, i) => requireTensor(owner, `sequences[${i}]`, t));
  const first = sequences[0]!;
  if (first.ndim === 0) throw new ModuleError(`${owner}: sequences[0] is 0-D; each sequence needs a leading length dimension`);
  const rest = first.shape.slice(1);
  const dtype: DType = first.dtype;
  sequences.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.slice(1).some((d, k) => d !== rest[k])) {
      throw new ModuleError(`${owner}: sequences[${i}] has shape ${formatShape(t.shape)}, but every sequence must be (L, ${rest.join(", ")}) like sequences[0] ${formatShape(first.shape)}`);
    }
    if (t.dtype !== dtype) throw new ModuleError(`${owner}: sequences[${i}] is ${t.dtype}, but sequences[0] is ${dtype}`);
  });
  const width = numel(rest);
  const B = sequences.length;
  const T = Math.max(...sequences.map((t) => t.shape[0]!));
  const out = allocate(dtype, T * B * width).fill(paddingValue);
  sequences.forEach((seq, b) => {
    for (let t = 0; t < seq.shape[0]!; t++) {
      out.set(seq.data.subarray(t * width, (t + 1) * width), (batchFirst ? b * T + t : t * B + b) * width);
    }
  });
  return new Tensor(out, batchFirst ? [B, T, ...rest] : [T, B, ...rest]);
}

/** torch.nn.utils.rnn.pack_sequence: padSequence, then packPaddedSequence with each tensor's length. */
export function packSequence(sequences: readonly Tensor[], options: { enforceSorted?: boolean } = {}): PackedSequence {
  readOptions("packSequence", options, ["enforceSorted"]);
  const padded = padSequence(sequences);
  return packPaddedSequence(padded, sequences.map((t) => t.shape[0]!), { enforceSorted: options.enforceSorted });
}
