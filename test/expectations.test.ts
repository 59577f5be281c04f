/**
 * `check --expectations FILE`: an expected failure that fails is reported as such and does not fail
 * the run; one that passes (xpass) and an entry that matches nothing (stale) fail it; every
 * reporter shows the statuses. The failures are real: fixtures copied with one reference element
 * moved by 1e-3, run through our own layers, compared with torch's assert_close defaults.
 */
import { truncate, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_EXPECTATIONS_BYTES } from "../src/node/expectations/file.js";
import { bundled, perturbedCopy, plainCopy, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";
import { validateJsonReport } from "./helpers/json-report-schema.js";
import { xmlProblems } from "./helpers/xml-wellformed.js";

const FAILING = "RNNCell-tanh-bias-batched-hx-float64";
const PASSING = "RNNCell-relu-nobias-batched-hx-float64";
const PACKED = "GRU-packed-sorted-seqfirst-uni-L1-h0-float64";

let dir = "";
beforeAll(async () => {
  dir = await tempDir();
  await perturbedCopy(FAILING, dir, "outputs", "h_prime", 1e-3);
  await plainCopy(PASSING, dir);
  // Only the padded output moves: output_data, batch_sizes and h_n still pass.
  await perturbedCopy(PACKED, dir, "outputs", "output", 1e-3);
});
afterAll(removeTempDirs);

interface Row {
  case: string;
  tensor: string;
  passed: boolean;
  status: string;
  expectation: { entry: number; reason: string; link?: string } | null;
}
interface Doc {
  summary: { ok: boolean; passed: number; failed: number; expectedFailures: number; unexpectedPasses: number; staleExpectations: number; cases: number };
  comparisons: Row[];
  expectations: { file: string; entries: { entry: number; verdict: string; expectedFailures: number; unexpectedPasses: number }[] } | null;
}

type Entry = Record<string, unknown>;
const HELD: Entry[] = [
  { case: "RNNCell-tanh-*", reason: "bias_hh is dropped", link: "https://example.org/issue/1" },
  { case: "GRU-packed-*", reason: "padding is wrong" },
];

async function expectationsFile(entries: Entry[], implementation = "rnn-parity", name = "expectations.json"): Promise<string> {
  const file = join(dir, "..", `${relative(join(dir, ".."), dir)}-${name}`);
  await writeFile(file, JSON.stringify({ implementation, expectedFailures: entries }));
  return file;
}

async function check(entries: Entry[], ...extra: string[]): Promise<{ code: number; stdout: string; stderr: string; file: string }> {
  const file = await expectationsFile(entries);
  const r = await runCli(["check", "--oracle", "torch", "--expectations", file, ...extra, dir]);
  return { ...r, file };
}

function status(doc: Doc, c: string, tensor: string): string | undefined {
  return doc.comparisons.find((r) => r.case === c && r.tensor === tensor)?.status;
}

describe("check --expectations", () => {
  it("without the file, the perturbed cases fail (the failures the entries speak of are real)", async () => {
    const r = await runCli(["check", "--oracle", "torch", "--reporter", "json", dir]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.expectations).toBeNull();
    expect(doc.comparisons.filter((c) => !c.passed).map((c) => `${c.case} ${c.tensor}`).sort()).toEqual([`${PACKED} output`, `${FAILING} h_prime`]);
  });

  it("expected failures that fail: xfail with reason and link, the rest of the case still passes, exit 0", async () => {
    const r = await check(HELD, "--reporter", "json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(validateJsonReport(doc)).toEqual([]);
    expect(doc.summary).toMatchObject({ ok: true, failed: 0, expectedFailures: 2, unexpectedPasses: 0, staleExpectations: 0 });
    const xfail = doc.comparisons.find((c) => c.case === FAILING);
    expect(xfail).toMatchObject({ status: "xfail", passed: false, expectation: { entry: 0, reason: "bias_hh is dropped", link: "https://example.org/issue/1" } });
    expect(status(doc, PACKED, "output")).toBe("xfail");
    // An entry without a tensor speaks of the case: its passing tensors stay passes.
    expect(status(doc, PACKED, "h_n")).toBe("passed");
    expect(status(doc, PACKED, "batch_sizes")).toBe("passed");
    expect(status(doc, PASSING, "h_prime")).toBe("passed");
    expect(doc.expectations?.entries.map((e) => [e.verdict, e.expectedFailures])).toEqual([["held", 1], ["held", 1]]);
  });

  it("the pretty report lists them and still passes", async () => {
    const r = await check(HELD);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Expected failures (2)");
    expect(r.stdout).toContain(`~ expectedFailures[0] (case "RNNCell-tanh-*"): 1 comparison in 1 case failed as expected: bias_hh is dropped (https://example.org/issue/1)`);
    expect(r.stdout).toMatch(/PASSED 3 cases, \d+ comparisons: \d+ passed, 0 failed, 2 expected failures\n/);
    expect(r.stdout).not.toContain("Failures (");
  });

  it("an expected failure that passes is an unexpected pass: exit 1, naming the entry", async () => {
    const r = await check([...HELD, { case: PASSING, reason: "thought broken" }]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("Unexpected passes (1)");
    expect(r.stdout).toContain(`✗ expectedFailures[2] (case "${PASSING}") expects a failure, but these passed:\n  ${PASSING} · torch: h_prime`);
    expect(r.stdout).toMatch(/FAILED 3 cases, \d+ comparisons: \d+ passed, 0 failed, 2 expected failures, 1 unexpected pass \(1 case\)/);
  });

  it("an entry for one tensor that passes is an unexpected pass, and the failing tensor stays a failure", async () => {
    const r = await check([HELD[0] as Entry, { case: PACKED, tensor: "h_n", reason: "h_n is wrong" }], "--reporter", "json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as Doc;
    expect(validateJsonReport(doc)).toEqual([]);
    expect(status(doc, PACKED, "h_n")).toBe("xpass");
    expect(status(doc, PACKED, "output")).toBe("failed");
    expect(doc.summary).toMatchObject({ ok: false, failed: 1, expectedFailures: 1, unexpectedPasses: 1 });
    expect(doc.expectations?.entries[1]).toMatchObject({ verdict: "xpass", unexpectedPasses: 1 });
  });

  it("an entry that matches no case is stale and fails the run", async () => {
    const r = await check([...HELD, { case: "LSTM-nothing-*", reason: "gone" }]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Stale expectations (1)\n✗ expectedFailures[2] (case "LSTM-nothing-*"): matches no comparison of this run`);
  });

  it("a narrowed run does not judge the entries it did not exercise, but still refuses a glob that matches no case", async () => {
    const filtered = await check(HELD, "--filter", "RNNCell-tanh", "--reporter", "json");
    expect(filtered.code).toBe(0);
    const doc = JSON.parse(filtered.stdout) as Doc;
    expect(doc.expectations?.entries.map((e) => e.verdict)).toEqual(["held", "not exercised"]);
    const stale = await check([...HELD, { case: "LSTM-nothing-*", reason: "gone" }], "--filter", "RNNCell-tanh");
    expect(stale.code).toBe(1);
    // An onnxruntime entry in a torch-only run is not exercised either.
    const ort = await check([...HELD, { case: PASSING, oracle: "onnxruntime", reason: "ort differs" }], "--reporter", "json");
    expect(ort.code).toBe(0);
    expect((JSON.parse(ort.stdout) as Doc).expectations?.entries[2]).toMatchObject({ verdict: "not exercised" });
  });

  it("--fail-fast does not stop at an expected failure", async () => {
    const r = await check(HELD, "--fail-fast", "--reporter", "json");
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Doc).summary.cases).toBe(3);
  });

  it("the file is for one implementation: another name is a usage error naming both", async () => {
    const file = await expectationsFile(HELD, "tfjs", "other.json");
    const r = await runCli(["check", "--oracle", "torch", "--expectations", file, dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rnn-parity: ${file}: implementation: "tfjs", but the implementation under test is "rnn-parity"\n`);
    expect(r.stdout).toBe("");
  });
});

describe("an unusable expectations file is one line naming the file and the field, exit 2", () => {
  const cases: [string, string, string][] = [
    ["wrong oracle", JSON.stringify({ implementation: "rnn-parity", expectedFailures: [{ case: "a", reason: "r" }, { case: "b", oracle: "ort", reason: "r" }] }), `expectedFailures[1].oracle: expected "torch" or "onnxruntime", got the string "ort"`],
    ["oracle pair", JSON.stringify({ implementation: "rnn-parity", expectedFailures: [{ case: "b", oracle: "onnxruntime-vs-torch", reason: "r" }] }), `expectedFailures[0].oracle: expected "torch" or "onnxruntime", got the string "onnxruntime-vs-torch"`],
    ["unknown key in an entry", JSON.stringify({ implementation: "rnn-parity", expectedFailures: [{ case: "a", reason: "r", why: "x" }] }), "expectedFailures[0].why: unexpected field (expected only: case, reason, tensor, oracle, link)"],
    ["unknown key at the top", JSON.stringify({ implementation: "rnn-parity", expectedFailures: [], comment: "x" }), "comment: unexpected field (expected only: implementation, expectedFailures)"],
    ["missing reason", JSON.stringify({ implementation: "rnn-parity", expectedFailures: [{ case: "a" }] }), "expectedFailures[0].reason: missing required field"],
    ["empty reason", JSON.stringify({ implementation: "rnn-parity", expectedFailures: [{ case: "a", reason: "" }] }), "expectedFailures[0].reason: expected a non-empty string"],
    ["missing implementation", JSON.stringify({ expectedFailures: [] }), "implementation: missing required field"],
    ["unknown tensor", JSON.stringify({ implementation: "rnn-parity", expectedFailures: [{ case: "a", tensor: "hn", reason: "r" }] }), `expectedFailures[0].tensor: expected one of "output", "h_n", "h_prime", "c_n", "h1", "c1", "output_data", "batch_sizes", "sorted_indices", "unsorted_indices", "output_lengths", got the string "hn"`],
    ["a list that is not one", JSON.stringify({ implementation: "rnn-parity", expectedFailures: { case: "a" } }), "expectedFailures: expected an array, got a map"],
    ["duplicate entry", JSON.stringify({ implementation: "rnn-parity", expectedFailures: [{ case: "a", reason: "r" }, { case: "a", reason: "s" }] }), "expectedFailures[1]: the same case, tensor and oracle as expectedFailures[0]"],
    ["not JSON", "{ implementation: 1", "(json): not valid JSON ("],
    ["not an object", "[]", "expected a map, got an array of 0"],
  ];
  it.each(cases)("%s", async (_label, text, message) => {
    const file = join(await tempDir(), "expectations.json");
    await writeFile(file, text);
    const r = await runCli(["check", "--oracle", "torch", "--expectations", file, "--reporter", "json", bundled(PASSING)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.startsWith(`rnn-parity: ${file}: ${message}`)).toBe(true);
    expect(r.stderr.endsWith("\n")).toBe(true);
    expect(r.stderr.trimEnd()).not.toContain("\n");
  });

  it("a file over the size limit is refused before it is read", async () => {
    const file = join(await tempDir(), "expectations.json");
    await writeFile(file, "");
    await truncate(file, MAX_EXPECTATIONS_BYTES + 1);
    const r = await runCli(["check", "--expectations", file, bundled(PASSING)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rnn-parity: ${file}: (file): ${MAX_EXPECTATIONS_BYTES + 1} bytes, more than the reader's limit of ${MAX_EXPECTATIONS_BYTES}\n`);
  });

  it("a missing file", async () => {
    const file = join(await tempDir(), "none.json");
    const r = await runCli(["check", "--expectations", file, bundled(PASSING)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rnn-parity: ${file}: (file): cannot read: no such file\n`);
  });
});

describe("every reporter shows expected failures, unexpected passes and stale entries", () => {
  const entries = [...HELD, { case: PASSING, reason: "thought broken" }, { case: "LSTM-nothing-*", reason: "gone" }];

  it("JUnit: xfail as skipped type=xfail with the reason, xpass as a failure, stale entries as failing testcases; names the implementation", async () => {
    const r = await check(entries, "--reporter", "junit");
    expect(r.code).toBe(1);
    expect(xmlProblems(r.stdout)).toEqual([]);
    expect(r.stdout).toContain(`<skipped type="xfail" message="expected failure: h_prime: bias_hh is dropped (https://example.org/issue/1)"/>`);
    expect(r.stdout).toContain(`<failure message="unexpected pass: h_prime passed, but expectedFailures[2] expects a failure: thought broken" type="xpass">`);
    expect(r.stdout).toMatch(/<testsuite name="expectations" tests="1" failures="1"/);
    expect(r.stdout).toContain(`<failure message="stale expectation: expectedFailures[3] (case &quot;LSTM-nothing-*&quot;) matches no comparison of this run" type="stale">`);
    expect(r.stdout).toContain(`<property name="implementation" value="rnn-parity 0.1.0"/>`);
  });

  it("GitHub: errors on the expectations file for the xpass and the stale entry, a notice per entry that held", async () => {
    const r = await check(entries, "--reporter", "github");
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n").filter((l) => l.startsWith("::"));
    const file = (await expectationsFile(entries)).replace(/:/g, "%3A").replace(/,/g, "%2C");
    expect(lines.filter((l) => l.startsWith("::error")).map((l) => l.split("::")[1]?.replace(/,title=.*/, ""))).toEqual([`error file=${relative(process.cwd(), file) || file}`, `error file=${relative(process.cwd(), file) || file}`]);
    expect(lines.some((l) => l.includes("title=rnn-parity%3A unexpected pass%2C expectedFailures[2]"))).toBe(true);
    expect(lines.some((l) => l.includes("title=rnn-parity%3A stale expectation%2C expectedFailures[3]"))).toBe(true);
    expect(lines.filter((l) => l.startsWith("::notice"))).toHaveLength(2);
  });

  it("HTML: an expectations table with each entry's verdict", async () => {
    const out = join(await tempDir(), "report.html");
    const r = await check(entries, "--reporter", `html:${out}`);
    expect(r.code).toBe(1);
    const html = await import("node:fs/promises").then((fs) => fs.readFile(out, "utf8"));
    expect(html).toContain(`<table id="expectations">`);
    expect(html).toMatch(/<td class="fail">unexpected pass<\/td>/);
    expect(html).toMatch(/<td class="fail">stale<\/td>/);
    expect(html).toContain("expected failure</td>");
    expect(html).toContain("1 unexpected pass, 1 stale expectation");
  });
});

describe("runCheck's expectations option", () => {
  it("takes what readExpectations read, and the report says what became of each entry", async () => {
    const { readExpectations, resolveInputs, runCheck } = await import("../src/node/index.js");
    const file = await expectationsFile(HELD);
    const sources = await resolveInputs([dir]);
    const result = await runCheck({
      sources,
      oracles: ["torch"],
      onnxWhereAvailable: false,
      overrides: {},
      filters: [],
      failFast: false,
      toolVersion: "test",
      expectations: await readExpectations(file),
    });
    expect(result.summary).toMatchObject({ failed: 0, expectedFailures: 2, unexpectedPasses: 0, staleExpectations: 0 });
    expect(result.expectations?.entries.map((e) => e.verdict)).toEqual(["held", "held"]);
  });
});
