/** onnxruntime-node on the CPU with one intra-op and one inter-op thread, on a model built from the same weights. */
import { createRequire } from "node:module";
import * as ort from "onnxruntime-node";
import { buildRnnModel } from "./onnx-model.js";
import type { Implementation, Runner } from "./types.js";

function ortVersion(): string {
  const pkg: unknown = createRequire(import.meta.url)("onnxruntime-node/package.json");
  return typeof pkg === "object" && pkg !== null && "version" in pkg && typeof pkg.version === "string" ? pkg.version : "unknown";
}

export const onnxruntimeImplementation: Implementation = {
  name: "onnxruntime",
  version: ortVersion(),
  async prepare(w, data): Promise<Runner> {
    const session = await ort.InferenceSession.create(buildRnnModel(w, data), {
      executionProviders: ["cpu"],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    });
    const input = data.input.data;
    if (!(input instanceof Float32Array)) throw new Error("bench: workload input is not float32");
    const feeds = { input: new ort.Tensor("float32", input, [w.seqLen, w.batch, w.inputSize]) };
    return {
      async forward(): Promise<Float32Array> {
        const result = await session.run(feeds);
        const output = result["output"];
        if (output === undefined || !(output.data instanceof Float32Array)) {
          throw new Error("bench: onnxruntime returned no float32 'output'");
        }
        return output.data;
      },
      async dispose(): Promise<void> {
        await session.release();
      },
    };
  },
};
