/**
 * What `check` does around the run, in process on a few real fixtures: --oracle lists, tolerance
 * overrides, which reporter renders what (pretty never gets workflow commands; report files never
 * get colour), the GitHub step summary, progress ticks and onnxruntime's log level. The
 * whole-fixture runs are in cli-check.test.ts; these are the mutation suite's (io group's) view.
 */
import { EventEmitter } from "node:events";
import { copyFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/node/cli/program.js";
import { PROGRESS_MIN_CASES } from "../src/node/cli/progress.js";
import { loadOnnxRuntime } from "../src/node/oracles/ort-loader.js";
import { DEFAULT_FIXTURES_DIR } from "../src/node/readers/manifest.js";
import { bundled, perturbedCopy, plainCopy, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

const WITH_ONNX = "RNNCell-tanh-bias-batched-hx-float32";
const FAILING = "RNNCell-tanh-bias-batched-hx-float64";

let passing = "";
let failing = "";
let withModel = "";
beforeAll(async () => {
  passing = await tempDir();
  await plainCopy(WITH_ONNX, passing);
  failing = await tempDir();
  await perturbedCopy(FAILING, failing, "outputs", "h_prime", 1e-3);
  withModel = await tempDir();
  await plainCopy(WITH_ONNX, withModel);
  await copyFile(join(DEFAULT_FIXTURES_DIR, "onnx", `${WITH_ONNX}.onnx`), join(withModel, `${WITH_ONNX}.onnx`));
});

interface JsonDoc {
  oracles: string[];
  comparisons: { oracle: string }[];
}
const json = (stdout: string) => JSON.parse(stdout) as JsonDoc;

describe("check: --oracle and tolerances", () => {
  it("a repeated oracle runs once", async () => {
    const run = await runCli(["check", withModel, "--oracle", "torch,torch", "--oracle", "onnxruntime,torch", "--reporter", "json"]);
    expect(run.code).toBe(0);
    expect(json(run.stdout).oracles).toEqual(["torch", "onnxruntime"]);
    expect(json(run.stdout).comparisons.map((c) => c.oracle)).toEqual(["torch", "onnxruntime", "onnxruntime-vs-torch"]);
  });

  it("named explicitly, onnxruntime is required for every case; by default it runs where a model is", async () => {
    const explicit = await runCli(["check", passing, "--oracle", "torch,onnxruntime", "--reporter", "json"]);
    expect(explicit.code).toBe(2);
    expect(explicit.stderr).toContain(`${join(passing, `${WITH_ONNX}.msgpack`)}: onnx: no ONNX model for this case, but --oracle asks for onnxruntime`);
    const byDefault = await runCli(["check", passing, "--reporter", "json"]);
    expect(byDefault.code).toBe(0);
    expect(json(byDefault.stdout).oracles).toEqual(["torch", "onnxruntime"]);
  });

  it("only the tolerances given are overridden", async () => {
    const overrides = async (...flags: string[]) => (json((await runCli(["check", passing, ...flags, "--reporter", "json"])).stdout) as unknown as { tolerances: { overrides: unknown } }).tolerances.overrides;
    expect([await overrides("--atol", "0.5"), await overrides("--rtol", "0.25"), await overrides()]).toEqual([{ atol: 0.5 }, { rtol: 0.25 }, {}]);
    const header = (await runCli(["check", passing, "--atol", "0.5"])).stdout.split("\n")[1];
    expect(header?.split(" (")[0]).toBe("tolerances: OVERRIDDEN atol=5e-1");
  });
});

describe("check: reporters", () => {
  it("pretty output of a failing run has no workflow commands (those are the github reporter's)", async () => {
    const pretty = await runCli(["check", failing]);
    expect(pretty.code).toBe(1);
    expect(pretty.stdout).not.toContain("::error");
    const github = await runCli(["check", failing, "--reporter", "github"]);
    expect(github.stdout).toContain("::error file=");
  });

  it("-v lists every comparison in the pretty report", async () => {
    const plain = await runCli(["check", passing]);
    const verbose = await runCli(["check", passing, "-v"]);
    expect(verbose.stdout.length).toBeGreaterThan(plain.stdout.length);
    expect(verbose.stdout).toContain("h_prime");
  });

  it("a pretty report written to a file has no colour, even where stdout would", async () => {
    const dir = await tempDir();
    const file = join(dir, "report.txt");
    let stdout = "";
    const code = await main(["check", failing, "--reporter", `pretty:${file}`], {
      stdout: { write: (s: string) => (stdout += s), isTTY: true },
      stderr: { write: () => true, isTTY: false },
      env: { FORCE_COLOR: "1" },
    });
    expect(code).toBe(1);
    const text = await readFile(file, "utf8");
    expect(text).toContain("FAILED");
    expect(text).not.toContain("\u001b[");
  });

  it("the step summary is appended only for the github reporter", async () => {
    const dir = await tempDir();
    const summary = join(dir, "summary.md");
    await writeFile(summary, "earlier step\n");
    await runCli(["check", passing, "--reporter", "json"], { GITHUB_STEP_SUMMARY: summary });
    expect(await readFile(summary, "utf8")).toBe("earlier step\n");
    await runCli(["check", passing, "--reporter", "github"], { GITHUB_STEP_SUMMARY: summary });
    const text = await readFile(summary, "utf8");
    expect(text.startsWith("earlier step\n## rnn-parity check: ✅ PASSED")).toBe(true);
    // github among other reporters is enough.
    await runCli(["check", passing, "--reporter", `json:${join(dir, "r.json")}`, "--reporter", "github"], { GITHUB_STEP_SUMMARY: summary });
    expect((await readFile(summary, "utf8")).split("## rnn-parity check").length).toBe(3);
  });

  it("a step summary that cannot be appended to is one line, exit 2", async () => {
    const dir = await tempDir();
    const run = await runCli(["check", passing, "--reporter", "github"], { GITHUB_STEP_SUMMARY: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`rnn-parity: ${dir}: cannot append the GitHub step summary: is a directory\n`);
  });

  it("a folder without fixtures: no cases to check", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "empty"));
    const run = await runCli(["check", join(dir, "empty")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no cases to check|no \.msgpack/);
  });
});

describe("check: around the run", () => {
  it("onnxruntime is silenced before a model is loaded, and only when one will be", async () => {
    const ort = await loadOnnxRuntime();
    ort.env.logLevel = "warning";
    await runCli(["check", withModel, "--oracle", "torch", "--reporter", "json"]);
    await runCli(["check", passing, "--reporter", "json"]);
    expect(ort.env.logLevel).toBe("warning");
    const mixed = await tempDir();
    await plainCopy(FAILING, mixed);
    await plainCopy(WITH_ONNX, mixed);
    await copyFile(join(withModel, `${WITH_ONNX}.onnx`), join(mixed, `${WITH_ONNX}.onnx`));
    // One case of two has a model: that is enough.
    await runCli(["check", mixed, "--reporter", "json"]);
    expect(ort.env.logLevel).toBe("fatal");
  });

  it("the progress bar counts cases on a terminal, and is cleared at the end", async () => {
    const dir = await tempDir();
    const names = (await readdir(join(DEFAULT_FIXTURES_DIR, "float64"))).filter((n) => n.startsWith("RNN")).slice(0, PROGRESS_MIN_CASES);
    for (const n of names) await copyFile(bundled(n.replace(/\.msgpack$/, "")), join(dir, n));
    let bar = "";
    const stream = Object.assign(new EventEmitter(), {
      isTTY: true,
      columns: 120,
      write: (s: string) => ((bar += s), true),
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    }) as unknown as NodeJS.WriteStream;
    const code = await main(["check", dir, "--reporter", "json"], {
      stdout: { write: () => true, isTTY: false },
      stderr: { write: () => true, isTTY: false },
      env: {},
      progressStream: stream,
    });
    expect(code).toBe(0);
    expect(bar).toContain(`${PROGRESS_MIN_CASES}/${PROGRESS_MIN_CASES} cases`);
    expect(bar).toContain("\u001b[?25h"); // the cursor shown again: the bar was stopped
  });
});
