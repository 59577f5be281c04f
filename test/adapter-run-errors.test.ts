/**
 * runAdapter on adapters that return the wrong structure: each is one FixtureError naming the
 * adapter's file, the field, the adapter and the case, worded exactly (issue 17: these messages had
 * no test, so any of them could be emptied unseen). The "right" results come from our own module
 * on the bundled torch fixture, so only the structure under test is wrong.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Adapter } from "../src/core/adapter/contract.js";
import { typescriptAdapter } from "../src/core/adapter/default.js";
import { runAdapter } from "../src/core/adapter/run.js";
import type { Fixture } from "../src/core/format/types.js";
import { PackedSequence } from "../src/core/nn/packed-sequence.js";
import { DEFAULT_FIXTURES_DIR } from "../src/node/readers/manifest.js";
import { readFixture } from "../src/node/readers/fixture-file.js";

const WHERE = "my-adapter.mjs";
const read = (name: string) => readFixture(join(DEFAULT_FIXTURES_DIR, "float64", `${name}.msgpack`));
const GRU = await read("GRU-bias-seqfirst-uni-L1-h0-float64");
const LSTM = await read("LSTM-bias-batchfirst-bidir-L1-noproj-h0-float64");
const PACKED = await read("LSTM-packed-unsorted-batchfirst-bidir-L1-noh0-float64");
const LSTM_CELL = await read("LSTMCell-bias-batched-hx-float64");
const RNN_CELL = await read("RNNCell-tanh-bias-batched-hx-float64");
const GRU_CELL = await read("GRUCell-bias-batched-hx-float64");

/** Our module's real result for the case, then `edit` of it: what the adapter returns. */
function returning(edit: (right: unknown) => unknown): Adapter {
  return {
    name: "mine",
    create: (spec) => {
      const ours = typescriptAdapter.create(spec);
      return { loadStateDict: (sd) => ours.loadStateDict(sd), forward: (...args) => edit(ours.forward(...args)) };
    },
  };
}

const first = (v: unknown) => (v as unknown[])[0];
const second = (v: unknown) => (v as unknown[])[1];

describe("runAdapter refuses a result of the wrong structure in one line", () => {
  const rows: [string, Fixture, (right: unknown) => unknown, string][] = [
    ["a sequence module's result that is not a pair", GRU, () => 5, "forward(): mine on %s: expected a 2-element array"],
    ["an output that is not a tensor", GRU, (r) => [{ values: [] }, second(r)], "output: mine on %s: expected a tensor ({ data, shape })"],
    ["a negative dimension", GRU, (r) => [{ data: [1], shape: [-1] }, second(r)], "output: mine on %s: shape is not an array of integers >= 0"],
    ["a fractional dimension after a valid one", GRU, (r) => [{ data: [1], shape: [1, 1.5] }, second(r)], "output: mine on %s: shape is not an array of integers >= 0"],
    ["data that is not numbers", GRU, (r) => [{ data: "1", shape: [1] }, second(r)], "output: mine on %s: data is not an array of numbers"],
    ["data that does not fill the shape", GRU, (r) => [{ data: [1, 2], shape: [3] }, second(r)], "output: mine on %s: "],
    ["LSTM states that are not a pair", LSTM, (r) => [first(r), [1]], "[h_n, c_n]: mine on %s: expected a 2-element array"],
    ["a GRU h_n that is not a tensor", GRU, (r) => [first(r), null], "h_n: mine on %s: expected a tensor ({ data, shape })"],
    ["an LSTMCell result that is not a pair", LSTM_CELL, (r) => first(r), "[h1, c1]: mine on %s: expected a 2-element array"],
    ["a padded tensor for a packed input", PACKED, (r) => [{ data: [], shape: [0] }, second(r)],
      "output: mine on %s: expected a PackedSequence ({ data, batchSizes, sortedIndices, unsortedIndices }) for a packed input"],
    ["batch sizes that are not integers", PACKED, (r) => [{ ...(first(r) as object), batchSizes: [1.5] }, second(r)],
      "output.batchSizes: mine on %s: expected an array of integers or null"],
    ["no batch sizes", PACKED, (r) => [{ ...(first(r) as object), batchSizes: null }, second(r)], "output.batchSizes: mine on %s: missing"],
    ["an LSTMCell h1 that is not a tensor", LSTM_CELL, (r) => [null, second(r)], "h1: mine on %s: expected a tensor ({ data, shape })"],
    ["an LSTMCell c1 that is not a tensor", LSTM_CELL, (r) => [first(r), null], "c1: mine on %s: expected a tensor ({ data, shape })"],
    ["an RNNCell result that is not a tensor", RNN_CELL, () => null, "h_prime: mine on %s: expected a tensor ({ data, shape })"],
    ["a GRUCell result that is not a tensor", GRU_CELL, () => null, "h1: mine on %s: expected a tensor ({ data, shape })"],
    ["LSTM h_n that is not a tensor", LSTM, (r) => [first(r), [null, (second(r) as unknown[])[1]]], "h_n: mine on %s: expected a tensor ({ data, shape })"],
    ["LSTM c_n that is not a tensor", LSTM, (r) => [first(r), [(second(r) as unknown[])[0], null]], "c_n: mine on %s: expected a tensor ({ data, shape })"],
    ["sorted indices with a fraction after an integer", PACKED, (r) => [{ ...(first(r) as object), sortedIndices: [0, 1.5] }, second(r)],
      "output.sortedIndices: mine on %s: expected an array of integers or null"],
    ["unsorted indices that are not integers", PACKED, (r) => [{ ...(first(r) as object), unsortedIndices: "0" }, second(r)],
      "output.unsortedIndices: mine on %s: expected an array of integers or null"],
    ["sorted indices that are not integers", PACKED, (r) => [{ ...(first(r) as object), sortedIndices: "0" }, second(r)],
      "output.sortedIndices: mine on %s: expected an array of integers or null"],
    ["packed data that is not a tensor", PACKED, (r) => [{ ...(first(r) as object), data: 3 }, second(r)],
      "output.data: mine on %s: expected a tensor ({ data, shape })"],
  ];
  it.each(rows)("%s", (_label, f, edit, message) => {
    const want = `${WHERE}: ${message.replace("%s", f.name)}`;
    let thrown: unknown;
    try {
      runAdapter(returning(edit), f, WHERE, { external: true });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Error);
    const text = (thrown as Error).message;
    if (want.endsWith(": ")) expect(text.startsWith(want) && text.length > want.length).toBe(true);
    else expect(text).toBe(want);
  });
});

describe("runAdapter reads back what it can", () => {
  it("a packed result without sorted indices gives empty index tensors for an unsorted case", () => {
    const adapter = returning((r) => {
      const p = first(r) as PackedSequence;
      return [{ data: p.data, batchSizes: p.batchSizes, sortedIndices: null, unsortedIndices: null }, second(r)];
    });
    const out = runAdapter(adapter, PACKED, WHERE, { external: true });
    expect([out.sorted_indices?.shape, out.unsorted_indices?.shape]).toEqual([[0], [0]]);
  });

  it("a zero-size dimension is a shape (the comparison, not the reader, judges it)", () => {
    const out = runAdapter(returning((r) => [{ data: [], shape: [0, 2] }, second(r)]), GRU, WHERE, { external: true });
    expect(out.output?.shape).toEqual([0, 2]);
  });

  it("typed arrays keep their dtype; plain arrays and other views take the case's", async () => {
    const GRU32 = await readFixture(join(DEFAULT_FIXTURES_DIR, "float32", "GRU-bias-seqfirst-uni-L1-h0-float32.msgpack"));
    const dtypeOf = (f: Fixture, data: unknown) => runAdapter(returning((r) => [{ data, shape: [2] }, second(r)]), f, WHERE, { external: true }).output?.dtype;
    expect([dtypeOf(GRU, new Float32Array(2)), dtypeOf(GRU32, new Float64Array(2))]).toEqual(["float32", "float64"]);
    expect([dtypeOf(GRU, [1, 2]), dtypeOf(GRU32, [1, 2]), dtypeOf(GRU, new Int32Array(2)), dtypeOf(GRU32, new Int32Array(2))]).toEqual(["float64", "float32", "float64", "float32"]);
  });

  it("absent sorted indices read as null, like null", () => {
    const adapter = returning((r) => {
      const p = first(r) as PackedSequence;
      return [{ data: p.data, batchSizes: p.batchSizes }, second(r)];
    });
    const out = runAdapter(adapter, PACKED, WHERE, { external: true });
    expect([out.sorted_indices?.shape, out.unsorted_indices?.shape]).toEqual([[0], [0]]);
  });

  it("create() that returns no module, or one without forward or loadStateDict", () => {
    const message = `${WHERE}: create(): mine on ${GRU.name}: must return { loadStateDict(sd), forward(...args) }`;
    for (const module of [{}, null, { forward: () => undefined }, { loadStateDict: () => undefined }, { forward: 1, loadStateDict: () => undefined }]) {
      const adapter: Adapter = { name: "mine", create: () => module as unknown as ReturnType<Adapter["create"]> };
      expect(() => runAdapter(adapter, GRU, WHERE)).toThrow(message);
    }
  });

  it("reads back each module's outputs under the fixture's names", async () => {
    const names = async (file: string) => Object.keys(runAdapter(returning((r) => r), await read(file), WHERE, { external: true })).sort();
    expect(await names("LSTMCell-bias-batched-hx-float64")).toEqual(["c1", "h1"]);
    expect(await names("GRUCell-bias-batched-hx-float64")).toEqual(["h1"]);
    expect(await names("RNNCell-tanh-bias-batched-hx-float64")).toEqual(["h_prime"]);
    expect(await names("LSTM-bias-batchfirst-bidir-L1-noproj-h0-float64")).toEqual(["c_n", "h_n", "output"]);
    expect(await names("GRU-packed-sorted-batchfirst-bidir-L1-h0-float64")).toEqual(["batch_sizes", "h_n", "output", "output_data", "output_lengths"]);
    expect(await names("LSTM-packed-unsorted-batchfirst-bidir-L1-noh0-float64")).toEqual(["batch_sizes", "c_n", "h_n", "output", "output_data", "output_lengths", "sorted_indices", "unsorted_indices"]);
  });

  it("a batch-first packed case is padded batch first", () => {
    const out = runAdapter(returning((r) => r), PACKED, WHERE, { external: true });
    expect(out.output?.shape).toEqual(PACKED.outputs.output?.shape);
  });

  it("an outside adapter's exception names the call; ours propagates unchanged", () => {
    const throwing: Adapter = {
      name: "mine",
      create: () => ({ loadStateDict: () => undefined, forward: () => { throw new TypeError("bad\n  key"); } }),
    };
    expect(() => runAdapter(throwing, GRU, WHERE, { external: true })).toThrow(`${WHERE}: forward(): mine on ${GRU.name}: threw TypeError: bad; key`);
    expect(() => runAdapter(throwing, GRU, WHERE)).toThrow(new TypeError("bad\n  key"));
  });
});
