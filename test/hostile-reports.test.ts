// Issue 9, causes 7, 8 and 5: report targets compared by what the file system says (a report never
// replaces an input or another report through an alias), onnxruntime's own error line kept off
// stderr, and a graph that asks onnxruntime for a tensor nobody can hold refused before it runs.
import { spawnSync } from "node:child_process";
import { link, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FixtureError } from "../src/core/errors.js";
import { encodeOnnxModel, type OnnxModelProto, type OnnxNodeProto, type OnnxTensorProto } from "../src/core/onnx/onnx-proto.js";
import { MAX_ORT_TENSOR_ELEMENTS } from "../src/node/oracles/onnx-allocation.js";
import { SESSION_OPTIONS, runOnnxModel } from "../src/node/oracles/onnxruntime.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { bundled, plainCopy, removeTempDirs, runCli, tempDir, type CliRun } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

const F32 = "RNN-tanh-bias-seqfirst-uni-L1-h0-float32";

function expectUsageError(run: CliRun, line: string): void {
  expect(run.stderr).toBe(`rnn-parity: ${line}\n`);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe("");
}

describe("report targets that are inputs (cause 7)", () => {
  it("a report onto the fixture it checks is refused, the fixture untouched (was overwritten, exit 0)", async () => {
    const dir = await tempDir();
    const file = await plainCopy(F32, dir);
    const before = await readFile(file);
    expectUsageError(
      await runCli(["check", file, "--oracle", "torch", "--reporter", `json:${file}`]),
      `${file}: the json report would overwrite the input ${file}; write it elsewhere`,
    );
    expect(await readFile(file)).toEqual(before);
  });

  it("also through a symbolic link or a hard link to it", async () => {
    const dir = await tempDir();
    const file = await plainCopy(F32, dir);
    const before = await readFile(file);
    await symlink(file, join(dir, "alias.xml"));
    await link(file, join(dir, "hard.xml"));
    for (const target of [join(dir, "alias.xml"), join(dir, "hard.xml")]) {
      expectUsageError(
        await runCli(["check", dir, "--oracle", "torch", "--reporter", `junit:${target}`]),
        `${target}: the junit report would overwrite the input ${file}; write it elsewhere`,
      );
    }
    expect(await readFile(file)).toEqual(before);
  });

  it("a report onto a folder's manifest.json is refused", async () => {
    const dir = await tempDir();
    const manifest = join(dir, "manifest.json");
    await writeFile(manifest, await readFile(join(bundled(F32), "..", "..", "manifest.json")));
    const run = await runCli(["check", dir, "--filter", F32, "--reporter", `json:${manifest}`]);
    expectUsageError(run, `${manifest}: the json report would overwrite the input ${manifest}; write it elsewhere`);
  });
});

describe("two reporters on one file (cause 7)", () => {
  it("through a symbolic link alias: refused before the run (one report silently replaced the other)", async () => {
    const dir = await tempDir();
    const real = join(dir, "r.json");
    const alias = join(dir, "alias.json");
    await writeFile(real, "old");
    await symlink(real, alias);
    expectUsageError(
      await runCli(["check", "--filter", F32, "--oracle", "torch", "--reporter", `json:${real}`, "--reporter", `junit:${alias}`]),
      `--reporter: json and junit would both write one file (${real} and ${alias} are the same file)`,
    );
    expect(await readFile(real, "utf8")).toBe("old");
  });

  it("through a dangling link to a file not yet created, and a hard link", async () => {
    const dir = await tempDir();
    const alias = join(dir, "alias.json");
    await symlink(join(dir, "new.json"), alias);
    expectUsageError(
      await runCli(["check", "--filter", F32, "--oracle", "torch", "--reporter", `json:${join(dir, "new.json")}`, "--reporter", `pretty:${alias}`]),
      `--reporter: json and pretty would both write one file (${join(dir, "new.json")} and ${alias} are the same file)`,
    );
    await writeFile(join(dir, "a.xml"), "");
    await link(join(dir, "a.xml"), join(dir, "b.xml"));
    expect((await runCli(["check", "--filter", F32, "--reporter", `junit:${join(dir, "a.xml")}`, "--reporter", `json:${join(dir, "b.xml")}`])).code).toBe(2);
  });

  it("distinct files, and /dev/null twice, are fine", async () => {
    const dir = await tempDir();
    const run = await runCli([
      "check", "--filter", F32, "--oracle", "torch",
      "--reporter", `json:${join(dir, "a.json")}`, "--reporter", `junit:${join(dir, "a.xml")}`, "--reporter", "pretty:/dev/null",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });
});

// ---- graphs for onnxruntime ---------------------------------------------------------------------

function int64s(name: string, values: number[]): OnnxTensorProto {
  const raw = new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
  return { name, dims: [values.length], data_type: 7, float_data: [], double_data: [], raw_data: raw, data_location: 0, external_data: [] };
}
/** output = op(input, constant c) with a float input of unknown length (shape inference cannot help). */
function oneOp(op: string, c: number[]): Uint8Array {
  const node: OnnxNodeProto = { name: "n", op_type: op, domain: "", input: op === "ConstantOfShape" ? ["c"] : ["input", "c"], output: ["output"], attribute: [] };
  const model: OnnxModelProto = {
    ir_version: 8, producer_name: "test", producer_version: "", opset_import: [{ domain: "", version: 17 }],
    graph: {
      name: "g", node: [node], initializer: [int64s("c", c)],
      input: op === "ConstantOfShape" ? [] : [{ name: "input", type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: "n" }] } } } }],
      output: [{ name: "output", type: { tensor_type: { elem_type: 1 } } }],
    },
  } as OnnxModelProto;
  return encodeOnnxModel(model);
}
const x = new Tensor(new Float32Array([1, 2]), [2]);

describe("onnxruntime's allocations are bounded before it runs (cause 5)", () => {
  it.each([
    ["Expand to 2.5e9 floats (ran onnxruntime to 10 GB)", "Expand", [2_500_000_000], 2_500_000_000],
    ["Expand to [50000, 50000]", "Expand", [50_000, 50_000], 2_500_000_000],
    ["Tile by 1e9", "Tile", [1e9], 1e9],
  ])("%s: one FixtureError line", async (_what, op, c, n) => {
    const start = performance.now();
    const err = await runOnnxModel(oneOp(op, c), { input: x }, { file: "m.onnx" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FixtureError);
    expect((err as Error).message).toBe(
      `m.onnx: graph.node[0] (${op} n): its output would hold at least ${n} elements, more than the limit of ${MAX_ORT_TENSOR_ELEMENTS} for onnxruntime (refused before running)`,
    );
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it("ConstantOfShape too; a small Expand still runs", async () => {
    const err = await runOnnxModel(oneOp("ConstantOfShape", [1 << 20, 1 << 20]), {}, { file: "c.onnx" }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^c\.onnx: graph\.node\[0\] \(ConstantOfShape n\): its output would hold at least 1099511627776 elements/);
    const out = await runOnnxModel(oneOp("Expand", [3, 2]), { input: x }, { file: "ok.onnx" });
    expect(out.output?.shape).toEqual([3, 2]);
  });
});

describe("onnxruntime's own log line never reaches stderr (cause 8)", () => {
  const here = fileURLToPath(new URL(".", import.meta.url));
  // A child process, because onnxruntime writes to file descriptor 2 itself; it gets our session
  // options and a model that fails while running (an Expand to a shape that does not broadcast).
  const child = `
    import { createRequire } from "node:module";
    const ort = createRequire(${JSON.stringify(join(here, "..", "package.json"))})("onnxruntime-node");
    const [options, model] = JSON.parse(process.argv[1]);
    const session = await ort.InferenceSession.create(Uint8Array.from(model), options);
    try {
      await session.run({ input: new ort.Tensor("float32", new Float32Array(2), [2]) });
    } catch (err) {
      process.stdout.write(err.message.split("\\n")[0]);
    }
  `;
  const run = (options: object): { stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", child, JSON.stringify([options, Array.from(oneOp("Expand", [3]))])], { encoding: "utf8" });
    return { stdout: r.stdout, stderr: r.stderr };
  };

  it("with the session options every run uses, a failing run is an exception only", () => {
    const quiet = run(SESSION_OPTIONS);
    expect(quiet.stdout).toContain("invalid expand shape");
    expect(quiet.stderr).toBe("");
  });

  it("the same run with onnxruntime's default severity prints its [E:onnxruntime…] line (the cause)", () => {
    const { logSeverityLevel: _level, ...loud } = SESSION_OPTIONS;
    expect(run(loud).stderr).toMatch(/\[E:onnxruntime:/);
  });
});
