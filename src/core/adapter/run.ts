/**
 * A fixture's inputs through an adapter's module, called exactly as this library's module of that
 * name is called, and its results read back as tensors named like the fixture's outputs. Anything
 * the adapter returns that is not the expected structure is a one-line FixtureError naming the
 * adapter's file (`where`), the case and the field.
 */
import { FixtureError } from "../errors.js";
import type { Fixture, FixtureTensor } from "../format/types.js";
import { packPaddedSequence, padPackedSequence } from "../nn/pack.js";
import { PackedSequence } from "../nn/packed-sequence.js";
import { Int64Tensor } from "../tensor/int64-tensor.js";
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { caseSpec, type Adapter } from "./contract.js";

type Fail = (field: string, reason: string) => never;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** Any `{ data, shape }` as our Tensor; plain number arrays take the case's dtype. */
function asTensor(v: unknown, dtype: DType, field: string, fail: Fail): Tensor {
  if (v instanceof Tensor) return v;
  if (!isRecord(v) || !("data" in v) || !("shape" in v)) fail(field, "expected a tensor ({ data, shape })");
  const { data, shape } = v as { data: unknown; shape: unknown };
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) fail(field, "shape is not an array of integers >= 0");
  let array: Float32Array | Float64Array;
  if (data instanceof Float32Array || data instanceof Float64Array) array = data;
  else if (Array.isArray(data) || ArrayBuffer.isView(data)) array = (dtype === "float32" ? Float32Array : Float64Array).from(data as ArrayLike<number>);
  else fail(field, "data is not an array of numbers");
  try {
    return new Tensor(array, shape as number[]);
  } catch (err) {
    return fail(field, err instanceof Error ? err.message : String(err));
  }
}

function pair(v: unknown, field: string, fail: Fail): [unknown, unknown] {
  if (!Array.isArray(v) || v.length !== 2) fail(field, "expected a 2-element array");
  return [v[0], v[1]];
}

function indices(v: unknown, field: string, fail: Fail): number[] | null {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v) || !v.every((i) => Number.isSafeInteger(i))) fail(field, "expected an array of integers or null");
  return v as number[];
}

function asPacked(v: unknown, dtype: DType, fail: Fail): PackedSequence {
  if (!isRecord(v) || !("batchSizes" in v)) fail("output", "expected a PackedSequence ({ data, batchSizes, sortedIndices, unsortedIndices }) for a packed input");
  const batchSizes = indices(v.batchSizes, "output.batchSizes", fail) ?? fail("output.batchSizes", "missing");
  return new PackedSequence(
    asTensor(v.data, dtype, "output.data", fail),
    batchSizes,
    indices(v.sortedIndices, "output.sortedIndices", fail),
    indices(v.unsortedIndices, "output.unsortedIndices", fail),
  );
}

/** A sequence module's [output, states] as the fixture names them. */
function sequenceOutputs(f: Fixture, result: unknown, fail: Fail, batchFirst: boolean): Record<string, FixtureTensor> {
  const [output, states] = pair(result, "forward()", fail);
  const out: Record<string, FixtureTensor> = {};
  if (f.packing) {
    const packed = asPacked(output, f.dtype, fail);
    const [padded, lengths] = padPackedSequence(packed, { batchFirst });
    Object.assign(out, { output: padded, output_data: packed.data, batch_sizes: Int64Tensor.of(packed.batchSizes) });
    if (!f.packing.enforceSorted) {
      out.sorted_indices = Int64Tensor.of(packed.sortedIndices ?? []);
      out.unsorted_indices = Int64Tensor.of(packed.unsortedIndices ?? []);
    }
    out.output_lengths = Int64Tensor.of(lengths);
  } else {
    out.output = asTensor(output, f.dtype, "output", fail);
  }
  if (f.module === "LSTM") {
    const [hN, cN] = pair(states, "[h_n, c_n]", fail);
    out.h_n = asTensor(hN, f.dtype, "h_n", fail);
    out.c_n = asTensor(cN, f.dtype, "c_n", fail);
  } else {
    out.h_n = asTensor(states, f.dtype, "h_n", fail);
  }
  return out;
}

/** What an adapter threw, in one line: "TypeError: bad key" (a plain Error's message alone). */
export function describeThrown(err: unknown): string {
  const text = err instanceof Error ? `${err.name === "Error" ? "" : `${err.name}: `}${err.message}` : String(err);
  return text.replace(/\s*\n\s*/g, "; ");
}

/**
 * Calls into the adapter. An outside adapter's exception becomes a FixtureError naming its file,
 * the call and the case (the harness reports it as that case's error); our own layers' errors
 * propagate unchanged, so a fixture problem stays an input error and a bug stays a bug.
 */
function guarded<T>(external: boolean, fail: Fail, call: string, fn: () => T): T {
  if (!external) return fn();
  try {
    return fn();
  } catch (err) {
    return fail(call, `threw ${describeThrown(err)}`);
  }
}

export interface RunAdapterOptions {
  /** An implementation from outside: its exceptions are FixtureErrors naming `where`, the call and the case. */
  external?: boolean;
}

/** Runs the fixture's inputs through a fresh module of the adapter; outputs are named as in the fixture. */
export function runAdapter(adapter: Adapter, f: Fixture, where: string, options: RunAdapterOptions = {}): Record<string, FixtureTensor> {
  const fail: Fail = (field, reason) => {
    throw new FixtureError(where, field, `${adapter.name} on ${f.name}: ${reason}`);
  };
  const external = options.external === true;
  const module = guarded(external, fail, "create()", () => adapter.create(caseSpec(f)));
  if (!isRecord(module) || typeof module.forward !== "function" || typeof module.loadStateDict !== "function") {
    fail("create()", "must return { loadStateDict(sd), forward(...args) }");
  }
  guarded(external, fail, "loadStateDict()", () => module.loadStateDict(f.stateDict));
  const { input, hx, cx } = f.inputs;
  const state = f.module === "LSTM" || f.module === "LSTMCell" ? (hx && cx ? [hx, cx] : undefined) : hx;
  if (f.module === "RNN" || f.module === "LSTM" || f.module === "GRU") {
    const batchFirst = f.config.batch_first;
    let arg: Tensor | PackedSequence = input;
    if (f.packing) {
      const lengths = f.inputs.lengths ?? fail("inputs.lengths", "missing for a packed case");
      arg = packPaddedSequence(input, lengths, { batchFirst, enforceSorted: f.packing.enforceSorted });
    }
    const result = guarded(external, fail, "forward()", () => module.forward(arg, state));
    return sequenceOutputs(f, result, fail, batchFirst);
  }
  const result = guarded(external, fail, "forward()", () => module.forward(input, state));
  if (f.module === "LSTMCell") {
    const [h1, c1] = pair(result, "[h1, c1]", fail);
    return { h1: asTensor(h1, f.dtype, "h1", fail), c1: asTensor(c1, f.dtype, "c1", fail) };
  }
  return f.module === "GRUCell" ? { h1: asTensor(result, f.dtype, "h1", fail) } : { h_prime: asTensor(result, f.dtype, "h_prime", fail) };
}
