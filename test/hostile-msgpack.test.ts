// Issue 9, causes 4 and 9: deeply nested MessagePack is refused while decoding (it killed the
// process with V8's heap OOM: 60 MB of 0x91, exit 134), duplicate map keys are refused (the last
// one silently won), and an integer beyond 2^53 is worded as such.
import { encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { MAX_MSGPACK_DEPTH, MAX_MSGPACK_OBJECTS } from "../src/core/format/limits.js";
import { decodeFixture } from "../src/core/format/msgpack.js";
import { scanMsgpack } from "../src/core/format/msgpack-scan.js";
import { CELL_FIXTURE, RNN_FIXTURE, encodeRaw, fixtureBytes, fixtureErrorOf, rawFixture } from "./helpers/fixture-bytes.js";

const F = "x.msgpack";

/** A one-key map whose value is `depth` nested containers (`head` each), innermost nil. */
function nested(depth: number, head: number[]): Uint8Array {
  const bytes = new Uint8Array(2 + depth * head.length + 1);
  bytes.set([0x81, 0xa0]); // {"": …}
  if (head.length === 1) bytes.fill(head[0]!, 2, 2 + depth);
  else for (let i = 0; i < depth; i++) bytes.set(head, 2 + i * head.length);
  bytes[bytes.length - 1] = 0xc0;
  return bytes;
}

function refusal(bytes: Uint8Array): string {
  return fixtureErrorOf(() => decodeFixture(bytes, F)).message;
}

describe("nesting depth and value count, bounded while decoding (cause 4)", () => {
  it("60 MB of nested arrays: one line, fast, no heap growth (was: heap OOM, exit 134)", () => {
    const bytes = nested(60_000_000, [0x91]);
    const heap = process.memoryUsage().heapUsed;
    const start = performance.now();
    expect(refusal(bytes)).toBe(`${F}: (msgpack): maps and arrays nested more than ${MAX_MSGPACK_DEPTH} deep, the reader's limit`);
    expect(performance.now() - start).toBeLessThan(1000);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(64 << 20);
  });

  it("nested maps are bounded the same way", () => {
    expect(refusal(nested(1_000_000, [0x81, 0xa0]))).toBe(`${F}: (msgpack): maps and arrays nested more than ${MAX_MSGPACK_DEPTH} deep, the reader's limit`);
  });

  it("exactly the limit passes the scan (the fixture's own validation then speaks)", () => {
    expect(scanMsgpack(nested(MAX_MSGPACK_DEPTH - 1, [0x91]), { maxDepth: MAX_MSGPACK_DEPTH, maxObjects: 100 })).toBeNull();
    expect(scanMsgpack(nested(MAX_MSGPACK_DEPTH, [0x91]), { maxDepth: MAX_MSGPACK_DEPTH, maxObjects: 100 })).toMatch(/nested more than/);
  });

  it("millions of flat values are refused by count, before the decoder builds them", () => {
    // {"": [nil × 65535] × 20}: 1.3 M values in 1.3 MB, within every per-length bound.
    const rowLength = 3 + 0xffff;
    const bytes = new Uint8Array(5 + 20 * rowLength).fill(0xc0);
    bytes.set([0x81, 0xa0, 0xdc, 0x00, 20]);
    for (let r = 0; r < 20; r++) bytes.set([0xdc, 0xff, 0xff], 5 + r * rowLength);
    expect(refusal(bytes)).toBe(`${F}: (msgpack): more than ${MAX_MSGPACK_OBJECTS} values in one file, the reader's limit`);
  });

  it("every bundled fixture is far inside both bounds", () => {
    for (const rel of [RNN_FIXTURE, CELL_FIXTURE]) expect(scanMsgpack(fixtureBytes(rel), { maxDepth: 4, maxObjects: 10_000 })).toBeNull();
  });
});

describe("duplicate map keys (cause 9)", () => {
  /** The fixture with one more key/value pair appended to the root map (a fixmap of 11). */
  function withDuplicateRootKey(key: string, value: unknown): Uint8Array {
    const bytes = encodeRaw(rawFixture(CELL_FIXTURE));
    expect(bytes[0]).toBe(0x8b);
    const extra = new Uint8Array([...encode(key), ...encode(value)]);
    const out = new Uint8Array(bytes.length + extra.length);
    out.set(bytes);
    out.set(extra, bytes.length);
    out[0] = 0x8c;
    return out;
  }

  it("a repeated root key is refused, not last-one-wins", () => {
    expect(refusal(withDuplicateRootKey("seed", 7))).toBe(`${F}: (msgpack): a map has the key "seed" twice (the last one would silently win)`);
    expect(refusal(withDuplicateRootKey("name", "other"))).toBe(`${F}: (msgpack): a map has the key "name" twice (the last one would silently win)`);
  });

  it("a repeated key in a nested map (a tensor's dtype) is refused", () => {
    const raw = rawFixture(CELL_FIXTURE);
    const bytes = encodeRaw(raw);
    // The state_dict's weight_ih map {dtype, shape, data}: rewrite it as {dtype, dtype, shape, data}.
    const marker = encode({ dtype: "float32", shape: [5, 3] }).subarray(1); // keys and values after the header
    const at = Buffer.from(bytes).indexOf(Buffer.from(marker));
    expect(at).toBeGreaterThan(0);
    expect(bytes[at - 1]).toBe(0x83);
    const dtypePair = encode({ dtype: "float32" }).subarray(1);
    const out = new Uint8Array([...bytes.subarray(0, at - 1), 0x84, ...dtypePair, ...bytes.subarray(at)]);
    expect(refusal(out)).toBe(`${F}: (msgpack): a map has the key "dtype" twice (the last one would silently win)`);
  });
});

describe("integers beyond 2^53 (cause 9)", () => {
  it("are worded as too large, not as 'expected an integer, got the integer'", () => {
    const raw = rawFixture(CELL_FIXTURE);
    raw.seed = 2 ** 53;
    expect(refusal(encodeRaw(raw))).toBe(`${F}: seed: expected an integer of magnitude at most 2^53 - 1, got 9007199254740992, beyond what a double holds exactly`);
  });
});
