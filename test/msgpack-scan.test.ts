/**
 * The MessagePack pre-scan (msgpack-scan.ts) on hand-built bytes, with its exact outcome: null for
 * accepted input (and for anything it leaves to the decoder: truncation, the reserved byte 0xc1,
 * trailing bytes), or the exact refusal. Mutation testing found its per-type extents, length
 * readers, depth and count bounds and key tracking unchecked. The scan returns nothing else, so a
 * value's extent is observed through what follows it: the next item of an array opening a
 * container one level too deep, a map key repeated right after it, or the exact value count.
 * Lengths use bytes that differ (0x0102, 0x00010203), so a shifted or misplaced byte changes them.
 * The decoder's own per-length bounds (limits.ts) are checked last, exactly at and one past.
 */
import { describe, expect, it } from "vitest";
import {
  MAX_MSGPACK_ARRAY_LENGTH,
  MAX_MSGPACK_BIN_BYTES,
  MAX_MSGPACK_MAP_LENGTH,
  MAX_MSGPACK_STRING_BYTES,
} from "../src/core/format/limits.js";
import { decodeFixture } from "../src/core/format/msgpack.js";
import { scanMsgpack } from "../src/core/format/msgpack-scan.js";
import { fixtureErrorOf } from "./helpers/fixture-bytes.js";

const A = 0x61; // "a"
const KEY_A = [0xa1, A]; // fixstr "a"
const NIL = 0xc0;

const deep = (limit: number): string => `maps and arrays nested more than ${limit} deep, the reader's limit`;
const many = (limit: number): string => `more than ${limit} values in one file, the reader's limit`;
const twice = (key: string): string => `a map has the key ${JSON.stringify(key)} twice (the last one would silently win)`;

function scan(bytes: readonly number[], maxDepth: number, maxObjects: number): string | null {
  return scanMsgpack(Uint8Array.from(bytes), { maxDepth, maxObjects });
}

/** `n` big-endian in `width` bytes. */
function be(n: number, width: 2 | 4): number[] {
  return width === 2 ? [(n >>> 8) & 0xff, n & 0xff] : [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function fill(n: number, byte = 0x00): number[] {
  return new Array<number>(n).fill(byte);
}

function utf8(s: string): number[] {
  return [...new TextEncoder().encode(s)];
}

function fixstr(s: string): number[] {
  const b = utf8(s);
  return [0xa0 | b.length, ...b];
}

const L16 = 0x0102;
const L32 = 0x00010203;

/** Values that open no container, each with its whole encoding (payload bytes are fixints). */
const SCALARS: Array<[string, number[]]> = [
  ["positive fixint 0x00", [0x00]],
  ["positive fixint 0x7f (the last)", [0x7f]],
  ["negative fixint 0xe0 (the first)", [0xe0]],
  ["negative fixint 0xff", [0xff]],
  ["nil", [0xc0]],
  ["false", [0xc2]],
  ["true", [0xc3]],
  ["float32", [0xca, ...fill(4)]],
  ["float64", [0xcb, ...fill(8)]],
  ["uint8", [0xcc, ...fill(1)]],
  ["uint16", [0xcd, ...fill(2)]],
  ["uint32", [0xce, ...fill(4)]],
  ["uint64", [0xcf, ...fill(8)]],
  ["int8", [0xd0, ...fill(1)]],
  ["int16", [0xd1, ...fill(2)]],
  ["int32", [0xd2, ...fill(4)]],
  ["int64", [0xd3, ...fill(8)]],
  ["fixext 1", [0xd4, 0x01, ...fill(1)]],
  ["fixext 2", [0xd5, 0x01, ...fill(2)]],
  ["fixext 4", [0xd6, 0x01, ...fill(4)]],
  ["fixext 8", [0xd7, 0x01, ...fill(8)]],
  ["fixext 16", [0xd8, 0x01, ...fill(16)]],
  ["empty fixstr", [0xa0]],
  ["fixstr of 1", fixstr("x")],
  ["fixstr of 31 (the longest)", [0xbf, ...fill(31, A)]],
  ["empty str8", [0xd9, 0x00]],
  ["str8 of 5", [0xd9, 0x05, ...fill(5, A)]],
  ["str16 of 0x0102", [0xda, ...be(L16, 2), ...fill(L16, A)]],
  ["str32 of 0x00010203", [0xdb, ...be(L32, 4), ...fill(L32, A)]],
  ["empty bin8", [0xc4, 0x00]],
  ["bin8 of 5", [0xc4, 0x05, ...fill(5)]],
  ["bin16 of 0x0102", [0xc5, ...be(L16, 2), ...fill(L16)]],
  ["bin32 of 0x00010203", [0xc6, ...be(L32, 4), ...fill(L32)]],
  ["empty ext8", [0xc7, 0x00, 0x01]],
  ["ext8 of 5", [0xc7, 0x05, 0x01, ...fill(5)]],
  ["ext16 of 0x0102", [0xc8, ...be(L16, 2), 0x01, ...fill(L16)]],
  ["ext32 of 0x00010203", [0xc9, ...be(L32, 4), 0x01, ...fill(L32)]],
  ["empty fixmap", [0x80]],
  ["empty fixarray", [0x90]],
  ["empty array16", [0xdc, 0x00, 0x00]],
  ["empty array32", [0xdd, 0x00, 0x00, 0x00, 0x00]],
  ["empty map16", [0xde, 0x00, 0x00]],
  ["empty map32", [0xdf, 0x00, 0x00, 0x00, 0x00]],
];

describe("every value that opens no container, and its exact extent", () => {
  it.each(SCALARS)("%s alone, ending at the buffer's end: one value, no container", (_name, value) => {
    expect(scan(value, 0, 1)).toBeNull();
    expect(scan(value, 0, 0)).toBe(many(0));
  });

  it.each(SCALARS)("%s followed by [nil] in an array: the next item is read right after it", (_name, value) => {
    // [value, [nil]] with maxDepth 1: only an exact extent reaches the inner array.
    expect(scan([0x92, ...value, 0x91, NIL], 1, 3)).toBe(deep(1));
    expect(scan([0x92, ...value, 0x91, NIL], 2, 4)).toBeNull();
  });

  it.each(SCALARS.filter(([, value]) => value.length > 1))("%s one byte short: left to the decoder, no value read past the end", (_name, value) => {
    expect(scan([0x92, ...value.slice(0, -1)], 1, 2)).toBeNull();
  });
});

/** Non-empty containers, with how many values they hold (keys and values; all fixint 0). */
const CONTAINERS: Array<[string, number[], number]> = [
  ["fixmap of 1", [0x81, 0x00, 0x00], 2],
  ["fixmap of 15 (the largest)", [0x8f, ...fill(30)], 30],
  ["fixarray of 1", [0x91, 0x00], 1],
  ["fixarray of 15 (the largest)", [0x9f, ...fill(15)], 15],
  ["array16 of 0x0102", [0xdc, ...be(L16, 2), ...fill(L16)], L16],
  ["array32 of 0x00010203", [0xdd, ...be(L32, 4), ...fill(L32)], L32],
  ["map16 of 0x0102", [0xde, ...be(L16, 2), ...fill(2 * L16)], 2 * L16],
  ["map32 of 0x00010203", [0xdf, ...be(L32, 4), ...fill(2 * L32)], 2 * L32],
];

describe("every container head, its length and its depth", () => {
  it.each(CONTAINERS)("{a: %s, a: nil}: the container ends exactly after its items", (_name, container, items) => {
    const bytes = [0x82, ...KEY_A, ...container, ...KEY_A, NIL];
    // root, "a", the container, its items, then the repeated "a".
    expect(scan(bytes, 2, 4 + items)).toBe(twice("a"));
    expect(scan(bytes, 2, 3 + items)).toBe(many(3 + items));
  });

  it.each(CONTAINERS)("%s at the root is one level deep and holds exactly its items", (_name, container, items) => {
    expect(scan(container, 0, 1 + items)).toBe(deep(0));
    expect(scan(container, 1, 1 + items)).toBeNull();
    expect(scan(container, 1, items)).toBe(many(items));
  });

  it.each<[string, number[]]>([
    ["array16", [0xdc, 0x00, 0x01]],
    ["array32", [0xdd, 0x00, 0x00, 0x00, 0x01]],
    ["map16", [0xde, 0x00, 0x01]],
    ["map32", [0xdf, 0x00, 0x00, 0x00, 0x01]],
  ])("%s whose length field ends the buffer is still read (it opens a container)", (_name, head) => {
    expect(scan([0x91, ...head], 1, 2)).toBe(deep(1));
    expect(scan([0x91, ...head], 2, 2)).toBeNull();
  });

  it("map32 of 0x01000000 pairs: the top length byte counts whole (a repeated key is still a key)", () => {
    expect(scan([0xdf, 0x01, 0x00, 0x00, 0x00, ...KEY_A, NIL, ...KEY_A, NIL], 1, 10)).toBe(twice("a"));
  });
});

describe("a length field cut short is left to the decoder", () => {
  it.each<[string, number[]]>([
    ["str8 without its length", [0xd9]],
    ["str16 with 1 of 2 length bytes", [0xda, 0x01]],
    ["str32 with 3 of 4 length bytes", [0xdb, 0x01, 0x02, 0x03]],
    ["bin8 without its length", [0xc4]],
    ["bin16 with 1 of 2 length bytes", [0xc5, 0x01]],
    ["bin32 with 3 of 4 length bytes", [0xc6, 0x01, 0x02, 0x03]],
    ["ext8 without its length", [0xc7]],
    ["ext16 with 1 of 2 length bytes", [0xc8, 0x01]],
    ["ext32 with 3 of 4 length bytes", [0xc9, 0x01, 0x02, 0x03]],
    ["array16 with 1 of 2 length bytes", [0xdc, 0x01]],
    ["array32 with 3 of 4 length bytes", [0xdd, 0x01, 0x02, 0x03]],
    ["map16 with 1 of 2 length bytes", [0xde, 0x01]],
    ["map32 with 3 of 4 length bytes", [0xdf, 0x01, 0x02, 0x03]],
  ])("%s: no container opened, nothing more read", (_name, head) => {
    expect(scan([0x91, ...head], 1, 2)).toBeNull();
  });
});

describe("the reserved byte 0xc1 is left to the decoder", () => {
  it.each<[string, number[]]>([
    ["at the root", [0xc1]],
    ["first of three items, before [nil]", [0x93, 0xc1, 0x00, 0x91, NIL]],
    ["first of 256 items", [0xdc, 0x01, 0x00, 0xc1]],
  ])("%s: the scan stops there", (_name, bytes) => {
    expect(scan(bytes, 1, 10)).toBeNull();
  });
});

/** `depth` containers of `kind`, each the only item (or the value of key "") of the one above. */
function nested(kind: "array" | "map", depth: number): number[] {
  const open = kind === "array" ? [0x91] : [0x81, 0xa0];
  return [...Array.from({ length: depth }, () => open).flat(), NIL];
}

describe("the depth limit, exactly at and one past", () => {
  it.each<[string, number[], number]>([
    ["1 array", nested("array", 1), 1],
    ["2 arrays", nested("array", 2), 2],
    ["16 arrays", nested("array", 16), 16],
    ["1 map", nested("map", 1), 1],
    ["2 maps", nested("map", 2), 2],
    ["16 maps", nested("map", 16), 16],
    ["map, array, map", [0x81, ...KEY_A, 0x91, 0x81, ...KEY_A, NIL], 3],
    ["array16, map16, array32", [0xdc, 0x00, 0x01, 0xde, 0x00, 0x01, 0x00, 0xdd, 0x00, 0x00, 0x00, 0x01, NIL], 3],
  ])("%s nest %i deep", (_name, bytes, depth) => {
    expect(scan(bytes, depth, 100)).toBeNull();
    expect(scan(bytes, depth - 1, 100)).toBe(deep(depth - 1));
  });

  it("closed containers no longer count: [[nil], [nil], [[nil]]] is 3 deep, not 5", () => {
    const bytes = [0x93, 0x91, NIL, 0x91, NIL, 0x91, 0x91, NIL];
    expect(scan(bytes, 3, 100)).toBeNull();
    expect(scan(bytes, 2, 100)).toBe(deep(2));
  });
});

describe("the value count, exactly at and one past", () => {
  it.each<[string, number[], number]>([
    ["an empty buffer holds no value", [], 0],
    ["nil", [NIL], 1],
    ["[0, 0, 0]", [0x93, 0x00, 0x00, 0x00], 4],
    ["{a: [0, 0]}", [0x81, ...KEY_A, 0x92, 0x00, 0x00], 5],
    ["[nil] with its second item missing: the end of the data is not a value", [0x92, NIL], 2],
    ["nil then trailing bytes: the root is complete, the rest is the decoder's", [NIL, NIL, NIL], 1],
  ])("%s: %i values", (_name, bytes, count) => {
    expect(scan(bytes, 2, count)).toBeNull();
    if (count > 0) expect(scan(bytes, 2, count - 1)).toBe(many(count - 1));
  });
});

describe("map keys", () => {
  it.each<[string, number[], string | null]>([
    ["a repeated root key", [0x82, ...KEY_A, 0x00, ...KEY_A, 0x01], twice("a")],
    ["a repeated empty key", [0x82, 0xa0, 0x00, 0xa0, 0x01], twice("")],
    ["a repeated key in a nested map", [0x81, ...fixstr("x"), 0x82, ...KEY_A, 0x00, ...KEY_A, 0x00], twice("a")],
    ["a repeated key after a nested map closed", [0x82, ...KEY_A, 0x81, ...fixstr("b"), 0x00, ...KEY_A, 0x00], twice("a")],
    ["a repeated key in map16", [0xde, 0x00, 0x02, ...KEY_A, 0x00, ...KEY_A, 0x00], twice("a")],
    ["a repeated key in map32", [0xdf, 0x00, 0x00, 0x00, 0x02, ...KEY_A, 0x00, ...KEY_A, 0x00], twice("a")],
    ["the same key as str16 and as fixstr (compared by bytes)", [0x82, 0xda, 0x00, 0x01, A, 0x00, ...KEY_A, 0x00], twice("a")],
    ["the same key as str32 and as str8", [0x82, 0xdb, 0x00, 0x00, 0x00, 0x01, A, 0x00, 0xd9, 0x01, A, 0x00], twice("a")],
    ["a repeated UTF-8 key, worded as UTF-8", [0x82, ...fixstr("é"), 0x00, ...fixstr("é"), 0x00], twice("é")],
    ["a repeated key that ends the buffer", [0x82, ...KEY_A, NIL, ...KEY_A], twice("a")],
    ["a repeated key one byte short (truncated, for the decoder)", [0x82, ...KEY_A, NIL, 0xa2, A], null],
    ["keys that differ in their last byte", [0x82, ...fixstr("ab"), 0x00, ...fixstr("ac"), 0x00], null],
    ["a key equal to its own string value", [0x81, ...KEY_A, ...KEY_A], null],
    ["a string value equal to a later key is not a key", [0x82, ...fixstr("b"), ...KEY_A, ...KEY_A, 0x00], null],
    ["the same key in two sibling maps", [0x92, 0x81, ...KEY_A, 0x00, 0x81, ...KEY_A, 0x00], null],
    ["the same key in a map and the map inside it", [0x81, ...KEY_A, 0x81, ...KEY_A, 0x00], null],
    ["equal strings at items 1 and 3 of an array of 4 (where a map has its keys)", [0x94, ...KEY_A, 0x00, ...KEY_A, 0x00], null],
    ["equal strings in an array of 2 at the root", [0x92, ...KEY_A, ...KEY_A], null],
    ["repeated integer keys (not strings: the decoder refuses them)", [0x82, 0x00, 0x00, 0x00, 0x01], null],
    ["repeated nil keys", [0x82, NIL, 0x00, NIL, 0x01], null],
    ["repeated bin keys", [0x82, 0xc4, 0x01, A, 0x00, 0xc4, 0x01, A, 0x01], null],
  ])("%s", (_name, bytes, expected) => {
    expect(scan(bytes, 4, 100)).toBe(expected);
  });
});

describe("the decoder's per-length bounds, exactly at and one past", () => {
  const F = "x.msgpack";
  const format = [0x81, ...fixstr("format")];
  const tooLong = (what: string): string => `${F}: (msgpack): a declared length is beyond the reader's limit (Max length exceeded: ${what})`;
  const truncated = (detail: string): string => `${F}: (msgpack): truncated or not MessagePack: the data ends inside a value (${detail})`;
  const STR = MAX_MSGPACK_STRING_BYTES;
  const BIN = MAX_MSGPACK_BIN_BYTES;
  const ARR = MAX_MSGPACK_ARRAY_LENGTH;
  const MAP = MAX_MSGPACK_MAP_LENGTH;
  const distinctKeys = Array.from({ length: MAP }, (_, i) => [...fixstr(`k${i}`), 0x00]).flat();

  // At the limit the decoder reads on: a whole array or map decodes (and validation speaks), a
  // string or bin without its data is truncated; one past, the declared length alone is refused.
  it.each<[string, number[], string]>([
    [`str32 of ${STR}, its data missing`, [0xdb, ...be(STR, 4)], truncated("Insufficient data")],
    [`str32 of ${STR + 1}`, [0xdb, ...be(STR + 1, 4)], tooLong(`UTF-8 byte length (${STR + 1}) > maxStrLength (${STR})`)],
    [`bin32 of ${BIN}, its data missing`, [0xc6, ...be(BIN, 4)], truncated("Insufficient data")],
    [`bin32 of ${BIN + 1}`, [0xc6, ...be(BIN + 1, 4)], tooLong(`bin length (${BIN + 1}) > maxBinLength (${BIN})`)],
    [`array16 of ${ARR}`, [0xdc, ...be(ARR, 2), ...fill(ARR)], `${F}: format: expected a string, got an array of ${ARR}`],
    [`array16 of ${ARR + 1}`, [0xdc, ...be(ARR + 1, 2)], tooLong(`array length (${ARR + 1}) > maxArrayLength (${ARR})`)],
    [`map16 of ${MAP} distinct keys`, [0xde, ...be(MAP, 2), ...distinctKeys], `${F}: format: expected a string, got a map`],
    // "maxMapLengthLength" is @msgpack/msgpack's own wording.
    [`map16 of ${MAP + 1}`, [0xde, ...be(MAP + 1, 2)], tooLong(`map length (${MAP + 1}) > maxMapLengthLength (${MAP})`)],
  ])("{format: %s}", (_name, value, expected) => {
    expect(fixtureErrorOf(() => decodeFixture(Uint8Array.from([...format, ...value]), F)).message).toBe(expected);
  });
});
