/**
 * Exact text of the command line's refusals, help and one-line summaries: every message, branch and
 * field pinned whole (the mutation run's survivors in src/node/cli).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/node/cli/program.js";
import { compileFilter } from "../src/node/cli/filter.js";
import { foldOutOptions, parseReporters } from "../src/node/cli/reporters.js";
import { formatValue, summarizeTensor } from "../src/node/cli/inspect.js";
import { UsageError } from "../src/node/cli/usage-error.js";
import { toolVersion } from "../src/node/cli/version.js";
import type { FixtureTensor } from "../src/core/format/types.js";
import { bundled, perturbedCopy, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

const F64 = "RNN-tanh-bias-seqfirst-uni-L1-h0-float64";

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});

describe("help and version", () => {
  const top = [
    "Usage: rnn-parity [options] [command]",
    "",
    "PyTorch's recurrent layers in TypeScript: conformance checks against PyTorch and",
    "onnxruntime",
    "",
    "Options:",
    "  -V, --version               output the version number",
    "  --debug                     on an internal error, print the stack trace (also:",
    "                              DEBUG=1)",
    "  -h, --help                  display help for command",
    "",
    "Commands:",
    "  check [options] [paths...]  compare our modules with the PyTorch reference",
    "                              (and onnxruntime) on fixtures, and report",
    "  inspect [options] <file>    show a fixture's metadata, config and tensors, or",
    "                              an ONNX model's inputs, outputs, operators and",
    "                              initializers",
    "  help [command]              display help for command",
    "",
  ];
  const check = [
    "Usage: rnn-parity check [options] [paths...]",
    "",
    "compare our modules with the PyTorch reference (and onnxruntime) on fixtures,",
    "and report",
    "",
    "Arguments:",
    "  paths                         fixture files (.msgpack) or folders (default:",
    "                                the bundled fixtures)",
    "",
    "Options:",
    "  -r, --reporter <name[:file]>  pretty | json | junit | html | github, each",
    "                                optionally :FILE (default stdout); repeatable or",
    "                                comma-separated (default: [])",
    "  -o, --out <file>              the file of the --reporter NAME just before it",
    "                                (same as NAME:FILE)",
    "  --oracle <list>               torch and/or onnxruntime, comma-separated",
    "                                (default: torch, plus onnxruntime where a case",
    "                                has a model)",
    "  --rtol <number>               override the relative tolerance (default:",
    "                                torch.testing.assert_close's, per dtype)",
    "  --atol <number>               override the absolute tolerance (default:",
    "                                torch.testing.assert_close's, per dtype)",
    "  --filter <pattern>            only cases whose name matches: substring, glob",
    "                                (* ?), or /regex/; repeatable (default: [])",
    "  --fail-fast                   stop after the first case with a mismatch",
    "                                (default: false)",
    "  -v, --verbose                 pretty report: also every comparison, a row per",
    "                                case, oracle and tensor (default: false)",
    "  --impl <file>                 an adapter module (docs/adapters.md) to check",
    "                                instead of rnn-parity's own layers",
    "  --expectations <file>         a JSON list of comparisons the implementation is",
    "                                known to fail (docs/adapters.md); an expected",
    "                                failure that passes fails the run",
    "  --no-progress                 never show the progress bar (it shows only on a",
    "                                terminal, for long runs)",
    "  -h, --help                    display help for command",
    "",
  ];
  const inspect = [
    "Usage: rnn-parity inspect [options] <file>",
    "",
    "show a fixture's metadata, config and tensors, or an ONNX model's inputs,",
    "outputs, operators and initializers",
    "",
    "Arguments:",
    "  file        a .msgpack fixture or an .onnx model",
    "",
    "Options:",
    "  --json      machine-readable output (default: false)",
    "  -h, --help  display help for command",
    "",
  ];
  it.each([
    ["top-level --help", ["--help"], top],
    ["check --help", ["check", "--help"], check],
    ["inspect --help", ["inspect", "--help"], inspect],
    ["-V", ["-V"], [toolVersion(), ""]],
    ["--version", ["--version"], [toolVersion(), ""]],
  ])("%s: exit 0, the whole text on stdout", async (_label, argv, lines) => {
    const run = await runCli(argv);
    expect(run).toEqual({ code: 0, stdout: lines.join("\n"), stderr: "" });
  });

  it("the version is package.json's", async () => {
    const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(toolVersion()).toBe(pkg.version);
  });
});

describe("usage errors: exit 2, one exact line on stderr", () => {
  it.each([
    ["unknown option", ["check", "--bogus"], "rnn-parity: unknown option '--bogus' (see --help)\n"],
    ["unknown command, two-line message folded with a suggestion", ["chek"], "rnn-parity: unknown command 'chek' (Did you mean check?) (see --help)\n"],
    ["option suggestion", ["check", "--verbos"], "rnn-parity: unknown option '--verbos' (Did you mean --verbose?) (see --help)\n"],
    ["--out hidden in a short-option cluster", ["check", "-vo", "r.xml"], "rnn-parity: --out must directly follow the --reporter NAME it applies to\n"],
    ["--out with no reporter", ["check", "--out", "r.xml"], "rnn-parity: --out r.xml: must directly follow the single --reporter NAME it applies to (or write --reporter NAME:FILE)\n"],
    ["--out without a file", ["check", "--reporter", "junit", "--out="], "rnn-parity: --out needs a file name\n"],
    ["unknown reporter", ["check", "-r", "xml:a.xml"], 'rnn-parity: --reporter xml:a.xml: unknown reporter "xml" (expected pretty, json, junit, html, github, optionally NAME:FILE)\n'],
    ["unknown oracle", ["check", "--oracle", "torch, tf"], "rnn-parity: --oracle tf: unknown oracle (expected torch, onnxruntime, or both: torch,onnxruntime)\n"],
    ["--rtol not a number", ["check", "--rtol", "abc"], "rnn-parity: --rtol abc: expected a finite number >= 0\n"],
    ["--rtol hexadecimal", ["check", "--rtol", "0x10"], "rnn-parity: --rtol 0x10: expected a finite number >= 0\n"],
    ["--atol infinite", ["check", "--atol", "1e999"], "rnn-parity: --atol 1e999: expected a finite number >= 0\n"],
    ["empty filter", ["check", "--filter", ""], "rnn-parity: --filter: empty pattern\n"],
    ["filter matching nothing", ["check", bundled(F64), "--filter", "nomatch", "--filter", "zz*"], "rnn-parity: --filter nomatch | zz*: matches none of the 1 cases\n"],
  ])("%s", async (_label, argv, stderr) => {
    expect(await runCli(argv)).toEqual({ code: 2, stdout: "", stderr });
  });
});

/** A CLI io whose stdout write throws `thrown` (an internal error: not a usage error). */
async function runThrowing(argv: string[], env: Record<string, string | undefined>, thrown: unknown): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const code = await main(argv, {
    stdout: {
      write: () => {
        throw thrown;
      },
      isTTY: false,
    },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env,
  });
  return { code, stderr };
}

describe("internal errors: exit 3", () => {
  const oneLine = "rnn-parity: internal error: boom next (a bug; run with --debug for the stack trace)\n";
  it.each([
    ["no debug", ["-V"], {}, false],
    ["DEBUG empty", ["-V"], { DEBUG: "" }, false],
    ["DEBUG=0", ["-V"], { DEBUG: "0" }, false],
    ["DEBUG=1", ["-V"], { DEBUG: "1" }, true],
    ["--debug", ["--debug", "-V"], {}, true],
  ])("%s", async (_label, argv, env, stack) => {
    const err = new Error("boom\n  next");
    const run = await runThrowing(argv, env, err);
    expect(run.code).toBe(3);
    if (stack) expect(run.stderr).toBe(`rnn-parity: internal error: ${err.stack ?? ""}\n`);
    else expect(run.stderr).toBe(oneLine);
  });

  it("a thrown non-Error is written as text, even with --debug", async () => {
    expect(await runThrowing(["--debug", "-V"], {}, "plain")).toEqual({
      code: 3,
      stderr: "rnn-parity: internal error: plain (a bug; run with --debug for the stack trace)\n",
    });
  });

  it("UsageError is named so", () => {
    expect(new UsageError("x").name).toBe("UsageError");
  });
});

describe("reporter options", () => {
  it.each([
    ["-rNAME cluster", ["check", "-rjson", "-o", "a.json"], ["check", "--reporter", "json:a.json"]],
    ["--reporter=NAME", ["check", "--reporter=junit", "--out=b.xml"], ["check", "--reporter", "junit:b.xml"]],
    ["-r alone at the end", ["check", "-r"], ["check", "-r"]],
    ["-r followed by --out", ["check", "-r", "--out", "x"], ["check", "--reporter", "--out", "x"]],
  ])("foldOutOptions %s", (_label, argv, folded) => {
    expect(foldOutOptions(argv)).toEqual(folded);
  });

  it("--out as the first argument belongs to no reporter", () => {
    expect(() => foldOutOptions(["--out", "x"])).toThrow(
      new UsageError("--out x: must directly follow the single --reporter NAME it applies to (or write --reporter NAME:FILE)"),
    );
  });

  it.each([
    ["items trimmed", [" json:a.json , pretty "], [{ name: "json", file: "a.json" }, { name: "pretty" }]],
    ["stdout dash", ["junit:-"], [{ name: "junit" }]],
    ["colon inside the file", ["html:a:b.html"], [{ name: "html", file: "a:b.html" }]],
  ])("parseReporters %s", (_label, values, specs) => {
    expect(parseReporters(values)).toEqual(specs);
  });

  it("an unknown name with a file says which part is the name", () => {
    expect(() => parseReporters(["junitx:r.xml"])).toThrow(
      new UsageError('--reporter junitx:r.xml: unknown reporter "junitx" (expected pretty, json, junit, html, github, optionally NAME:FILE)'),
    );
    expect(() => parseReporters([":r.xml"])).toThrow('unknown reporter ""');
  });
});

describe("--filter patterns", () => {
  it.each([
    ["regex needs the leading slash", "a/b/", ["xa/b/", "b"], [true, false]],
    ["regex needs the trailing slash", "/ab/x", ["/ab/x", "ab"], [true, false]],
    ["glob escapes regex characters", "a.b*", ["a.bc", "axbc"], [true, false]],
    ["glob ?", "a?c", ["abc", "abbc"], [true, false]],
  ])("%s", (_label, pattern, names, picked) => {
    expect(names.map(compileFilter(pattern))).toEqual(picked);
  });

  it("an invalid regex names the pattern", () => {
    expect(() => compileFilter("/(/")).toThrow(/^--filter \/\(\/: invalid regular expression \(Invalid regular expression: /);
  });
});

describe("inspect's numbers", () => {
  const t = (data: number[], dtype: "float32" | "float64" = "float64"): FixtureTensor =>
    ({ dtype, shape: [data.length], data: Float64Array.from(data) }) as unknown as FixtureTensor;
  it.each([
    ["plain", [3, -1, 2], { min: -1, max: 2 + 1, nan: 0, inf: 0 }],
    ["NaN skipped", [NaN, 1, NaN], { min: 1, max: 1, nan: 2, inf: 0 }],
    ["only NaN", [NaN], { min: null, max: null, nan: 1, inf: 0 }],
    ["empty", [], { min: null, max: null, nan: 0, inf: 0 }],
    ["infinities", [Infinity, 0, -Infinity], { min: -Infinity, max: Infinity, nan: 0, inf: 2 }],
    ["-0 then 0 keeps -0 as min", [-0, 0], { min: -0, max: -0, nan: 0, inf: 0 }],
  ])("summarizeTensor %s", (_label, data, expected) => {
    const s = summarizeTensor(t(data));
    expect({ min: s.min, max: s.max, nan: s.nan, inf: s.inf }).toEqual(expected);
  });

  it.each([
    [0.1 + 0.2, "float32", "0.3"],
    [0.1 + 0.2, "float64", "0.30000000000000004"],
    [Infinity, "float32", "Infinity"],
    [NaN, "float32", "NaN"],
    [null, "float32", "-"],
  ])("formatValue(%s, %s) is %s", (x, dtype, text) => {
    expect(formatValue(x, dtype)).toBe(text);
  });
});

describe("check: tolerance overrides and the summary line", () => {
  const jsonRun = async (extra: string[]): Promise<{ code: number; stdout: string; overrides: unknown }> => {
    const file = join(dir, `r${extra.join("_").replace(/[^a-z0-9]/gi, "")}.json`);
    const run = await runCli(["check", bundled(F64), "--oracle", "torch", "--reporter", `json:${file}`, ...extra]);
    const doc = JSON.parse(await readFile(file, "utf8")) as { tolerances: { overrides: unknown } };
    return { code: run.code, stdout: run.stdout.replace(file, "FILE"), overrides: doc.tolerances.overrides };
  };
  it.each([
    ["none", [], {}],
    ["--rtol", ["--rtol", "0.5"], { rtol: 0.5 }],
    ["--atol", ["--atol", " +2e-3 "], { atol: 0.002 }],
    ["both", ["--rtol", ".25", "--atol", "0"], { rtol: 0.25, atol: 0 }],
  ])("overrides %s", async (_label, extra, overrides) => {
    const r = await jsonRun(extra);
    expect(r.overrides).toEqual(overrides);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^rnn-parity: passed: \d+ comparisons over 1 cases: \d+ passed, 0 failed; wrote FILE\n$/);
  });

  it("a failing run says FAILED and lists every file written", async () => {
    const bad = await perturbedCopy(F64, dir, "outputs", "output", 1);
    const a = join(dir, "f.json");
    const b = join(dir, "f.xml");
    const run = await runCli(["check", bad, "--oracle", "torch", "-r", `json:${a},junit:${b}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(new RegExp(`^rnn-parity: FAILED: (\\d+) comparisons over 1 cases: \\d+ passed, [1-9]\\d* failed; wrote ${a.replace(/[.]/g, "\\.")}, ${b.replace(/[.]/g, "\\.")}\\n$`));
  });
});
