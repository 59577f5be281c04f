/**
 * onnxruntime as the second oracle. For every manifest case with an ONNX model, each tensor is
 * compared twice under torch.testing.assert_close's defaults: typescript vs onnxruntime and
 * onnxruntime vs torch (typescript vs torch is test/parity.test.ts). Then the proofs that these
 * comparisons can fail: a perturbed onnxruntime output, a model with one wrong weight, a model
 * missing an output, and malformed model files.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compareTensors } from "../src/core/compare/assert-close.js";
import { compareAny } from "../src/core/compare/compare-any.js";
import { FixtureError } from "../src/core/errors.js";
import { MAX_ONNX_BYTES } from "../src/core/format/limits.js";
import { decodeOnnxModel, encodeOnnxModel, graphOf } from "../src/core/onnx/onnx-proto.js";
import { readOnnxModel } from "../src/node/readers/onnx-file.js";
import { OUTPUT_NAMES } from "../src/core/format/types.js";
import { runOnnxForFixture, runOnnxRuntime } from "../src/node/oracles/onnxruntime.js";
import { runTypeScript } from "../src/core/oracle/typescript.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { DiffLedger, caseLabel, loadOnnxCaseFixture, memoByCase, onnxCases, onnxManifest, onnxPath, type OnnxCase } from "./helpers/onnx-cases.js";
import { bumpOneWeight, renameValue } from "./helpers/onnx-edit.js";

const runOrt = memoByCase((f, entry) => runOnnxRuntime(f, onnxPath(entry)));
const runTs = memoByCase((f) => runTypeScript(f));
const ledger = new DiffLedger();

afterAll(() => {
  if (ledger.max.size > 0) console.log(`ONNX oracle agreement (${onnxCases.length} cases):\n${ledger.format()}`);
});

describe("onnx fixtures", () => {
  it("every manifest case has an ONNX model whose sha256 matches the manifest", async () => {
    expect(onnxManifest.cases.length).toBeGreaterThan(0);
    const missing = onnxManifest.cases.filter((c) => c.onnx === undefined).map((c) => c.name);
    expect(missing, `cases without an onnx entry: ${missing.join(", ")}`).toEqual([]);
    for (const entry of onnxCases) {
      const digest = createHash("sha256").update(await readFile(onnxPath(entry))).digest("hex");
      expect(digest, `${onnxPath(entry)}: sha256`).toBe(entry.onnx.sha256);
    }
  });
});

type Pair = "typescript vs onnxruntime" | "onnxruntime vs torch";

async function compareCase(pair: Pair, entry: OnnxCase, tensor: string): Promise<void> {
  const f = await loadOnnxCaseFixture(entry);
  const ort = (await runOrt(entry))[tensor];
  const [actual, expected] = pair === "onnxruntime vs torch" ? [ort, f.outputs[tensor]] : [(await runTs(entry))[tensor], ort];
  if (!actual || !expected) throw new Error(`${pair} › ${entry.name} › ${tensor}: tensor missing`);
  const c = compareAny(actual, expected, { name: tensor });
  ledger.record(pair, `${entry.module} ${entry.dtype}`, c.maxAbsDiff, `${entry.name} ${tensor}`);
  if (!c.passed) throw new Error(`${pair} › ${caseLabel(entry)} › ${tensor} [exporter ${entry.onnx.exporter}]\n${c.message}`);
  expect(c.mismatched).toBe(0);
}

for (const pair of ["typescript vs onnxruntime", "onnxruntime vs torch"] as const) {
  describe(pair, () => {
    describe.each(onnxCases.map((c) => [caseLabel(c), c] as const))("%s", (_label, entry) => {
      it.each(OUTPUT_NAMES[entry.module].map((t) => [t] as const))("%s", (tensor) => compareCase(pair, entry, tensor));
    });
  });
}

/** One case of each weight layout the negative tests need: the RNN operator and torch-named initializers. */
function pick(predicate: (c: OnnxCase) => boolean): OnnxCase | undefined {
  return onnxCases.find(predicate);
}
const negativeCases = [
  pick((c) => c.module === "RNN" && c.dtype === "float32" && !c.name.includes("large")),
  pick((c) => c.module === "RNNCell"),
  pick((c) => c.module === "RNN" && c.dtype === "float64" && !c.name.includes("large")),
].filter((c): c is OnnxCase => c !== undefined);

describe("onnxruntime comparisons can fail", () => {
  it("has cases to corrupt", () => {
    expect(negativeCases.length).toBeGreaterThan(0);
  });

  describe.each(negativeCases.map((c) => [caseLabel(c), c] as const))("%s", (_label, entry) => {
    it("a perturbed onnxruntime output fails against torch and typescript", async () => {
      const f = await loadOnnxCaseFixture(entry);
      const name = OUTPUT_NAMES[entry.module][0] as string;
      const ort = (await runOrt(entry))[name] as Tensor;
      const bad = ort.clone();
      const i = Math.floor(bad.numel() / 2);
      bad.data[i] = (bad.data[i] as number) + 1e-3;
      expect(compareTensors(ort, f.outputs[name] as Tensor, { name }).passed).toBe(true);
      const vsTorch = compareTensors(bad, f.outputs[name] as Tensor, { name });
      expect(vsTorch.passed).toBe(false);
      expect(vsTorch.mismatched).toBe(1);
      const vsTs = compareTensors((await runTs(entry))[name] as Tensor, bad, { name });
      expect(vsTs.passed).toBe(false);
    });

    it("a model with one wrong weight fails against torch", async () => {
      const f = await loadOnnxCaseFixture(entry);
      const model = await readOnnxModel(onnxPath(entry));
      const changed = bumpOneWeight(model, onnxPath(entry));
      const out = await runOnnxForFixture(f, encodeOnnxModel(model), `${entry.onnx.file} (${changed} changed)`);
      const failed = OUTPUT_NAMES[entry.module].filter((t) => !compareTensors(out[t] as Tensor, f.outputs[t] as Tensor, { name: t }).passed);
      expect(failed.length, `changing ${changed} went unnoticed`).toBeGreaterThan(0);
    });

    it("a model without an expected output is refused", async () => {
      const f = await loadOnnxCaseFixture(entry);
      const model = await readOnnxModel(onnxPath(entry));
      const name = OUTPUT_NAMES[entry.module][0] as string;
      renameValue(graphOf(model, entry.onnx.file), name, `${name}_renamed`);
      await expect(runOnnxForFixture(f, encodeOnnxModel(model), entry.onnx.file)).rejects.toThrow(
        new RegExp(`no output named "${name}"`),
      );
    });

    it("a fixture whose hx the model does not take (or vice versa) is refused", async () => {
      const f = await loadOnnxCaseFixture(entry);
      const { hx, ...rest } = f.inputs;
      const swapped = hx ? { ...f, inputs: rest } : { ...f, inputs: { ...rest, hx: Tensor.zeros([1], f.dtype) } };
      await expect(runOnnxRuntime(swapped, onnxPath(entry))).rejects.toThrow(FixtureError);
    });
  });
});

describe("malformed .onnx files give a FixtureError naming the file", () => {
  const withTemp = async (bytes: Uint8Array | null, check: (path: string) => Promise<void>): Promise<void> => {
    const dir = await mkdtemp(join(tmpdir(), "rnn-parity-onnx-"));
    const path = join(dir, "model.onnx");
    try {
      if (bytes) await writeFile(path, bytes);
      await check(path);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  const expectFixtureError = async (p: Promise<unknown>, path: string): Promise<void> => {
    const err: unknown = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(FixtureError);
    expect((err as FixtureError).file).toBe(path);
    expect((err as FixtureError).message.startsWith(path)).toBe(true);
    expect((err as FixtureError).message).not.toContain("\n");
  };

  it("random bytes", async () => {
    const junk = Uint8Array.from({ length: 257 }, (_, i) => (i * 97 + 13) & 0xff);
    await withTemp(junk, (p) => expectFixtureError(readOnnxModel(p), p));
  });

  it("a missing file", async () => {
    await withTemp(null, (p) => expectFixtureError(readOnnxModel(p), p));
  });

  it("a file over the size limit is refused before it is read", async () => {
    await withTemp(new Uint8Array(0), async (p) => {
      await truncate(p, MAX_ONNX_BYTES + 1); // sparse: no disk or memory is used
      await expectFixtureError(readOnnxModel(p), p);
    });
  });

  it("an empty ModelProto (no graph)", async () => {
    await withTemp(new Uint8Array(0), (p) => expectFixtureError(readOnnxModel(p), p));
  });

  it("a truncated model, read and run", async () => {
    const entry = onnxCases[0] as OnnxCase;
    const bytes = await readFile(onnxPath(entry));
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.6));
    const f = await loadOnnxCaseFixture(entry);
    await withTemp(cut, async (p) => {
      await expectFixtureError(readOnnxModel(p), p);
      await expectFixtureError(runOnnxRuntime(f, p), p);
    });
  });

  it("decodeOnnxModel wraps protobufjs errors", () => {
    expect(() => decodeOnnxModel(Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f), "mem.onnx")).toThrow(FixtureError);
    expect(() => decodeOnnxModel(Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f), "mem.onnx")).toThrow(/^mem\.onnx: /);
  });
});
