/**
 * Exact outputs of the report pieces the reporter tests leave loose: the --verbose per-module tables
 * (pretty-table.ts: heads, alignments, repeated case labels, cells), the blank line before the
 * pretty verdict, the HTML page's verdict, counts, optional sections and embedded-JSON escapes,
 * inputFiles, and resolveInputs' folder walk (sorted whatever order readdir gives, and the
 * "cannot read" refusals when a realpath, readdir or stat fails; those faults are injected into
 * node:fs/promises, which otherwise passes through). These numbers describe reports, not parity claims.
 */
import type { Dirent } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import picocolors from "picocolors";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { renderHtml } from "../src/node/report/html.js";
import { inputFiles, resolveInputs, type CaseSource } from "../src/node/report/inputs.js";
import type { CheckResult, ComparisonRow } from "../src/node/report/model.js";
import { comparisonTables } from "../src/node/report/pretty-table.js";
import { renderPretty } from "../src/node/report/pretty.js";
import { summarize } from "../src/node/report/summary.js";
import { syntheticResult } from "./helpers/check-result.js";

/** Paths whose fs call fails with EACCES (realpathOnce: the next call only); readdir results reversed when asked. */
const faults = vi.hoisted(() => ({ reverse: false, readdir: new Set<string>(), realpath: new Set<string>(), realpathOnce: new Set<string>(), stat: new Set<string>() }));

vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs/promises")>();
  const denied = (syscall: string, path: string): NodeJS.ErrnoException =>
    Object.assign(new Error(`EACCES: permission denied, ${syscall} '${path}'`), { code: "EACCES", syscall, path });
  return {
    ...fs,
    readdir: async (path: string, options: { withFileTypes: true }): Promise<Dirent[]> => {
      if (faults.readdir.has(path)) throw denied("scandir", path);
      const entries = await fs.readdir(path, options);
      return faults.reverse ? [...entries].reverse() : entries;
    },
    realpath: async (path: string): Promise<string> => {
      if (faults.realpath.has(path) || faults.realpathOnce.delete(path)) throw denied("realpath", path);
      return fs.realpath(path);
    },
    stat: async (path: string) => {
      if (faults.stat.has(path)) throw denied("stat", path);
      return fs.stat(path);
    },
  };
});

const BASE = syntheticResult();
const BASE_ROW = BASE.comparisons[0] as ComparisonRow;
const PLAIN = picocolors.createColors(false);

function row(over: Partial<ComparisonRow>): ComparisonRow {
  return { ...BASE_ROW, tensorDtype: over.dtype ?? BASE_ROW.dtype, ...over };
}

/** A CheckResult around these rows, its summary computed as run-check computes it. */
function check(comparisons: ComparisonRow[], cases: number, over: Partial<CheckResult> = {}): CheckResult {
  return { ...BASE, comparisons, skipped: [], errors: [], expectations: null, summary: summarize(comparisons, [], cases, 0, 0, null, []), ...over };
}

const GRU_FAIL = row({
  case: "GRU-a-float64",
  module: "GRU",
  dtype: "float64",
  file: "fx/GRU-a-float64.msgpack",
  tensor: "h_n",
  shape: [1, 2],
  worstIndex: [0, 1],
  mismatched: 2,
  total: 2,
  rtol: 1e-7,
  atol: 1e-7,
  maxAbsDiff: 0.5,
  maxRelDiff: Infinity,
  headroom: -3,
  passed: false,
  status: "failed",
  message: "Tensor-likes are not close!",
});

describe("comparisonTables (--verbose)", () => {
  it("draws one table per module: every head, left text and right numbers, the case named once per run of rows", () => {
    const rows = [
      row({}),
      row({ tensor: "h_n", shape: [4, 3, 6], total: 72, headroom: 0.9881 }),
      row({ case: "RNN-x-float32", oracle: "onnxruntime", maxAbsDiff: 0, maxRelDiff: 0, headroom: 1, status: "xfail" }),
      GRU_FAIL,
    ];
    expect(comparisonTables(rows, PLAIN)).toEqual([
      "RNN",
      [
        "┌───────────────────────────┬─────────────┬───────────────────┬─────────┬──────────────┬──────────────┬────────────┬───────────────┬──────────┬────────┐",
        "│ case                      │ oracle      │ tensor            │ dtype   │ max abs diff │ max rel diff │ mismatched │   rtol / atol │ headroom │ result │",
        "├───────────────────────────┼─────────────┼───────────────────┼─────────┼──────────────┼──────────────┼────────────┼───────────────┼──────────┼────────┤",
        "│ RNN-tanh-bidir-L2-float32 │ torch       │ output [5, 3, 12] │ float32 │      2.38e-7 │      1.19e-7 │      0/180 │ 1.3e-6 / 1e-5 │    97.6% │ PASS   │",
        "│                           │ torch       │ h_n [4, 3, 6]     │ float32 │      2.38e-7 │      1.19e-7 │       0/72 │ 1.3e-6 / 1e-5 │    98.8% │ PASS   │",
        "│ RNN-x-float32             │ onnxruntime │ output [5, 3, 12] │ float32 │            0 │            0 │      0/180 │ 1.3e-6 / 1e-5 │   100.0% │ XFAIL  │",
        "└───────────────────────────┴─────────────┴───────────────────┴─────────┴──────────────┴──────────────┴────────────┴───────────────┴──────────┴────────┘",
      ].join("\n"),
      "",
      "GRU",
      [
        "┌───────────────┬────────┬────────────┬─────────┬──────────────┬──────────────┬────────────┬─────────────┬─────────────────┬────────┐",
        "│ case          │ oracle │ tensor     │ dtype   │ max abs diff │ max rel diff │ mismatched │ rtol / atol │        headroom │ result │",
        "├───────────────┼────────┼────────────┼─────────┼──────────────┼──────────────┼────────────┼─────────────┼─────────────────┼────────┤",
        "│ GRU-a-float64 │ torch  │ h_n [1, 2] │ float64 │      5.00e-1 │          inf │        2/2 │ 1e-7 / 1e-7 │ 4.00x tolerance │ FAIL   │",
        "└───────────────┴────────┴────────────┴─────────┴──────────────┴──────────────┴────────────┴─────────────┴─────────────────┴────────┘",
      ].join("\n"),
      "",
    ]);
  });

  // The label starts empty, so the first row shows its case whatever the name; later rows of the same case do not.
  it.each(["RNN-tanh-bidir-L2-float32", "Stryker was here!", "x"])("labels the first row with its case: %s", (name) => {
    const lines = (comparisonTables([row({ case: name }), row({ case: name, tensor: "h_n" })], PLAIN)[1] ?? "").split("\n");
    const caseCell = (line: string | undefined): string | undefined => line?.split("│")[1]?.trim();
    expect([caseCell(lines[3]), caseCell(lines[4])]).toEqual([name, ""]);
  });

  it("has no rows for no comparisons", () => {
    expect(comparisonTables([], PLAIN)).toEqual([]);
  });
});

describe("renderPretty: the blank line before the verdict", () => {
  it("is absent from a terse passing report", () => {
    expect(renderPretty(check([row({})], 1), { color: false })).toBe(
      [
        "rnn-parity 0.1.0 check · oracles torch, onnxruntime · assert_close default tolerances",
        "module  dtype    oracle  cases  tensors  worst abs  headroom  worst case",
        "RNN     float32  torch       1      1/1    2.38e-7     97.6%  tanh-bidir-L2",
        "PASSED 1 case, 1 comparison: 1 passed, 0 failed",
        "",
      ].join("\n"),
    );
  });

  it("is not doubled after a --verbose report's failures (their block ends with one)", () => {
    const lines = renderPretty(check([GRU_FAIL], 1), { color: false, verbose: true }).split("\n");
    const at = lines.indexOf("Failures (1)");
    expect(lines.slice(at)).toEqual([
      "Failures (1)",
      "✗ GRU-a-float64",
      "  torch · h_n [1, 2] float64: 4.00x tolerance at index (0, 1)",
      "  file: fx/GRU-a-float64.msgpack",
      "  Tensor-likes are not close!",
      "",
      "FAILED 1 case, 1 comparison: 0 passed, 1 failed (1 case)",
      "",
    ]);
  });
});

describe("renderHtml: verdict, counts and optional sections", () => {
  const page = renderHtml(check([row({}), row({ tensor: "h_n" }), row({ case: "RNN-b-float32" })], 2));
  const failing = renderHtml(check([GRU_FAIL], 1, { filters: ["GRU", "a&b"] }));

  it.each([
    ["title", page, "<title>rnn-parity check: PASSED</title>"],
    ["heading", page, '<h1>rnn-parity 0.1.0 check: <span class="verdict pass">PASSED</span></h1>'],
    ["counts, nothing skipped, unsupported or stopped", page, '<p id="counts">2 cases, 3 comparisons: 3 passed, 0 failed</p>'],
    [
      "tolerances without a filter",
      page,
      '<p class="muted">oracles torch, onnxruntime · tolerances: torch.testing.assert_close defaults (float32 rtol=1.3e-6 atol=1e-5; float64 rtol=1e-7 atol=1e-7) · started 2025-01-01T00:00:00.000Z</p>',
    ],
    ["failing title", failing, "<title>rnn-parity check: FAILED</title>"],
    ["failing heading", failing, '<h1>rnn-parity 0.1.0 check: <span class="verdict fail">FAILED</span></h1>'],
    ["filter", failing, "float64 rtol=1e-7 atol=1e-7) · filter GRU | a&amp;b · started 2025-01-01T00:00:00.000Z</p>"],
  ])("%s", (_what, html, line) => {
    expect(html).toContain(line);
  });

  it("goes straight from the failures section to the summary without errors or expectations", () => {
    const lines = page.split("\n");
    const at = lines.indexOf('<section id="failures-section" hidden><h2>Failures</h2><ol id="failures"></ol></section>');
    expect(lines[at + 1]).toBe("<h2>Summary per module, dtype and oracle</h2>");
    expect(page).not.toContain("errors-section");
    expect(page).not.toContain("Stryker");
  });

  it("escapes <, U+2028 and U+2029 in the embedded JSON", () => {
    const html = renderHtml(check([row({ case: "a<b\u2028c\u2029d</script>" })], 1));
    expect(html).toContain(String.raw`"case":"a\u003cb\u2028c\u2029d\u003c/script>"`);
    expect(html).not.toMatch(/[\u2028\u2029]/);
  });
});

describe("inputFiles", () => {
  const s = (extra: Partial<CaseSource>): CaseSource => ({ name: "c", file: "d/c.msgpack", ...extra });
  it.each<[string, CaseSource[], string[]]>([
    ["a bare fixture", [s({})], ["d/c.msgpack"]],
    ["a fixture and its model", [s({ onnx: "d/c.onnx" })], ["d/c.msgpack", "d/c.onnx"]],
    ["a manifest's cases, the manifest once", [s({ manifest: "d/manifest.json" }), s({ file: "d/e.msgpack", onnx: "d/e.onnx", manifest: "d/manifest.json" })], ["d/c.msgpack", "d/manifest.json", "d/e.msgpack", "d/e.onnx"]],
  ])("%s", (_what, sources, files) => {
    expect(inputFiles(sources)).toEqual(files);
  });
});

describe("resolveInputs over a folder without a manifest", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "rnn-parity-inputs-"));
    await mkdir(join(dir, "sub"));
    for (const f of ["b.msgpack", "a.msgpack", "sub/c.msgpack", "d.msgpack", "a.onnx"]) await writeFile(join(dir, f), "");
  });
  afterEach(async () => {
    faults.reverse = false;
    faults.readdir.clear();
    faults.realpath.clear();
    faults.realpathOnce.clear();
    faults.stat.clear();
    await rm(dir, { recursive: true, force: true });
  });
  const names = async (path: string): Promise<string[]> => (await resolveInputs([path])).map((x) => x.file.slice(path.length + 1));

  it.each([false, true])("lists the fixtures sorted by name (readdir reversed: %s)", async (reverse) => {
    faults.reverse = reverse;
    expect(await names(dir)).toEqual(["a.msgpack", "b.msgpack", "d.msgpack", "sub/c.msgpack"]);
  });

  it("does not stat a plain file again (only links are followed)", async () => {
    faults.stat.add(join(dir, "b.msgpack"));
    expect(await names(dir)).toEqual(["a.msgpack", "b.msgpack", "d.msgpack", "sub/c.msgpack"]);
  });

  it("refuses a subfolder it cannot list", async () => {
    faults.readdir.add(join(dir, "sub"));
    await expect(resolveInputs([dir])).rejects.toThrow(`${join(dir, "sub")}: (file): cannot read: permission denied`);
  });

  // Once: the walk's own realpath of the folder would refuse it too, with the same words.
  it("refuses a folder whose real path cannot be found", async () => {
    faults.realpathOnce.add(dir);
    await expect(resolveInputs([dir])).rejects.toThrow(`${dir}: (file): cannot read: permission denied`);
  });

  it("refuses a linked fixture whose real path cannot be found", async () => {
    const link = join(dir, "e.msgpack");
    await symlink(join(dir, "a.msgpack"), link);
    faults.realpath.add(link);
    await expect(resolveInputs([dir])).rejects.toThrow(`${link}: (file): cannot read: permission denied`);
  });

  it("keeps a named fixture's model in the fixture's folder, as given when its real path cannot be found", async () => {
    faults.realpath.add(dir);
    const [only] = await resolveInputs([join(dir, "a.msgpack")]);
    expect(only).toEqual({ name: "a", file: join(dir, "a.msgpack"), onnx: join(dir, "a.onnx"), onnxWithin: resolve(dir) });
  });
});
