/**
 * onnxruntime on a model built from the same weights, in two builds: onnxruntime-node (native, CPU
 * execution provider, one intra-op and one inter-op thread) and onnxruntime-web (its WebAssembly
 * execution provider, one thread, SIMD build; the .wasm ships inside the npm package and is loaded
 * from there, nothing is downloaded). Both share onnxruntime-common's API, so one runner serves both.
 */
import { createRequire } from "node:module";
import * as ortNode from "onnxruntime-node";
import * as ortWeb from "onnxruntime-web";
import { buildRnnModel } from "./onnx-model.js";
import type { Implementation, ImplementationName, Runner } from "./types.js";

function packageVersion(pkg: string): string {
  const json: unknown = createRequire(import.meta.url)(`${pkg}/package.json`);
  return typeof json === "object" && json !== null && "version" in json && typeof json.version === "string" ? json.version : "unknown";
}

/** The slice of onnxruntime-common both packages export (each bundles its own copy of it). */
type Ort = Pick<typeof ortNode, "InferenceSession" | "Tensor">;
type SessionOptions = Parameters<typeof ortNode.InferenceSession.create>[1];

function onnxruntimeBuild(name: ImplementationName, version: string, ort: Ort, options: SessionOptions): Implementation {
  return {
    name,
    version,
    async prepare(w, data): Promise<Runner> {
      const session = await ort.InferenceSession.create(buildRnnModel(w, data), options);
      const input = data.input.data;
      if (!(input instanceof Float32Array)) throw new Error("bench: workload input is not float32");
      const feeds: Record<string, ortNode.Tensor> = { input: new ort.Tensor("float32", input, [w.seqLen, w.batch, w.inputSize]) };
      if (w.lengths !== null) feeds["lengths"] = new ort.Tensor("int32", Int32Array.from(w.lengths), [w.batch]);
      return {
        async forward(): Promise<Float32Array> {
          const result = await session.run(feeds);
          const output = result["output"];
          if (output === undefined || !(output.data instanceof Float32Array)) {
            throw new Error(`bench: ${name} returned no float32 'output'`);
          }
          return output.data;
        },
        async dispose(): Promise<void> {
          await session.release();
        },
      };
    },
  };
}

export const onnxruntimeImplementation: Implementation = onnxruntimeBuild("onnxruntime", packageVersion("onnxruntime-node"), ortNode, {
  executionProviders: ["cpu"],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
});

// One thread, which also keeps onnxruntime-web from starting worker threads. 1.30 ships only SIMD
// builds of its .wasm (ort-wasm-simd-threaded.wasm, the plain one without JSEP/WebGPU for "wasm").
ortWeb.env.wasm.numThreads = 1;

// onnxruntime-web's exports map hides its package.json; it reports its version itself.
export const onnxruntimeWebImplementation: Implementation = onnxruntimeBuild("onnxruntime-web", ortWeb.env.versions.web ?? "unknown", ortWeb, {
  executionProviders: ["wasm"],
  executionMode: "sequential",
  graphOptimizationLevel: "all",
});
