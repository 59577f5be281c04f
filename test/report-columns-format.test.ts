/**
 * Exact output of the report building blocks: aligned columns, middle elision, list wrapping, the
 * number and tolerance formats, the module x dtype x oracle groups and the PATH arguments resolved
 * into cases. The expected strings are written from the sources' documented rules (docs/cli.md and
 * the doc comments), never pasted from a run. Report inputs are synthetic check results: nothing
 * here is a parity claim.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModuleName } from "../src/core/format/types.js";
import type { DType } from "../src/core/tensor/dtype.js";
import { FixtureError } from "../src/core/errors.js";
import { DEFAULT_FIXTURES_DIR, readManifest } from "../src/node/readers/manifest.js";
import { columnWidths, elide, renderColumns, wrapList, type Column } from "../src/node/report/columns.js";
import {
  describeWorst,
  formatDiff,
  formatHeadroom,
  formatIndex,
  formatTol,
  formatTolerance,
  toleranceHeader,
} from "../src/node/report/format.js";
import { groupComparisons, worseHeadroom } from "../src/node/report/groups.js";
import { resolveInputs } from "../src/node/report/inputs.js";
import type { CheckResult, ComparisonRow, OracleName } from "../src/node/report/model.js";
import { syntheticResult } from "./helpers/check-result.js";

const sp = (n: number): string => " ".repeat(n);

describe("renderColumns / columnWidths", () => {
  const columns: Column[] = [
    { head: "case", align: "left" },
    { head: "n", align: "right" },
    { head: "note", align: "left" },
  ];
  const rows = [["ab", "1", "x"], ["abcdef", "123"], ["x"]];

  it("each column is as wide as its widest cell or head (a missing cell counts 0)", () => {
    expect(columnWidths(columns, rows)).toEqual([6, 3, 4]);
    expect(columnWidths(columns, [])).toEqual([4, 1, 4]);
  });

  it.each([
    ["header: left head padded, right head right-aligned", 0, `case${sp(6)}n  note`],
    ["row 1: every cell padded, trailing blanks trimmed", 1, `ab${sp(8)}1  x`],
    ["row 2: a short row ends at its last cell", 2, "abcdef  123"],
    ["row 3: a one-cell row is just the cell (no trailing padding)", 3, "x"],
  ])("%s", (_name, line, expected) => {
    expect(renderColumns(columns, rows)[line]).toBe(expected);
  });

  it("the whole table has one line per row after the header", () => {
    expect(renderColumns(columns, rows)).toEqual([`case${sp(6)}n  note`, `ab${sp(8)}1  x`, "abcdef  123", "x"]);
  });

  it("explicit widths: a cell beyond the columns is left-aligned in its width", () => {
    expect(renderColumns([{ head: "a", align: "right" }], [["b", "c", "d"]], [3, 2, 2])).toEqual(["  a", "  b  c   d"]);
  });

  it("widths count code points: '…' and '✗' are one column each", () => {
    expect(renderColumns([{ head: "st", align: "right" }, { head: "x", align: "left" }], [["✗", "…"]])).toEqual(["st  x", " ✗  …"]);
  });
});

describe("elide", () => {
  const name = "large-uni-bidir-L2-h0"; // 21 columns
  it.each([
    ["fits: unchanged", name, 21, name],
    ["wider than needed: unchanged", name, 30, name],
    ["exact fit without dashes: unchanged", "abc", 3, "abc"],
    ["drops the fewest middle words (keep 3)", name, 19, "large-…-bidir-L2-h0"],
    ["one column short of keep 3: keeps 2", name, 18, "large-…-L2-h0"],
    ["keep 2 exact fit", name, 13, "large-…-L2-h0"],
    ["only the last word fits (keep 1)", name, 10, "large-…-h0"],
    ["no word elision fits: characters, head and tail", name, 9, "larg…2-h0"],
    ["no dashes: head 2, tail 2 at width 5", "abcdefgh", 5, "ab…gh"],
    ["no dashes: odd split at width 6 (head 3, tail 2)", "abcdefgh", 6, "abc…gh"],
    ["width 2: head 1 and no tail", "abcdefgh", 2, "a…"],
    ["width 1: only the ellipsis", "abcdefgh", 1, "…"],
    ["width 0: nothing", "abcdefgh", 0, ""],
    ["two words: no middle to drop, characters", "alpha-omega", 7, "alp…ega"],
  ])("%s (%s in %i)", (_name, s, width, expected) => {
    expect(elide(s, width)).toBe(expected);
  });
});

describe("wrapList", () => {
  it.each([
    ["fits: one line", "a, b, c", 7, ["a, b, c"]],
    [
      "folds at ', ' with the continuation indented 4 past the line's own indent (exact fit kept)",
      "  alpha, beta, gamma, delta",
      13,
      ["  alpha, beta,", "      gamma,", "      delta"],
    ],
    ["no indent: continuation indented 4", "alpha, beta, gamma", 12, ["alpha, beta,", "    gamma"]],
    ["an item wider than the width stays whole", "x, a-very-long-path", 5, ["x,", "    a-very-long-path"]],
  ])("%s", (_name, line, width, expected) => {
    expect(wrapList(line, width)).toEqual(expected);
  });
});

describe("number formats", () => {
  it.each([
    ["NaN", NaN, "nan"],
    ["+inf", Infinity, "inf"],
    ["-inf", -Infinity, "-inf"],
    ["exact zero", 0, "0"],
    ["negative zero", -0, "0"],
    ["3 significant digits", 2.384185791015625e-7, "2.38e-7"],
    ["positive exponent", 1234, "1.23e+3"],
  ])("formatDiff %s", (_name, x, expected) => {
    expect(formatDiff(x)).toBe(expected);
  });

  it.each([
    ["NaN", NaN, "nan"],
    ["-inf", -Infinity, "-inf"],
    ["identical", 1, "100.0%"],
    ["nearly identical", 0.99996, ">99.9%"],
    ["half", 0.5, "50.0%"],
    ["at the edge", 0, "0.0%"],
    ["just over: never exactly 1.00", -0.001, ">1.00x tolerance"],
    ["3 significant digits below 100", -30.7, "31.7x tolerance"],
    ["exactly 100 times", -99, "100x tolerance"],
    ["whole numbers to a million", -12344.6, "12346x tolerance"],
    ["exactly a million: exponent", -999999, "1.00e6x tolerance"],
    ["beyond a million", -2.5e7, "2.50e7x tolerance"],
  ])("formatHeadroom %s", (_name, h, expected) => {
    expect(formatHeadroom(h)).toBe(expected);
  });

  it.each([
    ["zero", 0, "0"],
    ["float32 rtol", 1.3e-6, "1.3e-6"],
    ["float32 atol", 1e-5, "1e-5"],
    ["positive exponent: no '+'", 100, "1e2"],
    ["exponent 0", 2.5, "2.5e0"],
  ])("formatTol %s", (_name, x, expected) => {
    expect(formatTol(x)).toBe(expected);
  });

  it("formatTolerance", () => {
    expect(formatTolerance({ rtol: 1.3e-6, atol: 1e-5 })).toBe("rtol=1.3e-6 atol=1e-5");
  });

  it.each([
    ["empty (a scalar)", [], "()"],
    ["one element: Python's trailing comma", [3], "(3,)"],
    ["two elements", [2, 3], "(2, 3)"],
    ["three elements", [4, 2, 11], "(4, 2, 11)"],
  ])("formatIndex %s", (_name, index, expected) => {
    expect(formatIndex(index)).toBe(expected);
  });

  it("describeWorst: headroom, printable case, tensor and oracle", () => {
    expect(describeWorst({ headroom: 0.5, case: "a\u001bb", tensor: "h_n", oracle: "onnxruntime" })).toBe("50.0% (a\\u001bb h_n, onnxruntime)");
  });
});

describe("toleranceHeader", () => {
  const defaults = "float32 rtol=1.3e-6 atol=1e-5; float64 rtol=1e-7 atol=1e-7";
  it.each<[string, CheckResult["overrides"], string]>([
    ["no override", {}, `tolerances: torch.testing.assert_close defaults (${defaults})`],
    ["--rtol only", { rtol: 1e-3 }, `tolerances: OVERRIDDEN rtol=1e-3 (torch.testing.assert_close defaults: ${defaults})`],
    ["--atol only", { atol: 2e-4 }, `tolerances: OVERRIDDEN atol=2e-4 (torch.testing.assert_close defaults: ${defaults})`],
    ["--atol 0 is an override", { atol: 0 }, `tolerances: OVERRIDDEN atol=0 (torch.testing.assert_close defaults: ${defaults})`],
    ["both", { rtol: 1e-3, atol: 0 }, `tolerances: OVERRIDDEN rtol=1e-3 atol=0 (torch.testing.assert_close defaults: ${defaults})`],
  ])("%s", (_name, overrides, expected) => {
    expect(toleranceHeader({ ...syntheticResult(), overrides })).toBe(expected);
  });
});

const base: ComparisonRow = syntheticResult().comparisons[0] as ComparisonRow;
const row = (over: Partial<ComparisonRow>): ComparisonRow => ({ ...base, ...over });

describe("worseHeadroom", () => {
  it.each([
    ["NaN is worse than a number", NaN, 1, true],
    ["NaN is not worse than NaN", NaN, NaN, false],
    ["a number is not worse than NaN", -5, NaN, false],
    ["lower is worse", 0.5, 0.9, true],
    ["higher is not worse", 0.9, 0.5, false],
    ["a tie is not worse", 0.5, 0.5, false],
  ])("%s", (_name, a, b, expected) => {
    expect(worseHeadroom(a, b)).toBe(expected);
  });
});

describe("groupComparisons", () => {
  it("counts cases, tensors, passes, expected failures and failing comparisons; keeps the worst", () => {
    const r1 = row({ case: "a", file: "a.msgpack", tensor: "output", passed: true, status: "passed", maxAbsDiff: 1e-3, headroom: 0.5 });
    const r2 = row({ case: "a", file: "a.msgpack", tensor: "h_n", passed: false, status: "failed", maxAbsDiff: 3e-3, headroom: -2 });
    const r3 = row({ case: "b", file: "b.msgpack", passed: false, status: "xfail", maxAbsDiff: 2e-3, headroom: -1 });
    const r4 = row({ case: "b", file: "b.msgpack", tensor: "h_n", passed: true, status: "xpass", maxAbsDiff: 5e-4, headroom: 0.9 });
    const r5 = row({ case: "a", file: "other/a.msgpack", passed: true, status: "passed", maxAbsDiff: 1e-4, headroom: 0.8 });
    expect(groupComparisons({ comparisons: [r1, r2, r3, r4, r5] })).toEqual([
      { module: "RNN", dtype: "float32", oracle: "torch", cases: 3, tensors: 5, passed: 3, expected: 1, failing: 2, worstAbsDiff: 3e-3, worst: r2 },
    ]);
  });

  it.each([
    ["greatest wins when it comes first", [3, 1], 3],
    ["greatest wins when it comes last", [1, 3], 3],
    ["NaN hides every number after it", [1, NaN, 2], NaN],
    ["NaN first stays", [NaN, 5], NaN],
    ["a tie keeps the first (0 then -0)", [0, -0], 0],
  ])("worstAbsDiff: %s", (_name, diffs, expected) => {
    const groups = groupComparisons({ comparisons: diffs.map((d, i) => row({ tensor: `t${i}`, maxAbsDiff: d })) });
    expect(groups).toHaveLength(1);
    expect(Object.is(groups[0]?.worstAbsDiff, expected)).toBe(true);
  });

  it("the worst is the lowest headroom, the first of a tie", () => {
    const rows = [row({ tensor: "a", headroom: 0.7 }), row({ tensor: "b", headroom: 0.2 }), row({ tensor: "c", headroom: 0.2 }), row({ tensor: "d", headroom: 0.9 })];
    expect(groupComparisons({ comparisons: rows })[0]?.worst.tensor).toBe("b");
  });

  const key = (g: { module: string; dtype: string; oracle: string }): string => `${g.module} ${g.dtype} ${g.oracle}`;

  it("groups sort by module (cells first, torch's order), then dtype, then oracle", () => {
    const order: [ModuleName, DType, OracleName][] = [
      ["GRU", "float32", "torch"],
      ["RNN", "float64", "onnxruntime-vs-torch"],
      ["RNN", "float64", "torch"],
      ["RNN", "float32", "onnxruntime"],
      ["GRUCell", "float32", "torch"],
      ["RNNCell", "float64", "torch"],
      ["LSTM", "float32", "torch"],
      ["RNN", "float64", "onnxruntime"],
      ["LSTMCell", "float64", "onnxruntime"],
      ["RNNCell", "float32", "onnxruntime-vs-torch"],
    ];
    const groups = groupComparisons({ comparisons: order.map(([module, dtype, oracle]) => row({ module, dtype, oracle })) });
    expect(groups.map(key)).toEqual([
      "RNNCell float32 onnxruntime-vs-torch",
      "RNNCell float64 torch",
      "RNN float32 onnxruntime",
      "RNN float64 torch",
      "RNN float64 onnxruntime",
      "RNN float64 onnxruntime-vs-torch",
      "LSTMCell float64 onnxruntime",
      "LSTM float32 torch",
      "GRUCell float32 torch",
      "GRU float32 torch",
    ]);
  });

  it("a module or dtype the order does not know sorts after the known ones", () => {
    const unknownModule = "ConvLSTM" as unknown as ModuleName;
    const unknownDtype = "bfloat16" as unknown as DType;
    const rows = [
      row({ module: unknownModule }),
      row({ module: "GRU", dtype: unknownDtype }),
      row({ module: "GRU", dtype: "float64" }),
      row({ module: "RNNCell" }),
    ];
    expect(groupComparisons({ comparisons: rows }).map(key)).toEqual(["RNNCell float32 torch", "GRU float64 torch", "GRU bfloat16 torch", "ConvLSTM float32 torch"]);
  });

  it("no comparisons: no groups", () => {
    expect(groupComparisons({ comparisons: [] })).toEqual([]);
  });
});

describe("resolveInputs", () => {
  let tmp = "";
  beforeAll(async () => {
    tmp = realpathSync(await mkdtemp(join(tmpdir(), "rnn-parity-inputs-")));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  async function folder(name: string, files: Record<string, string>): Promise<string> {
    const dir = join(tmp, name);
    await mkdir(dir, { recursive: true });
    for (const [f, body] of Object.entries(files)) {
      await mkdir(join(dir, f, ".."), { recursive: true });
      await writeFile(join(dir, f), body);
    }
    return dir;
  }

  it("a folder's fixtures in sorted order, subfolders walked, other files ignored", async () => {
    const names = ["m", "c", "k", "a", "q", "e", "b", "p", "d", "j", "f", "o", "g", "n", "h", "l", "i"];
    const files: Record<string, string> = { "sub/z.msgpack": "x", "readme.txt": "x" };
    for (const n of names) files[`${n}.msgpack`] = "x";
    const dir = await folder("sorted", files);
    const sources = await resolveInputs([dir]);
    expect(sources.map((s) => s.name)).toEqual([...[...names].sort(), "z"]);
    expect(sources[0]).toStrictEqual({ name: "a", file: join(dir, "a.msgpack"), within: dir });
    expect(sources.at(-1)).toStrictEqual({ name: "z", file: join(dir, "sub", "z.msgpack"), within: dir });
  });

  it("a fixture named itself has no `within`; its model beside it is found", async () => {
    const dir = await folder("named", { "solo.msgpack": "x", "pair.msgpack": "x", "pair.onnx": "x" });
    expect(await resolveInputs([join(dir, "solo.msgpack")])).toStrictEqual([{ name: "solo", file: join(dir, "solo.msgpack") }]);
    expect(await resolveInputs([join(dir, "pair.msgpack")])).toStrictEqual([
      { name: "pair", file: join(dir, "pair.msgpack"), onnx: join(dir, "pair.onnx"), onnxWithin: dir },
    ]);
  });

  it("links in a folder: a dangling non-fixture and a non-fixture pointing outside are ignored; a link to a fixture runs it once", async () => {
    const dir = await folder("links", { "a.msgpack": "x" });
    const outsideFile = join(tmp, "outside.txt");
    await writeFile(outsideFile, "x");
    await symlink(join(dir, "missing.txt"), join(dir, "dangling.txt"));
    await symlink(outsideFile, join(dir, "notes.txt"));
    await symlink(join(dir, "a.msgpack"), join(dir, "b.msgpack"));
    expect(await resolveInputs([dir])).toStrictEqual([{ name: "a", file: join(dir, "a.msgpack"), within: dir }]);
  });

  it("an empty folder is refused", async () => {
    const dir = await folder("empty", {});
    await expect(resolveInputs([dir])).rejects.toThrow(new FixtureError(dir, "", "no manifest.json and no .msgpack fixtures in this folder"));
    await expect(resolveInputs([dir])).rejects.toMatchObject({ file: dir, field: "", reason: "no manifest.json and no .msgpack fixtures in this folder" });
  });

  it("an .onnx model named alone is refused", async () => {
    const dir = await folder("model", { "m.onnx": "x" });
    const path = join(dir, "m.onnx");
    await expect(resolveInputs([path])).rejects.toMatchObject({
      file: path,
      field: "",
      reason: "check takes .msgpack fixtures or folders (an .onnx model runs with its fixture; see `rnn-parity inspect`)",
    });
  });

  describe("a manifest folder", () => {
    let dir = "";
    let link = "";
    let firstFile = "";
    let secondFile = "";
    let firstName = "";
    let secondName = "";
    beforeAll(async () => {
      const manifest = await readManifest(DEFAULT_FIXTURES_DIR);
      const [first, second] = manifest.cases;
      if (first === undefined || second === undefined) throw new Error("need two bundled cases");
      const cases = [{ ...first }, { ...second }];
      for (const c of cases) delete c.onnx;
      dir = join(tmp, "manifest");
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "manifest.json"), JSON.stringify({ ...manifest, cases }));
      // Only the first case's file exists: resolving does not read fixtures.
      await mkdir(join(dir, first.file, ".."), { recursive: true });
      await writeFile(join(dir, first.file), "x");
      link = join(tmp, "manifest-link");
      await symlink(dir, link);
      firstFile = first.file;
      secondFile = second.file;
      firstName = first.name;
      secondName = second.name;
    });

    it("alone: every case as listed", async () => {
      const sources = await resolveInputs([dir]);
      expect(sources.map((s) => [s.name, s.file, s.within, s.manifest, s.listed?.length])).toEqual([
        [firstName, join(dir, firstFile), dir, join(dir, "manifest.json"), 1],
        [secondName, join(dir, secondFile), dir, join(dir, "manifest.json"), 1],
      ]);
    });

    it("named again through a link: an existing file runs once, a missing one is told apart by its path", async () => {
      const sources = await resolveInputs([dir, link]);
      expect(sources.map((s) => s.file)).toEqual([join(dir, firstFile), join(dir, secondFile), join(link, secondFile)]);
    });

    it("alone, a case whose file links to another case's file still runs", async () => {
      const dup = join(tmp, "manifest-dup");
      await mkdir(dup, { recursive: true });
      const manifest = await readManifest(DEFAULT_FIXTURES_DIR);
      const [first, second] = manifest.cases;
      if (first === undefined || second === undefined) throw new Error("need two bundled cases");
      const cases = [{ ...first }, { ...second }];
      for (const c of cases) delete c.onnx;
      await writeFile(join(dup, "manifest.json"), JSON.stringify({ ...manifest, cases }));
      await mkdir(join(dup, first.file, ".."), { recursive: true });
      await mkdir(join(dup, second.file, ".."), { recursive: true });
      await writeFile(join(dup, first.file), "x");
      await symlink(join(dup, first.file), join(dup, second.file));
      expect((await resolveInputs([dup])).map((s) => s.name)).toEqual([first.name, second.name]);
    });
  });
});
