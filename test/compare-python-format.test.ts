/** Python's float/percent/tuple text; expected strings were printed by Python 3.11 itself. */
import { describe, expect, it } from "vitest";
import { pyFloatRepr, pyPercent, pyStrRepr, pyTuple, torchSize } from "../src/core/compare/python-format.js";

describe("pyFloatRepr matches repr(float)", () => {
  it.each([
    [0.0001, "0.0001"],
    [1e-5, "1e-05"],
    [1.5e-5, "1.5e-05"],
    [1e16, "1e+16"],
    [1e15, "1000000000000000.0"],
    [123456789012345.6, "123456789012345.6"],
    [-0, "-0.0"],
    [2.5, "2.5"],
    [1e-300, "1e-300"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [0.1 + 0.2, "0.30000000000000004"],
    [100, "100.0"],
    [-3e-7, "-3e-07"],
    [1.5e16, "1.5e+16"],
    [-2.5e-7, "-2.5e-07"],
    [1e100, "1e+100"],
    [1.25e-5, "1.25e-05"],
    [123, "123.0"],
    [-45.5, "-45.5"],
    [9.999e15, "9999000000000000.0"],
    [NaN, "nan"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
  ])("%s -> %s", (x, text) => {
    expect(pyFloatRepr(x)).toBe(text);
  });
});

describe("pyPercent matches f'{x:.1%}' (ties to even on the exact binary value)", () => {
  it.each([
    [1 / 16, "6.2%"],
    [1 / 8, "12.5%"],
    [0.125 / 100, "0.1%"],
    [3 / 8, "37.5%"],
    [0.0005, "0.1%"],
    [0.00015, "0.0%"],
    [1, "100.0%"],
    [2 / 3, "66.7%"],
    [0.99951, "100.0%"],
    [3 / 16, "18.8%"],
    [0.005, "0.5%"],
    [1 / 3, "33.3%"],
    [0.00049999, "0.0%"],
    [7 / 8, "87.5%"],
    [1e-9, "0.0%"],
    [0.12345, "12.3%"],
  ])("%s -> %s", (x, text) => {
    expect(pyPercent(x)).toBe(text);
  });
});

describe("pyPercent's domain", () => {
  it("is a share of mismatched elements in (0, 1]; anything else is a bug, not a message", () => {
    for (const x of [0, -0.5, 1.5, Number.NaN, Infinity]) expect(() => pyPercent(x)).toThrow(/is not a share in \(0, 1\]/);
  });
});

describe("tuples, strings, sizes", () => {
  it("formats like Python", () => {
    expect(pyTuple([])).toBe("()");
    expect(pyTuple([3])).toBe("(3,)");
    expect(pyTuple([1, 2, 0])).toBe("(1, 2, 0)");
    expect(pyStrRepr("it's")).toBe(`"it's"`);
    expect(pyStrRepr('a"b')).toBe(`'a"b'`);
    expect(pyStrRepr("a\\b")).toBe(`'a\\\\b'`);
    expect(pyStrRepr(`a'b"c`)).toBe(`'a\\'b"c'`);
    expect(pyStrRepr(`'"`)).toBe(`'\\'"'`);
    expect(torchSize([])).toBe("torch.Size([])");
    expect(torchSize([2, 3])).toBe("torch.Size([2, 3])");
  });
});
