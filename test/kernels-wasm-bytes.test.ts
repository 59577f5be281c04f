/**
 * The LEB128 encoders every kernel's bytes go through, judged by the WebAssembly engine itself: a
 * module whose one function is `i32.const n` must validate and return n. The kernels emit only
 * non-negative constants, so without this nothing would notice a wrong negative encoding until
 * some kernel needed one.
 */
import { describe, expect, it } from "vitest";
import { END, I32, i32Const, name, section, sleb, uleb, vec } from "../src/core/kernels/wasm-bytes.js";
import { moduleInstantiator } from "../src/core/kernels/wasm-memory.js";

function constant(n: number): number {
  const body = [...vec([]), ...i32Const(n), END];
  const bytes = new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([]), ...vec([[I32]])]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name("f"), 0x00, 0]])),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
  const exports = moduleInstantiator(() => bytes)(); // null when the engine refuses the bytes
  expect(exports).not.toBeNull();
  return (exports!["f"] as () => number)();
}

describe("signed LEB128 (i32.const)", () => {
  it.each([0, 1, 63, 64, 127, 128, 8191, 8192, -1, -63, -64, -65, -128, -129, -8192, -8193, 2 ** 31 - 1, -(2 ** 31), 624485, -123456])(
    "i32.const %d returns %d",
    (n) => {
      expect(constant(n)).toBe(n);
    },
  );

  it("is the shortest encoding (the WebAssembly spec's examples)", () => {
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(0)).toEqual([0]);
  });
});
