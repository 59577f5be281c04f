/**
 * Property-based fuzzing of the ONNX LSTM/GRU/RNN readers: bundled models with their recurrent
 * nodes' attributes, inputs and weight dims mutated either give a config and a state dict that agree
 * with each other (torch's keys and shapes), or are refused with one FixtureError line naming the
 * file. Never a TypeError or RangeError, never an allocation the file's bytes do not back.
 * Fixed seed; FUZZ_RUNS and FUZZ_SEED run it longer, as test/fixtures-fuzz.test.ts.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { FixtureError } from "../src/core/errors.js";
import { onnxModuleConfig } from "../src/core/onnx/onnx-config.js";
import { decodeOnnxModel, encodeOnnxModel, type OnnxAttributeProto, type OnnxModelProto } from "../src/core/onnx/onnx-proto.js";
import { readOnnxModel } from "../src/node/readers/onnx-file.js";
import { onnxStateDict } from "../src/core/onnx/onnx-weights.js";
import { expectedStateDictShapes } from "../src/core/format/state-dict-layout.js";
import { onnxCases, onnxPath } from "./helpers/onnx-cases.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const F = "fuzz.onnx";

/** One float32 model per recurrent operator (and a bidirectional 2-layer one each). */
const picks = ["onnx.LSTM", "onnx.GRU", "onnx.RNN"].flatMap((graph) =>
  onnxCases.filter((c) => c.onnx.graph === graph && c.name.includes("bidir-L2")).slice(0, 1),
);
const BASES: Uint8Array[] = await Promise.all(picks.map(async (c) => encodeOnnxModel(await readOnnxModel(onnxPath(c)))));

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const blank = { f: 0, i: 0, s: new Uint8Array(0), floats: [], ints: [], strings: [] as Uint8Array[] };

const attributeEdit = fc.oneof(
  fc.record({ name: fc.constantFrom("hidden_size", "layout", "linear_before_reset", "input_forget"), i: fc.oneof(fc.integer({ min: -3, max: 40 }), fc.constantFrom(2 ** 31, 30000, 2 ** 53)) }).map(
    (a): OnnxAttributeProto => ({ ...blank, name: a.name, type: 2, i: a.i }),
  ),
  fc.record({ name: fc.constantFrom("direction"), s: fc.constantFrom("forward", "reverse", "bidirectional", "sideways", "") }).map(
    (a): OnnxAttributeProto => ({ ...blank, name: a.name, type: 3, s: text(a.s) }),
  ),
  fc.record({ name: fc.constantFrom("activations"), list: fc.array(fc.constantFrom("Sigmoid", "Tanh", "Relu", "HardSigmoid", "tanh"), { maxLength: 7 }) }).map(
    (a): OnnxAttributeProto => ({ ...blank, name: a.name, type: 8, strings: a.list.map(text) }),
  ),
  fc.record({ name: fc.constantFrom("clip", "activation_alpha"), f: fc.double({ noNaN: true, min: -10, max: 10 }) }).map(
    (a): OnnxAttributeProto => ({ ...blank, name: a.name, type: 1, f: a.f }),
  ),
);

const edit = fc.record({
  node: fc.nat(),
  kind: fc.constantFrom("set-attribute", "drop-attribute", "drop-input", "set-input", "dims", "op-type"),
  attribute: attributeEdit,
  position: fc.nat({ max: 7 }),
  dims: fc.array(fc.oneof(fc.nat({ max: 64 }), fc.constantFrom(1e9, 2 ** 40, 0)), { maxLength: 4 }),
  op: fc.constantFrom("LSTM", "GRU", "RNN", "Scan"),
});

type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function mutate(model: OnnxModelProto, edits: Edit[]): void {
  const graph = model.graph;
  if (!graph) return;
  const nodes = graph.node.filter((n) => ["LSTM", "GRU", "RNN"].includes(n.op_type));
  for (const e of edits) {
    const node = nodes[e.node % Math.max(nodes.length, 1)];
    if (!node) continue;
    if (e.kind === "set-attribute") node.attribute = [...node.attribute.filter((a) => a.name !== e.attribute.name), e.attribute];
    else if (e.kind === "drop-attribute") node.attribute = node.attribute.filter((a) => a.name !== e.attribute.name);
    else if (e.kind === "drop-input") node.input = node.input.map((v, i) => (i === e.position && i > 0 ? "" : v));
    else if (e.kind === "set-input") {
      // Optional inputs before it stay empty names, as ONNX writes them (no holes for protobuf).
      while (node.input.length <= e.position) node.input.push("");
      node.input[e.position] = node.input[1] ?? "";
    }
    else if (e.kind === "op-type") node.op_type = e.op;
    else {
      const init = graph.initializer.find((t) => t.name === node.input[1 + (e.position % 3)]);
      if (init) init.dims = e.dims;
    }
  }
}

function loadsOrRefuses(bytes: Uint8Array): "loaded" | "refused" {
  const before = process.memoryUsage().arrayBuffers;
  try {
    const model = decodeOnnxModel(bytes, F);
    const spec = onnxModuleConfig(model, F);
    const sd = onnxStateDict(model, F, spec.module, spec.config, { dtype: spec.dtype });
    const expected = expectedStateDictShapes(spec.module, spec.config);
    expect(Object.keys(sd)).toEqual([...expected.keys()]);
    for (const [k, shape] of expected) expect(sd[k]?.shape).toEqual(shape);
    return "loaded";
  } catch (err) {
    if (!(err instanceof FixtureError)) throw err;
    expect(err.message.startsWith(`${F}: `)).toBe(true);
    expect(err.message).not.toMatch(/[\r\n]/);
    return "refused";
  } finally {
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * bytes.byteLength + (4 << 20));
  }
}

describe("mutated recurrent-operator models load consistently or are refused in one line", () => {
  test("has one base model per operator", () => {
    expect(picks.map((c) => c.onnx.graph)).toEqual(["onnx.LSTM", "onnx.GRU", "onnx.RNN"]);
    for (const b of BASES) expect(loadsOrRefuses(b)).toBe("loaded");
  });

  test("attributes, inputs, weight dims and op types", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.nat({ max: BASES.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 }), (b, edits) => {
        const model = decodeOnnxModel(BASES[b] as Uint8Array, F);
        mutate(model, edits);
        seen.add(loadsOrRefuses(encodeOnnxModel(model)));
      }),
      { seed: SEED, numRuns: RUNS },
    );
    if (RUNS >= 100) expect([...seen].sort()).toEqual(["loaded", "refused"]);
  });
});
