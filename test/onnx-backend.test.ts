/**
 * ONNX's own LSTM and GRU backend test models (test/data/onnx-backend, copied by the generator with
 * onnxruntime's outputs): each is either built by moduleFromOnnx and run within assert_close's
 * default tolerances of onnxruntime's outputs, or refused in one line with the reason torch cannot
 * express it (peepholes, a lone reverse layer, and linear_before_reset=0, which every GRU model has).
 * Their weights are graph inputs there; the test turns them into initializers, as an exporter
 * writes them, before moduleFromOnnx sees the file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decode } from "@msgpack/msgpack";
import { afterAll, describe, expect, it } from "vitest";
import { compareAny } from "../src/core/compare/compare-any.js";
import { FixtureError } from "../src/core/errors.js";
import { ONNX_FLOAT, decodeOnnxModel, encodeOnnxModel, type OnnxModelProto, type OnnxTensorProto } from "../src/core/onnx/onnx-proto.js";
import { moduleFromOnnx } from "../src/node/readers/onnx-file.js";
import { GRU } from "../src/core/nn/gru.js";
import { LSTM } from "../src/core/nn/lstm.js";
import { runOnnxModel } from "../src/node/oracles/onnxruntime.js";
import type { Int64Tensor } from "../src/core/tensor/int64-tensor.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { anyTensorFromMap } from "./helpers/tensor-map.js";

const DIR = process.env.RNN_PARITY_ONNX_BACKEND ?? fileURLToPath(new URL("./data/onnx-backend/", import.meta.url));

interface BackendCase {
  name: string;
  opType: string;
  attributes: Record<string, unknown>;
  refusal: string | null;
  inputs: Record<string, Tensor | Int64Tensor>;
  outputs: Record<string, Tensor> | null;
  model: Uint8Array;
}

function tensors(raw: unknown, where: string): Record<string, Tensor | Int64Tensor> {
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, anyTensorFromMap(v, `${where}.${k}`)]));
}

function readCase(file: string): BackendCase {
  const raw = decode(readFileSync(join(DIR, file))) as Record<string, unknown>;
  if (raw.format !== "rnn-parity-onnx-backend-case" || raw.version !== 1) throw new Error(`${file}: not a backend case of version 1`);
  return {
    name: raw.name as string,
    opType: raw.op_type as string,
    attributes: raw.attributes as Record<string, unknown>,
    refusal: (raw.refusal as string | null) ?? null,
    inputs: tensors(raw.inputs, "inputs"),
    outputs: raw.outputs ? (tensors(raw.outputs, "outputs") as Record<string, Tensor>) : null,
    model: new Uint8Array(readFileSync(join(DIR, raw.model as string))),
  };
}

const CASES = readdirSync(DIR).filter((f) => f.endsWith(".msgpack")).sort().map(readCase);
const WEIGHTS = ["W", "R", "B", "P"];

/** The model with its weight inputs (W, R, B, P) stored as initializers, as exporters write them. */
function withWeightInitializers(c: BackendCase): OnnxModelProto {
  const model = decodeOnnxModel(c.model, c.name);
  const graph = model.graph;
  if (!graph) throw new Error(`${c.name}: no graph`);
  for (const name of WEIGHTS) {
    const t = c.inputs[name];
    if (!(t instanceof Tensor)) continue;
    const bytes = new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
    const proto: OnnxTensorProto = { name, dims: [...t.shape], data_type: ONNX_FLOAT, float_data: [], double_data: [], raw_data: bytes, data_location: 0, external_data: [] };
    graph.initializer.push(proto);
  }
  graph.input = graph.input.filter((v) => !WEIGHTS.includes(v.name));
  return model;
}

/** ONNX's layout of our results: Y (T, D, N, H) or, with layout=1, (N, T, D, H); Y_h/Y_c (D, N, H) or (N, D, H). */
function asOnnx(name: string, t: Tensor, layout: number, dirs: number): Tensor {
  if (name === "Y") {
    const [a = 0, b = 0, f = 0] = t.shape;
    if (layout === 1) return new Tensor(t.data, [a, b, dirs, f / dirs]);
    const out = t.clone();
    const h = f / dirs;
    for (let s = 0; s < a; s++) for (let n = 0; n < b; n++) for (let d = 0; d < dirs; d++) {
      out.data.set(t.data.subarray((s * b + n) * f + d * h, (s * b + n) * f + (d + 1) * h), ((s * dirs + d) * b + n) * h);
    }
    return new Tensor(out.data, [a, dirs, b, h]);
  }
  if (layout === 0) return t;
  const [d = 0, n = 0, h = 0] = t.shape;
  const out = t.clone();
  for (let i = 0; i < d; i++) for (let j = 0; j < n; j++) out.data.set(t.data.subarray((i * n + j) * h, (i * n + j + 1) * h), (j * d + i) * h);
  return new Tensor(out.data, [n, d, h]);
}

/**
 * onnxruntime's outputs; for layout=1 models, which its CPU kernels refuse, onnxruntime runs the same
 * node with layout 0 on the transposed X, and its outputs are transposed back.
 */
async function onnxruntimeOutputs(c: BackendCase): Promise<Record<string, Tensor>> {
  if (c.outputs) return c.outputs;
  const model = decodeOnnxModel(c.model, c.name);
  const node = model.graph?.node[0];
  if (!node || c.attributes.layout !== 1) throw new Error(`${c.name}: no stored onnxruntime outputs`);
  node.attribute = node.attribute.filter((a) => a.name !== "layout");
  // The declared (batch-first) shapes no longer hold; onnxruntime infers the new ones.
  for (const v of [...(model.graph?.input ?? []), ...(model.graph?.output ?? [])]) {
    if (v.type?.tensor_type) v.type.tensor_type.shape = null;
  }
  const x = c.inputs.X as Tensor;
  const [n = 0, s = 0, i = 0] = x.shape;
  const xt = x.clone();
  for (let a = 0; a < n; a++) for (let b = 0; b < s; b++) xt.data.set(x.data.subarray((a * s + b) * i, (a * s + b + 1) * i), (b * n + a) * i);
  const feeds = { ...c.inputs, X: new Tensor(xt.data, [s, n, i]) };
  const names = (model.graph?.output ?? []).map((o) => o.name);
  const out = await runOnnxModel(encodeOnnxModel(model), feeds, { file: `${c.name} (layout 0)`, outputNames: names });
  const back: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(out)) {
    if (k === "Y") {
      // (T, D, N, H) -> (N, T, D, H)
      const [tt = 0, d = 0, nn = 0, h = 0] = t.shape;
      const o = t.clone();
      for (let a = 0; a < tt; a++) for (let b = 0; b < d; b++) for (let cc = 0; cc < nn; cc++) {
        o.data.set(t.data.subarray(((a * d + b) * nn + cc) * h, ((a * d + b) * nn + cc + 1) * h), ((cc * tt + a) * d + b) * h);
      }
      back[k] = new Tensor(o.data, [nn, tt, d, h]);
    } else {
      back[k] = asOnnx(k, t, 1, t.shape[0] ?? 1);
    }
  }
  return back;
}

const REFUSALS: Record<string, RegExp> = {
  "linear_before_reset=0": /\(GRU [^)]*\)\.linear_before_reset: 0: not torch's GRU\. ONNX then computes n = tanh\(W_n x \+ b_Wn \+ R_n \(r \* h\) \+ b_Rn\)/,
  "direction=reverse": /\(LSTM [^)]*\)\.direction: "reverse" with no forward node in layer 0: torch has no reverse-only layer/,
  peepholes: /\(LSTM [^)]*\)\.input\[7\] \(P\): peephole weights "P": torch\.nn\.LSTM has no peephole connections/,
};

// Created on first use: the runs below start while the suites are collected, before any beforeAll.
let tempDir: Promise<string> | undefined;
afterAll(async () => {
  if (tempDir) await rm(await tempDir, { recursive: true, force: true });
});

async function written(c: BackendCase): Promise<string> {
  tempDir ??= mkdtemp(join(tmpdir(), "rnn-parity-backend-"));
  const path = join(await tempDir, `${c.name}.onnx`);
  await writeFile(path, encodeOnnxModel(withWeightInitializers(c)));
  return path;
}

describe("ONNX backend LSTM/GRU models", () => {
  it("holds the suite's LSTM and GRU models", () => {
    const names = CASES.map((c) => c.name);
    for (const n of ["test_lstm_defaults", "test_lstm_with_initial_bias", "test_lstm_batchwise", "test_lstm_bidirectional", "test_lstm_reverse", "test_lstm_with_peepholes", "test_gru_defaults"]) {
      expect(names).toContain(n);
    }
    expect(CASES.filter((c) => c.opType === "GRU").every((c) => c.refusal?.startsWith("linear_before_reset=0"))).toBe(true);
  });

  describe.each(CASES.filter((c) => c.refusal !== null).map((c) => [c.name, c] as const))("%s is refused", (_name, c) => {
    it(`with one line naming the node and attribute (${c.refusal ?? ""})`, async () => {
      const path = await written(c);
      const err: unknown = await moduleFromOnnx(path).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(FixtureError);
      const message = (err as FixtureError).message;
      expect(message.startsWith(`${path}: graph.node[0] (`)).toBe(true);
      expect(message).not.toContain("\n");
      const kind = Object.keys(REFUSALS).find((k) => c.refusal?.startsWith(k));
      expect(kind, `unknown refusal kind ${c.refusal ?? ""}`).toBeDefined();
      expect(message).toMatch(REFUSALS[kind as string] as RegExp);
    });
  });

  describe.each(CASES.filter((c) => c.refusal === null).map((c) => [c.name, c] as const))("%s via moduleFromOnnx matches onnxruntime", (_name, c) => {
    const layout = Number(c.attributes.layout ?? 0);
    const dirs = c.attributes.direction === "bidirectional" ? 2 : 1;
    const run = (async (): Promise<[Record<string, Tensor>, Record<string, Tensor>]> => {
      const built = await moduleFromOnnx(await written(c));
      expect(built.module).toBe(c.opType);
      const x = c.inputs.X as Tensor;
      const h0 = c.inputs.initial_h as Tensor | undefined;
      const c0 = c.inputs.initial_c as Tensor | undefined;
      let ours: Record<string, Tensor>;
      if (built.module === "LSTM") {
        expect(built.instance).toBeInstanceOf(LSTM);
        expect(built.spec.batchFirst).toBe(layout === 1);
        const [y, [hN, cN]] = built.instance.forward(x, h0 && c0 ? [h0, c0] : undefined);
        ours = { Y: y, Y_h: hN, Y_c: cN };
      } else if (built.module === "GRU") {
        expect(built.instance).toBeInstanceOf(GRU);
        expect(built.spec.batchFirst).toBe(layout === 1);
        const [y, hN] = built.instance.forward(x, h0);
        ours = { Y: y, Y_h: hN };
      } else throw new Error(`${c.name}: built a ${built.module}`);
      const converted = Object.fromEntries(Object.entries(ours).map(([k, t]) => [k, asOnnx(k, t, layout, dirs)]));
      return [converted, await onnxruntimeOutputs(c)];
    })();
    run.catch(() => undefined); // reported by each tensor's test
    const names = c.outputs ? Object.keys(c.outputs) : ["Y", "Y_h"];
    it.each(names.map((n) => [n] as const))("%s", async (name) => {
      const [ours, ort] = await run;
      const cmp = compareAny(ours[name] as Tensor, ort[name] as Tensor, { name });
      if (!cmp.passed) throw new Error(`${c.name} › ${name}: moduleFromOnnx vs onnxruntime\n${cmp.message}`);
      expect(cmp.mismatched).toBe(0);
    });
  });
});
