/**
 * `check --impl`: a third-party adapter written outside the repo (a temp dir, plain JS, no import of
 * this package) with a realistic porting bug, bias_hh forgotten. It must fail exactly where the bug
 * shows (RNNCell with bias), pass where it cannot (no bias), count what it declines as unsupported,
 * and a run that compared nothing exits 1. Load errors are one line naming the adapter file.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundled, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";
import { validateJsonReport } from "./helpers/json-report-schema.js";
import { xmlProblems } from "./helpers/xml-wellformed.js";

const BROKEN = `
export default {
  name: "naive-cell", version: "0.0.1",
  supports: (spec) => spec.module === "RNNCell" || "only RNNCell",
  create(spec) {
    const H = spec.config.hidden_size, I = spec.config.input_size;
    let sd;
    return {
      loadStateDict(s) { sd = s; },
      forward(input, hx) {
        const batched = input.shape.length === 2, B = batched ? input.shape[0] : 1;
        const out = new Float64Array(B * H);
        for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
          let z = spec.config.bias ? sd.bias_ih.data[j] : 0; // bug: bias_hh forgotten
          for (let i = 0; i < I; i++) z += sd.weight_ih.data[j * I + i] * input.data[b * I + i];
          if (hx) for (let k = 0; k < H; k++) z += sd.weight_hh.data[j * H + k] * hx.data[b * H + k];
          out[b * H + j] = spec.config.nonlinearity === "tanh" ? Math.tanh(z) : Math.max(0, z);
        }
        return { data: out, shape: batched ? [B, H] : [H] };
      },
    };
  },
};`;

afterAll(removeTempDirs);

async function adapterFile(text: string): Promise<string> {
  const file = join(await tempDir(), "adapter.mjs");
  await writeFile(file, text);
  return file;
}

describe("check --impl with a third-party adapter", () => {
  it("fails on h_prime where bias_hh matters, and names the implementation", async () => {
    const file = await adapterFile(BROKEN);
    const r = await runCli(["check", "--impl", file, "--oracle", "torch", "--reporter", "json", bundled("RNNCell-tanh-bias-batched-hx-float64")]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { implementation: { name: string; version: string }; comparisons: { tensor: string; passed: boolean }[] };
    expect(doc.implementation).toEqual({ name: "naive-cell", version: "0.0.1" });
    expect(doc.comparisons.map((c) => [c.tensor, c.passed])).toEqual([["h_prime", false]]);
  });

  it("passes where the bug cannot show (no bias)", async () => {
    const file = await adapterFile(BROKEN);
    const r = await runCli(["check", "--impl", file, "--oracle", "torch", bundled("RNNCell-relu-nobias-batched-hx-float64")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("naive-cell 0.0.1: rnn-parity 0.1.0 check");
  });

  it("counts unsupported cases, never as passes: nothing compared exits 1", async () => {
    const file = await adapterFile(BROKEN);
    const r = await runCli(["check", "--impl", file, "--oracle", "torch", bundled("LSTM-batch1-bidir-L2-noh0-float64")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("unsupported by naive-cell: 1 case");
    expect(r.stdout).toContain("FAILED 1 case (0 compared, 1 unsupported), 0 comparisons");
    expect(r.stdout).toContain("nothing was compared");
  });

  it("a file without an adapter is one line naming the file", async () => {
    const file = await adapterFile("export default { name: 'x' };");
    const r = await runCli(["check", "--impl", file, bundled("RNNCell-relu-nobias-batched-hx-float64")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`rnn-parity: ${file}: default.create: must be a function\n`);
  });

  it("a wrong result shape is that case's error, one line naming the adapter file; the run exits 1", async () => {
    const file = await adapterFile(BROKEN.replace("shape: batched ? [B, H] : [H]", "shape: [1]"));
    const r = await runCli(["check", "--impl", file, "--oracle", "torch", "--reporter", "json", bundled("RNNCell-relu-nobias-batched-hx-float64")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const doc = JSON.parse(r.stdout) as { errors: { message: string; status: string }[]; summary: { errors: number; ok: boolean } };
    expect(doc.summary).toMatchObject({ errors: 1, ok: false });
    expect(doc.errors[0]?.message).toMatch(new RegExp(`^${escape(file)}: h_prime: naive-cell on RNNCell-relu-nobias-batched-hx-float64: [^\n]+$`));
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const PASS = "RNNCell-relu-nobias-batched-hx-float64";
const OTHER = "RNNCell-tanh-nobias-batched-hx-float64";

describe("an adapter that throws fails that case, not the run", () => {
  // Throws in one call for the tanh case only; the relu case (no bias: the bug cannot show) passes.
  const throwing = (call: string) =>
    BROKEN.replace(
      "supports: (spec) => spec.module === \"RNNCell\" || \"only RNNCell\",",
      `supports: (spec) => { if (${JSON.stringify(call)} === "supports" && spec.config.nonlinearity === "tanh") throw new RangeError("no tanh\\nhere"); return spec.module === "RNNCell" || "only RNNCell"; },`,
    )
      .replace("create(spec) {", `create(spec) { if (${JSON.stringify(call)} === "create" && spec.config.nonlinearity === "tanh") throw new Error("cannot build tanh");`)
      .replace("loadStateDict(s) { sd = s; },", `loadStateDict(s) { if (${JSON.stringify(call)} === "loadStateDict" && spec.config.nonlinearity === "tanh") throw new TypeError("bad key"); sd = s; },`)
      .replace("forward(input, hx) {", `forward(input, hx) { if (${JSON.stringify(call)} === "forward" && spec.config.nonlinearity === "tanh") throw "a string";`);

  it.each([
    ["supports", "supports(): naive-cell on OTHER: threw RangeError: no tanh; here"],
    ["create", "create(): naive-cell on OTHER: threw cannot build tanh"],
    ["loadStateDict", "loadStateDict(): naive-cell on OTHER: threw TypeError: bad key"],
    ["forward", "forward(): naive-cell on OTHER: threw a string"],
  ])("%s() throws: that case is an error naming the adapter file, the call and the case; the other case passes; exit 1", async (call, message) => {
    const file = await adapterFile(throwing(call));
    const r = await runCli(["check", "--impl", file, "--oracle", "torch", "--reporter", "json", bundled(PASS), bundled(OTHER)]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      errors: { case: string; message: string; status: string }[];
      comparisons: { case: string; status: string }[];
      summary: { errors: number; ok: boolean; passed: number };
    };
    expect(validateJsonReport(doc)).toEqual([]);
    expect(doc.errors).toEqual([
      expect.objectContaining({ case: OTHER, status: "error", message: `${file}: ${message.replace("OTHER", OTHER)}` }),
    ]);
    expect(doc.comparisons.map((c) => [c.case, c.status])).toEqual([[PASS, "passed"]]);
    expect(doc.summary).toMatchObject({ errors: 1, ok: false, passed: 1 });
  });

  it("every reporter shows it: pretty, JUnit <error>, GitHub ::error", async () => {
    const file = await adapterFile(throwing("forward"));
    const args = ["check", "--impl", file, "--oracle", "torch", bundled(PASS), bundled(OTHER)];
    const pretty = await runCli(args);
    expect(pretty.code).toBe(1);
    expect(pretty.stdout).toContain(`Errors (1): the implementation could not run these cases\n✗ ${OTHER}\n`);
    expect(pretty.stdout).toMatch(/FAILED 2 cases, 1 comparison: 1 passed, 0 failed, 1 case error\n/);
    const junit = await runCli([...args, "--reporter", "junit"]);
    expect(xmlProblems(junit.stdout)).toEqual([]);
    expect(junit.stdout).toMatch(/<testsuites name="rnn-parity" tests="2" failures="0" errors="1"/);
    expect(junit.stdout).toContain(`classname="RNNCell.implementation"`);
    expect(junit.stdout).toContain(`<error message="${file}: forward(): naive-cell on ${OTHER}: threw a string" type="AdapterError"/>`);
    const github = await runCli([...args, "--reporter", "github"]);
    expect(github.stdout.split("\n").filter((l) => l.startsWith("::error"))).toHaveLength(1);
  });

  it("an expectations entry for the case makes the error expected: exit 0", async () => {
    const file = await adapterFile(throwing("create"));
    const dir = await tempDir();
    const expectations = join(dir, "expectations.json");
    await writeFile(expectations, JSON.stringify({ implementation: "naive-cell", expectedFailures: [{ case: "RNNCell-tanh-*", reason: "no tanh yet" }] }));
    const r = await runCli(["check", "--impl", file, "--expectations", expectations, "--oracle", "torch", "--reporter", "json", bundled(PASS), bundled(OTHER)]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { errors: { status: string; expectation: unknown }[]; summary: { errors: number; expectedErrors: number }; expectations: { entries: { verdict: string }[] } };
    expect(validateJsonReport(doc)).toEqual([]);
    expect(doc.errors[0]).toMatchObject({ status: "xfail", expectation: { entry: 0, reason: "no tanh yet" } });
    expect(doc.summary).toMatchObject({ errors: 0, expectedErrors: 1 });
    expect(doc.expectations.entries[0]?.verdict).toBe("held");
  });

  it("an adapter file that does not load is still a usage error (exit 2, one line)", async () => {
    const file = await adapterFile("export default {;");
    const r = await runCli(["check", "--impl", file, bundled(PASS)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^rnn-parity: ${escape(file)}: cannot load the adapter: [^\n]+\n$`));
  });
});
