/**
 * moduleFromOnnxModel's own checks (src/core/nn/from-onnx.ts), on a bundled torch export: the
 * overrides a plain-JS caller can get wrong, and a float64 graph one of whose weights is float32,
 * which loadStateDict would otherwise cast silently into the float64 module.
 */
import { describe, expect, it } from "vitest";
import { FixtureError, ModuleError } from "../src/core/errors.js";
import { moduleFromOnnxModel, type OnnxModuleOverrides } from "../src/core/nn/from-onnx.js";
import { ONNX_DOUBLE, ONNX_FLOAT, type OnnxGraphProto, type OnnxModelProto } from "../src/core/onnx/onnx-proto.js";
import { graphConstants } from "../src/core/onnx/onnx-tensor.js";
import { readOnnxModel } from "../src/node/readers/onnx-file.js";
import { fixturesDir } from "./helpers/cases.js";

const file = `${fixturesDir}/onnx/LSTM-nobias-seqfirst-uni-L1-noproj-noh0-float64.onnx`;
const model = (): Promise<OnnxModelProto> => readOnnxModel(file);

function refusal(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error("accepted");
}

describe("moduleFromOnnxModel", () => {
  it.each([
    ["null", null, "moduleFromOnnx overrides must be an object, got null"],
    ["a string", "batchFirst", "moduleFromOnnx overrides must be an object, got batchFirst"],
    ["a number", 1, "moduleFromOnnx overrides must be an object, got 1"],
    ["torch's name", { batch_first: true }, "moduleFromOnnx got an unknown option 'batch_first'; did you mean 'batchFirst'?"],
  ])("refuses overrides that are %s", async (_what, overrides, message) => {
    const m = await model();
    const err = refusal(() => moduleFromOnnxModel(m, file, overrides as unknown as OnnxModuleOverrides));
    expect(err).toBeInstanceOf(ModuleError);
    expect(err.message).toBe(message);
  });

  it("takes an override given as undefined as not given", async () => {
    const built = moduleFromOnnxModel(await model(), file, { batchFirst: undefined, bias: undefined });
    if (built.module !== "LSTM") throw new Error(`${file}: built ${built.module}`);
    expect([built.spec.batchFirst, built.spec.bias, built.spec.dtype]).toEqual([false, false, "float64"]);
  });

  it("refuses a float32 weight in a float64 graph instead of casting it", async () => {
    const m = await model();
    const graph = m.graph as OnnxGraphProto;
    // R of an LSTM node, or torch's weight_hh_l0 where the exporter kept torch's names.
    const lstm = graph.node.find((n) => n.op_type === "LSTM");
    const r = graphConstants(graph).get(lstm?.input[2] ?? "weight_hh_l0")!.proto;
    expect(r.data_type).toBe(ONNX_DOUBLE);
    const values = r.raw_data.length > 0 ? new Float64Array(new Uint8Array(r.raw_data).slice().buffer) : Float64Array.from(r.double_data);
    r.raw_data = new Uint8Array(Float32Array.from(values).buffer);
    r.double_data = [];
    r.data_type = ONNX_FLOAT;
    const err = refusal(() => moduleFromOnnxModel(m, file, {}));
    expect(err).toBeInstanceOf(FixtureError);
    expect(err.message).toMatch(/dtype float32, expected float64$/);
  });
});
