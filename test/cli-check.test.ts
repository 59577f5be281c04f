/** `rnn-parity check` end to end, in-process, on the bundled fixtures and edited copies of them. */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readManifest } from "../src/node/readers/manifest.js";
import type { Manifest } from "../src/core/format/types.js";
import { bundled, perturbedCopy, plainCopy, runCli, removeTempDirs, tempDir } from "./helpers/cli-run.js";
import { validateJsonReport } from "./helpers/json-report-schema.js";
import { xmlProblems } from "./helpers/xml-wellformed.js";

afterAll(removeTempDirs);

const F32 = "RNN-tanh-bias-seqfirst-uni-L1-h0-float32";
const F64 = "RNN-tanh-bias-seqfirst-uni-L1-h0-float64";
const CELL64 = "RNNCell-tanh-bias-batched-hx-float64";

let manifest: Manifest;
let dir: string;
beforeAll(async () => {
  manifest = await readManifest();
  dir = await tempDir();
});

/** Exit 2: nothing on stdout and exactly one stderr line, "rnn-parity: <what>". */
function expectUsageFailure(run: { code: number; stdout: string; stderr: string }, mention: string): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr.endsWith("\n")).toBe(true);
  expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(run.stderr).toMatch(/^rnn-parity: /);
  expect(run.stderr).toContain(mention);
}

describe("on the bundled fixtures", () => {
  it("passes, prints a short summary (--verbose: every case), and writes JSON and JUnit reports that validate", async () => {
    const json = join(dir, "bundled", "report.json");
    const xml = join(dir, "bundled", "parity.xml");
    const run = await runCli(["check", "--reporter", "pretty", "--reporter", `json:${json}`, "--reporter", "junit", "--out", xml]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(40);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(100);
    expect(lines.at(-1)).toMatch(new RegExp(`^PASSED ${manifest.cases.length} cases, \\d+ comparisons: \\d+ passed, 0 failed$`));
    const verbose = await runCli(["check", "--verbose"]);
    for (const c of manifest.cases) expect(verbose.stdout).toContain(c.name);

    const doc = JSON.parse(await readFile(json, "utf8")) as { summary: { cases: number; ok: boolean }; comparisons: { case: string; oracle: string }[] };
    expect(validateJsonReport(doc)).toEqual([]);
    expect(doc.summary).toMatchObject({ cases: manifest.cases.length, ok: true });
    const torchCases = new Set(doc.comparisons.filter((c) => c.oracle === "torch").map((c) => c.case));
    expect(torchCases.size).toBe(manifest.cases.length);

    const report = await readFile(xml, "utf8");
    expect(xmlProblems(report)).toEqual([]);
    expect(report).toContain('failures="0"');
    for (const c of manifest.cases) expect(report).toContain(`<testcase name="${c.name}" classname="${c.module}.torch"`);
    // Two full runs of the 608 cases: 16-18 s each alone (measured), over 60 s when the shared
    // 2-core machine runs the whole suite beside other work.
  }, 180_000);

  it("runs only the cases --filter selects", async () => {
    const run = await runCli(["check", "--filter", "RNNCell-*-float64", "--filter", `/^${F32}$/`, "--reporter", "json"]);
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { comparisons: { case: string }[]; filters: string[] };
    const cases = new Set(doc.comparisons.map((c) => c.case));
    const expected = manifest.cases.filter((c) => (c.module === "RNNCell" && c.dtype === "float64") || c.name === F32).map((c) => c.name);
    expect([...cases].sort()).toEqual(expected.sort());
    expect(doc.filters).toEqual(["RNNCell-*-float64", `/^${F32}$/`]);
  });
});

describe("a reference that moved", () => {
  it("by 1e-3 fails with exit 1, and the JUnit report names the case", async () => {
    const moved = await tempDir();
    const file = await perturbedCopy(F32, moved, "outputs", "output", 1e-3);
    await plainCopy(F64, moved);
    const xml = join(moved, "out", "parity.xml");
    const run = await runCli(["check", moved, "--reporter", "pretty", "--reporter", `junit:${xml}`]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`✗ ${F32}\n  torch · output [`);
    expect(run.stdout).toMatch(/x tolerance at index \(\d+, \d+, \d+\)/);
    expect(run.stdout).toContain(`  file: ${file}`);
    expect(run.stdout).toContain("Mismatched elements: 1 / ");
    expect(run.stdout).toContain("FAILED 2 cases");

    const report = await readFile(xml, "utf8");
    expect(xmlProblems(report)).toEqual([]);
    const testcase = new RegExp(`<testcase name="${F32}" classname="RNN\\.torch" file="${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"[^>]*>\\s*<failure message="output: Tensor-likes are not close!"`);
    expect(report).toMatch(testcase);
    expect(report).toContain("Greatest absolute difference:");
    expect(report).toMatch(new RegExp(`<testcase name="${F64}" classname="RNN\\.torch"[^>]*>\\s*<system-out>`));
  });

  it("by 1e-3 in float64 fails too, and --fail-fast stops at the first failing case", async () => {
    const moved = await tempDir();
    await perturbedCopy(CELL64, moved, "outputs", "h_prime", 1e-3);
    await perturbedCopy(F64, moved, "outputs", "h_n", 1e-3, 2);
    const all = await runCli(["check", moved, "--reporter", "json"]);
    expect(all.code).toBe(1);
    expect(JSON.parse(all.stdout)).toMatchObject({ summary: { cases: 2, failedCases: 2, stoppedEarly: false } });
    const fast = await runCli(["check", moved, "--reporter", "json", "--fail-fast"]);
    expect(fast.code).toBe(1);
    expect(JSON.parse(fast.stdout)).toMatchObject({ failFast: true, summary: { cases: 1, failedCases: 1, stoppedEarly: true, notRun: 1 } });
  });

  it("by 1e-9 still passes (float64 and float32)", async () => {
    const moved = await tempDir();
    const f64 = await perturbedCopy(F64, moved, "outputs", "output", 1e-9);
    await perturbedCopy(CELL64, moved, "outputs", "h_prime", -1e-9, 3);
    await perturbedCopy(F32, moved, "outputs", "output", 1e-9);
    // The edit is real: the copy differs from the bundled file.
    expect(Buffer.compare(await readFile(f64), await readFile(bundled(F64)))).not.toBe(0);
    const run = await runCli(["check", moved, "--reporter", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { summary: { cases: number; failed: number }; comparisons: { case: string; maxAbsDiff: number }[] };
    expect(doc.summary).toMatchObject({ cases: 3, failed: 0 });
    const moved64 = doc.comparisons.find((c) => c.case === F64);
    expect(moved64?.maxAbsDiff).toBeGreaterThan(0);
  });

  it("passes with --atol wide enough, and every row shows the override", async () => {
    const moved = await tempDir();
    await perturbedCopy(F32, moved, "outputs", "output", 1e-3);
    const run = await runCli(["check", moved, "--atol", "1e-2", "--verbose"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("tolerances: OVERRIDDEN atol=1e-2");
    expect(run.stdout.match(/1\.3e-6 \/ 1e-2/g)).toHaveLength(2);
  });
});

describe("bad input: exit 2, one line naming the file, no report written", () => {
  it("a file that is no fixture", async () => {
    const bad = join(dir, "not-a-fixture.msgpack");
    await writeFile(bad, "this is not msgpack\n");
    const xml = join(dir, "bad", "parity.xml");
    const run = await runCli(["check", bundled(F32), bad, "--reporter", `junit:${xml}`]);
    expectUsageFailure(run, `rnn-parity: ${bad}: `);
    expect(existsSync(xml)).toBe(false);
    expect(existsSync(join(dir, "bad"))).toBe(false);
  });

  it("a truncated fixture", async () => {
    const cut = join(dir, `${F64}.msgpack`);
    const bytes = await readFile(bundled(F64));
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expectUsageFailure(await runCli(["check", cut]), cut);
  });

  it("a missing path, an .onnx given to check, a folder without fixtures", async () => {
    const missing = join(dir, "nope.msgpack");
    expectUsageFailure(await runCli(["check", missing]), `${missing}: `);
    const onnx = join(dir, "model.onnx");
    await writeFile(onnx, "");
    expectUsageFailure(await runCli(["check", onnx]), `${onnx}: `);
    const empty = await tempDir();
    expectUsageFailure(await runCli(["check", empty]), `${empty}: `);
  });

  it("a case without a model when --oracle asks for onnxruntime", async () => {
    const only = await tempDir();
    const file = await plainCopy(F32, only);
    expectUsageFailure(await runCli(["check", file, "--oracle", "onnxruntime"]), `${file}: onnx: `);
  });
});

describe("bad usage: exit 2 and one line", () => {
  it.each([
    [["check", "--reporter", "xml"], "unknown reporter"],
    [["check", "--reporter", "pretty,json"], "both write to stdout"],
    [["check", "--out", "x.xml"], "--out x.xml"],
    [["check", "--oracle", "tensorflow"], "unknown oracle"],
    [["check", "--rtol", "abc"], "--rtol abc"],
    [["check", "--atol", "-1"], "--atol -1"],
    [["check", "--filter", "no-such-case-anywhere"], "matches none of the"],
    [["check", "--frobnicate"], "unknown option"],
    [["frobnicate"], "unknown command"],
    [["inspect"], "missing required argument"],
  ])("%j", async (argv, mention) => {
    expectUsageFailure(await runCli(argv), mention);
  });

  it("prints help with exit 0", async () => {
    const run = await runCli(["check", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("--reporter <name[:file]>");
  });
});

describe("internal errors", () => {
  it("exit 3 with one line, and the stack only with --debug", async () => {
    const failing = { write: (): never => { throw new Error("disk on fire"); }, isTTY: false };
    let stderr = "";
    const io = { stdout: failing, stderr: { write: (s: string) => (stderr += s) }, env: {} };
    const { main } = await import("../src/node/cli/program.js");
    expect(await main(["check", "--filter", F32], io)).toBe(3);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toContain("internal error: disk on fire");
    stderr = "";
    expect(await main(["--debug", "check", "--filter", F32], io)).toBe(3);
    expect(stderr).toContain("    at ");
  });
});
