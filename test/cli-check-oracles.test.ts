/**
 * The onnxruntime paths of `check`, and manifest folders: each comparison path can fail on its own
 * (a moved reference fails torch and onnxruntime-vs-torch; moved weights fail torch and onnxruntime).
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_FIXTURES_DIR, readManifest } from "../src/node/readers/manifest.js";
import type { Manifest, ManifestCase } from "../src/core/format/types.js";
import { perturbedCopy, runCli, removeTempDirs, tempDir } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

const CASE = "RNN-relu-bias-batchfirst-bidir-L2-h0-float32";
const CELL = "RNNCell-tanh-bias-unbatched-hx-float64";

let manifest: Manifest;
beforeAll(async () => {
  manifest = await readManifest();
});

function entry(name: string): ManifestCase {
  const c = manifest.cases.find((x) => x.name === name);
  if (!c?.onnx) throw new Error(`${name}: no ONNX model in the bundled manifest`);
  return c;
}

/** The verdict per oracle of a JSON report. */
function verdicts(stdout: string): Record<string, boolean> {
  const doc = JSON.parse(stdout) as { comparisons: { oracle: string; passed: boolean }[] };
  const out: Record<string, boolean> = {};
  for (const c of doc.comparisons) out[c.oracle] = (out[c.oracle] ?? true) && c.passed;
  return out;
}

async function withModel(dir: string, name: string): Promise<void> {
  await copyFile(join(DEFAULT_FIXTURES_DIR, entry(name).onnx?.file ?? ""), join(dir, `${name}.onnx`));
}

describe("onnxruntime as an oracle", () => {
  it("runs a model found beside the fixture, and all three comparisons pass on the real files", async () => {
    const dir = await tempDir();
    await copyFile(join(DEFAULT_FIXTURES_DIR, entry(CASE).file), join(dir, `${CASE}.msgpack`));
    await withModel(dir, CASE);
    const run = await runCli(["check", dir, "--oracle", "torch,onnxruntime", "--reporter", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(verdicts(run.stdout)).toEqual({ torch: true, onnxruntime: true, "onnxruntime-vs-torch": true });
  });

  it("a moved reference fails torch and onnxruntime-vs-torch, not onnxruntime", async () => {
    const dir = await tempDir();
    await perturbedCopy(CASE, dir, "outputs", "h_n", 1e-3, 5);
    await withModel(dir, CASE);
    const run = await runCli(["check", dir, "--reporter", "json"]);
    expect(run.code).toBe(1);
    expect(verdicts(run.stdout)).toEqual({ torch: false, onnxruntime: true, "onnxruntime-vs-torch": false });
  });

  it("moved weights fail torch and onnxruntime, not onnxruntime-vs-torch", async () => {
    const dir = await tempDir();
    await perturbedCopy(CELL, dir, "state_dict", "weight_hh", 1e-3, 0);
    await withModel(dir, CELL);
    const xml = join(dir, "parity.xml");
    const run = await runCli(["check", dir, "--reporter", "json", "--reporter", `junit:${xml}`]);
    expect(run.code).toBe(1);
    expect(verdicts(run.stdout)).toEqual({ torch: false, onnxruntime: false, "onnxruntime-vs-torch": true });
    const report = await readFile(xml, "utf8");
    expect(report).toMatch(new RegExp(`<testcase name="${CELL}" classname="RNNCell\\.onnxruntime"[^>]*>\\s*<failure `));
  });

  it("--oracle onnxruntime alone compares with onnxruntime only", async () => {
    const dir = await tempDir();
    await perturbedCopy(CASE, dir, "outputs", "output", 1e-3);
    await withModel(dir, CASE);
    const run = await runCli(["check", dir, "--oracle", "onnxruntime", "--reporter", "json"]);
    expect(run.code).toBe(0);
    expect(verdicts(run.stdout)).toEqual({ onnxruntime: true });
  });
});

describe("a folder with a manifest", () => {
  async function miniFixtures(): Promise<string> {
    const dir = await tempDir();
    const cases = [entry(CASE), entry(CELL)];
    for (const c of cases) {
      for (const rel of [c.file, c.onnx?.file ?? ""]) {
        await mkdir(dirname(join(dir, rel)), { recursive: true });
        await copyFile(join(DEFAULT_FIXTURES_DIR, rel), join(dir, rel));
      }
    }
    await writeFile(join(dir, "manifest.json"), JSON.stringify({ ...manifest, cases }, null, 2));
    return dir;
  }

  it("runs the manifest's cases with their models", async () => {
    const run = await runCli(["check", await miniFixtures(), "--reporter", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { summary: { cases: number; byOracle: Record<string, { comparisons: number }> } };
    expect(doc.summary.cases).toBe(2);
    expect(doc.summary.byOracle.onnxruntime?.comparisons).toBe(3);
  });

  it("refuses a listed file whose sha256 differs from the manifest (exit 2, one line)", async () => {
    const dir = await miniFixtures();
    const file = join(dir, entry(CELL).file);
    await perturbedCopy(CELL, dirname(file), "outputs", "h_prime", 1e-9);
    const xml = join(dir, "out.xml");
    const run = await runCli(["check", dir, "--reporter", `junit:${xml}`]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(`rnn-parity: ${file}: sha256: `);
  });

  const edits: [string, (c: ManifestCase) => ManifestCase][] = [
    ["name", (c) => ({ ...c, name: "renamed" })],
    ["dtype", (c) => ({ ...c, dtype: "float32" })],
    ["config", (c) => ({ ...c, config: { ...c.config, hidden_size: 7 } })],
  ];
  it.each(edits)("refuses an entry whose %s is not its file's (exit 2, one line)", async (field, edit) => {
    const dir = await miniFixtures();
    const listed = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Manifest;
    listed.cases = listed.cases.map((c) => (c.name === CELL ? edit(c) : c));
    await writeFile(join(dir, "manifest.json"), JSON.stringify(listed));
    const run = await runCli(["check", dir]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^rnn-parity: \\S*${CELL}\\.msgpack: ${field}: .*but the manifest lists`));
  });
});
