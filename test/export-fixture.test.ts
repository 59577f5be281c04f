/**
 * export_fixture (python/rnn_parity, docs/export-your-model.md) end to end: models a user would
 * check (trained, random, packed, projected, a float64 cell), each exported with one Python call,
 * pass `rnn-parity check` against torch and onnxruntime; a tampered weight fails it; the command
 * line form adds a case to the same folder; bad input is one error naming the argument, with nothing
 * written. Needs a Python with torch (helpers/python.ts); without one the file is one skipped test.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { perturbedFile, removeTempDirs, runCli, tempDir } from "./helpers/cli-run.js";
import { REPO, findTorchPython } from "./helpers/python.js";

const found = findTorchPython();
const PYTHONPATH = join(REPO, "python");
/** The cases test/python/export_models.py writes, and the one the command line adds. */
const EXPORTED = ["trained-lstm", "random-gru", "packed-lstm", "padded-gru", "proj-lstm", "cell-lstm-f64", "replaced"];
const CLI_CASES = ["cli-rnn", "cli-encoder"];

/** Case label in test/python/export_bad_inputs.py -> the argument its one-line error must name. */
const BAD_INPUT: [string, string][] = [
  ["module is not a torch module", "module"],
  ["module wraps an LSTM", "module"],
  ["module is a Linear", "module"],
  ["module overrides forward", "module"],
  ["module is float16", "module"],
  ["input is a list", "input"],
  ["input has another dtype", "input"],
  ["input has the wrong feature size", "input"],
  ["input has four dimensions", "input"],
  ["input holds NaN", "input"],
  ["input is empty", "input"],
  ["input is a PackedSequence for a cell", "input"],
  ["hx has the wrong shape", "hx"],
  ["hx of an LSTM is one tensor", "hx"],
  ["hx of a GRU is a tuple", "hx"],
  ["c_0 has the wrong batch", "hx[1]"],
  ["lengths with a cell", "lengths"],
  ["lengths not sorted", "lengths"],
  ["lengths for another batch", "lengths"],
  ["lengths beyond the input", "lengths"],
  ["lengths are floats", "lengths"],
  ["enforce_sorted without lengths", "enforce_sorted"],
  ["out is a file", "out"],
  ["out is below a file", "out"],
  ["out holds other files", "out"],
  ["name has a slash", "name"],
  ["name is empty", "name"],
  ["name is taken", "name"],
  ["seed is too large", "seed"],
  ["onnx is not a bool", "onnx"],
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function python(args: string[]): Run {
  const r = spawnSync(found.python as string, args, {
    cwd: REPO,
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH, PYTHONDONTWRITEBYTECODE: "1" },
    timeout: 240_000,
  });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

function mustRun(what: string, args: string[]): Run {
  const r = python(args);
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}\n${r.stdout}${r.stderr}`);
  return r;
}

interface Comparison {
  case: string;
  oracle: string;
  tensor: string;
  passed: boolean;
}

async function check(folder: string, report: string): Promise<{ code: number; comparisons: Comparison[]; stderr: string }> {
  const run = await runCli(["check", folder, "--reporter", `json:${report}`, "--no-progress"]);
  const comparisons = existsSync(report) ? (JSON.parse(readFileSync(report, "utf8")) as { comparisons: Comparison[] }).comparisons : [];
  return { code: run.code, comparisons, stderr: run.stderr };
}

afterAll(removeTempDirs);

if (found.skip !== undefined) {
  it.skip(`export_fixture (skipped: ${found.skip})`, () => {});
} else {
  describe("export_fixture: a user's own models, one call each", () => {
    let out: string;
    let work: string;
    let saved: string;
    let exported: { seconds: Record<string, number>; overwrite_replaced: boolean; overwrite_identical: boolean };
    let cliRuns: Run[];
    let result: { code: number; comparisons: Comparison[]; stderr: string };

    beforeAll(async () => {
      work = await tempDir();
      out = join(work, "my-fixtures");
      saved = join(work, "saved");
      exported = JSON.parse(mustRun("export_models.py", ["test/python/export_models.py", out, saved]).stdout) as typeof exported;
      cliRuns = [
        python(["python/export_fixture.py", join(saved, "rnn.pt"), "--input", join(saved, "input.pt"), "--hx", join(saved, "h0.pt"), "--out", out, "--name", "cli-rnn"]),
        python(["python/export_fixture.py", `${join(saved, "mymodel.py")}:Seq2Seq`, "--state-dict", join(saved, "seq2seq.pt"), "--submodule", "encoder", "--input", join(saved, "encoder-input.pt"), "--out", out, "--name", "cli-encoder"]),
      ];
      result = await check(out, join(work, "report.json"));
    }, 300_000);

    it.each(CLI_CASES.map((name, i) => [name, i] as const))("the command line adds %s to the folder: exit 0, one line naming what it wrote", (name, i) => {
      const run = cliRuns[i] as Run;
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout.trimEnd().split("\n")).toHaveLength(1);
      expect(run.stdout).toContain(`wrote float32/${name}.msgpack and onnx/${name}.onnx`);
    });

    it("exports every model; overwrite=True replaces a case, and the same export again writes the same bytes", () => {
      expect(Object.keys(exported.seconds)).toEqual(EXPORTED);
      expect(exported.overwrite_replaced).toBe(true);
      expect(exported.overwrite_identical).toBe(true);
    });

    it("rnn-parity check on the folder exits 0", () => {
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
    });

    it.each([...EXPORTED, ...CLI_CASES])("%s is compared with torch and onnxruntime, and passes", (name) => {
      const mine = result.comparisons.filter((c) => c.case === name);
      expect(new Set(mine.map((c) => c.oracle))).toEqual(new Set(["torch", "onnxruntime", "onnxruntime-vs-torch"]));
      expect(mine.filter((c) => !c.passed)).toEqual([]);
    });

    it("a weight changed after export (manifest sha256 updated too) fails the check against both oracles", async () => {
      const tampered = join(work, "tampered");
      cpSync(out, tampered, { recursive: true });
      const file = join(tampered, "float32", "trained-lstm.msgpack");
      await perturbedFile(file, file, "state_dict", "weight_hh_l1", 0.05, 3);
      const manifestPath = join(tampered, "manifest.json");
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { cases: { name: string; sha256: string }[] };
      const entry = manifest.cases.find((c) => c.name === "trained-lstm");
      if (!entry) throw new Error("trained-lstm is not in the manifest");
      entry.sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
      writeFileSync(manifestPath, JSON.stringify(manifest));
      const run = await check(tampered, join(work, "tampered.json"));
      expect(run.code).toBe(1);
      const failed = new Set(run.comparisons.filter((c) => !c.passed).map((c) => `${c.case} ${c.oracle}`));
      expect(failed).toEqual(new Set(["trained-lstm torch", "trained-lstm onnxruntime"]));
    });

    it("a fixture changed without its manifest entry is refused, naming its sha256 (exit 2)", async () => {
      const edited = join(work, "edited");
      cpSync(out, edited, { recursive: true });
      const file = join(edited, "float32", "random-gru.msgpack");
      await perturbedFile(file, file, "state_dict", "weight_ih_l0", 0.05);
      const run = await runCli(["check", edited, "--no-progress"]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("random-gru.msgpack: sha256:");
    });

    it.each([
      ["a missing MODULE file", "no-such-model.pt", "input.pt", "MODULE: no-such-model.pt: no such file"],
      ["an input of the wrong feature size", "rnn.pt", "input-wrong-size.pt", "--input: shape [6, 2, 3]: the last dimension must be the module's input_size 4"],
      ["a missing --out", "rnn.pt", "input.pt", "the following arguments are required: --out"],
    ])("the command line refuses %s: exit 2, one line, nothing written", (label, model, input, message) => {
      const target = join(work, `refused-${model}-${input}`);
      const args = ["python/export_fixture.py", join(saved, model), "--input", join(saved, input), "--name", "x"];
      const run = python(label === "a missing --out" ? args : [...args, "--out", target]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(run.stderr.replace(`${saved}/`, "")).toContain(`export_fixture.py: ${message}`);
      expect(existsSync(target)).toBe(false);
    });
  });

  describe("export_fixture: bad input is one error naming the argument, and nothing is written", () => {
    let results: Map<string, { error: string | null; message: string; unchanged: boolean }>;

    beforeAll(async () => {
      const root = await tempDir();
      const run = mustRun("export_bad_inputs.py", ["test/python/export_bad_inputs.py", join(root, "bad")]);
      const list = JSON.parse(run.stdout) as { case: string; error: string | null; message: string; unchanged: boolean }[];
      results = new Map(list.map((r) => [r.case, r]));
    }, 240_000);

    it("the driver ran exactly the cases this table expects", () => {
      expect([...results.keys()].sort()).toEqual([...BAD_INPUT.map(([label]) => label), "onnxruntime disagrees with torch"].sort());
    });

    it.each(BAD_INPUT)("%s: ExportError naming %s, on one line; the folder untouched", (label, argument) => {
      const r = results.get(label);
      expect(r?.error).toBe("ExportError");
      expect(r?.message.startsWith(`${argument}: `)).toBe(true);
      expect(r?.message.split("\n")).toHaveLength(1);
      expect(r?.unchanged).toBe(true);
    });

    it("a model onnxruntime disagrees with is OnnxExportError, and the folder keeps only its earlier case", () => {
      const r = results.get("onnxruntime disagrees with torch");
      expect(r?.error).toBe("OnnxExportError");
      expect(r?.message).toMatch(/^new: onnxruntime output 'output' .* does not match PyTorch/);
      expect(r?.unchanged).toBe(true);
    });

  });
}
