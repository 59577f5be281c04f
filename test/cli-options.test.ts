/** Command-line option parsing: reporter/--out pairing, filters. */
import { describe, expect, it } from "vitest";
import { compileFilter, compileFilters } from "../src/node/cli/filter.js";
import { colorEnabled } from "../src/node/cli/io.js";
import { foldOutOptions, parseReporters } from "../src/node/cli/reporters.js";
import { UsageError } from "../src/node/cli/usage-error.js";

describe("--reporter NAME[:FILE] and --out", () => {
  it("defaults to pretty on stdout", () => {
    expect(parseReporters([])).toEqual([{ name: "pretty" }]);
  });

  it("takes repeated and comma-separated reporters, each with an optional file", () => {
    expect(parseReporters(["pretty", "junit:reports/parity.xml,json:out/r.json"])).toEqual([
      { name: "pretty" },
      { name: "junit", file: "reports/parity.xml" },
      { name: "json", file: "out/r.json" },
    ]);
    expect(parseReporters(["json:-"])).toEqual([{ name: "json" }]);
    expect(parseReporters(["junit:C:\\ci\\parity.xml"])).toEqual([{ name: "junit", file: "C:\\ci\\parity.xml" }]);
  });

  it("folds --out into the --reporter right before it", () => {
    expect(foldOutOptions(["check", "--reporter", "pretty", "--reporter", "junit", "--out", "r.xml"])).toEqual([
      "check", "--reporter", "pretty", "--reporter", "junit:r.xml",
    ]);
    expect(foldOutOptions(["check", "-r", "json", "-o", "a.json", "--reporter=junit", "--out=b.xml", "x.msgpack"])).toEqual([
      "check", "--reporter", "json:a.json", "--reporter", "junit:b.xml", "x.msgpack",
    ]);
    expect(foldOutOptions(["check", "--", "--out"])).toEqual(["check", "--", "--out"]);
  });

  it.each([
    [["check", "--out", "r.xml"]],
    [["check", "--reporter", "junit:a.xml", "--out", "b.xml"]],
    [["check", "--reporter", "junit", "--out", "a.xml", "--out", "b.xml"]],
    [["check", "--reporter", "pretty,junit", "--out", "b.xml"]],
    [["check", "--reporter", "junit", "--out"]],
  ])("refuses a --out that belongs to no single reporter: %j", (argv) => {
    expect(() => foldOutOptions(argv)).toThrow(UsageError);
  });

  it.each([
    [["xml"], /unknown reporter "xml"/],
    [["pretty", "json"], /pretty and json would both write to stdout/],
    [["junit:a.xml", "json:./a.xml"], /junit and json would both write \.\/a\.xml/],
    [["junit:"], /empty file name/],
  ])("refuses %j", (values, message) => {
    expect(() => parseReporters(values)).toThrow(message);
  });
});

describe("--filter", () => {
  const names = ["RNN-tanh-bias-seqfirst-uni-L1-h0-float32", "RNN-relu-nobias-batchfirst-bidir-L2-noh0-float64", "RNNCell-tanh-bias-batched-hx-float32"];
  const pick = (pattern: string): string[] => names.filter(compileFilter(pattern));

  it("is a substring without wildcards", () => {
    expect(pick("bidir")).toEqual([names[1]]);
    expect(pick("RNNCell")).toEqual([names[2]]);
  });

  it("is a whole-name glob with * or ?", () => {
    expect(pick("RNN-*-float32")).toEqual([names[0]]);
    expect(pick("RNN*")).toEqual(names);
    expect(pick("*L?-*")).toEqual([names[0], names[1]]);
  });

  it("is a regular expression between slashes", () => {
    expect(pick("/^RNN-(tanh|relu)-.*float64$/")).toEqual([names[1]]);
    expect(pick("/rnncell/i")).toEqual([names[2]]);
    expect(() => compileFilter("/(/")).toThrow(UsageError);
  });

  it("selects a case when any of several patterns matches", () => {
    expect(names.filter(compileFilters(["RNNCell", "float64"]))).toEqual([names[1], names[2]]);
    expect(names.filter(compileFilters([]))).toEqual(names);
  });
});

describe("colour", () => {
  it("is on for a terminal, off when NO_COLOR is set or output is not a terminal, forced by FORCE_COLOR", () => {
    const tty = { write: () => undefined, isTTY: true };
    const pipe = { write: () => undefined, isTTY: false };
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(tty, { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: "" })).toBe(true);
    expect(colorEnabled(tty, { TERM: "dumb" })).toBe(false);
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: "0" })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: "1", FORCE_COLOR: "1" })).toBe(false);
  });
});
