/**
 * Real bundled fixtures as raw maps, for building bad inputs by mutation in memory. Mutations
 * only touch structure and weights, never a reference the parity tests compare against.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decode, encode } from "@msgpack/msgpack";
import { expect } from "vitest";
import { FixtureError } from "../../src/core/errors.js";
import { DEFAULT_FIXTURES_DIR } from "../../src/node/readers/manifest.js";

export type RawMap = Record<string, unknown>;

/** A bidirectional two-layer RNN with hx and bias: every kind of state_dict key appears. */
export const RNN_FIXTURE = "float32/RNN-relu-bias-batchfirst-bidir-L2-h0-float32.msgpack";
/** A batched RNNCell with hx. */
export const CELL_FIXTURE = "float32/RNNCell-relu-bias-batched-hx-float32.msgpack";
export const F64_FIXTURE = "float64/RNN-tanh-bias-seqfirst-uni-L1-h0-float64.msgpack";

/** Format-version-2 samples written by the generator (test/data/fixtures-v2/README.md). */
const V2_DIR = fileURLToPath(new URL("../data/fixtures-v2/", import.meta.url));
export const V2 = {
  lstm: join(V2_DIR, "LSTM-bias-batchfirst-bidir-L2-proj3-h0-float32.msgpack"),
  lstmCell: join(V2_DIR, "LSTMCell-bias-batched-hx-float32.msgpack"),
  gru: join(V2_DIR, "GRU-bias-seqfirst-bidir-L2-h0-float32.msgpack"),
  gruCell: join(V2_DIR, "GRUCell-bias-batched-hx-float32.msgpack"),
  /** lengths [4, 1, 6, 2, 4], enforce_sorted=False: sorted_indices [2, 0, 4, 3, 1]. */
  lstmPacked: join(V2_DIR, "LSTM-packed-unsorted-seqfirst-bidir-L2-proj3-h0-float32.msgpack"),
  gruPackedSorted: join(V2_DIR, "GRU-packed-sorted-batchfirst-uni-L1-h0-float32.msgpack"),
} as const;

/** A bundled fixture (relative to fixtures/) or any file by absolute path. */
export function fixtureBytes(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(isAbsolute(rel) ? rel : join(DEFAULT_FIXTURES_DIR, rel)));
}

/** An int64 tensor map of `values` (little-endian), for the packed fields. */
export function int64Map(values: readonly number[], shape: number[] = [values.length]): RawMap {
  const data = new Uint8Array(values.length * 8);
  const view = new DataView(data.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { dtype: "int64", shape, data };
}

/** A deep, independent copy of the fixture's raw map (bins copied too). */
export function rawFixture(rel: string): RawMap {
  return structuredClone(decode(fixtureBytes(rel))) as RawMap;
}

export function encodeRaw(raw: unknown): Uint8Array {
  return encode(raw);
}

export function child(map: RawMap, ...keys: string[]): RawMap {
  let cur: unknown = map;
  for (const k of keys) cur = (cur as RawMap)[k];
  return cur as RawMap;
}

/** A tensor map with deterministic pseudo-random little-endian data of the right length. */
export function tensorMap(shape: number[], dtype: "float32" | "float64" = "float32", seed = 1): RawMap {
  const n = shape.reduce((a, b) => a * b, 1);
  const width = dtype === "float32" ? 4 : 8;
  const data = new Uint8Array(n * width);
  const view = new DataView(data.buffer);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = s / 2 ** 32 - 0.5;
    if (dtype === "float32") view.setFloat32(i * 4, v, true);
    else view.setFloat64(i * 8, v, true);
  }
  return { dtype, shape, data };
}

/** Runs `fn`, asserts it threw a FixtureError, and returns it. */
export function fixtureErrorOf(fn: () => unknown): FixtureError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, "expected a FixtureError to be thrown").toBeInstanceOf(FixtureError);
  const err = thrown as FixtureError;
  expect(err.message).not.toContain("\n");
  return err;
}

export async function fixtureErrorOfAsync(fn: () => Promise<unknown>): Promise<FixtureError> {
  let thrown: unknown;
  try {
    await fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, "expected a FixtureError to be thrown").toBeInstanceOf(FixtureError);
  const err = thrown as FixtureError;
  expect(err.message).not.toContain("\n");
  return err;
}
