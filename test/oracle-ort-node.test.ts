/**
 * The Node side of the onnxruntime oracle: loading onnxruntime-node (a missing package is one
 * MissingDependencyError naming the install command; anything else propagates), and runOnnxModel's
 * own steps before the shared session code: the name errors use, bytes that are not a model, a model
 * without a graph, and the outputs asked for.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeOnnxModel } from "../src/core/onnx/onnx-proto.js";
import type { OnnxModelProto } from "../src/core/onnx/onnx-proto.js";
import { runOnnxModel, runOnnxRuntime } from "../src/node/oracles/onnxruntime.js";
import { loadOnnxRuntime, MissingDependencyError, ORT_INSTALL_COMMAND, type OnnxRuntimeNode } from "../src/node/oracles/ort-loader.js";
import { DEFAULT_FIXTURES_DIR } from "../src/node/readers/manifest.js";
import { readFixture } from "../src/node/readers/fixture-file.js";
import { bundled } from "./helpers/cli-run.js";

const MISSING = `the onnxruntime oracle needs onnxruntime-node, which is not installed: run ${ORT_INSTALL_COMMAND} (or --oracle torch)`;

// These run first: onnxruntime-node, once loaded, is kept for the process.
describe("loadOnnxRuntime", () => {
  it("a package that is not installed is a MissingDependencyError naming the install command", async () => {
    expect(ORT_INSTALL_COMMAND).toBe("ONNXRUNTIME_NODE_INSTALL=skip npm i onnxruntime-node@1.30.0");
    for (const code of ["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND"]) {
      const err = await loadOnnxRuntime(() => Promise.reject(Object.assign(new Error("gone"), { code }))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MissingDependencyError);
      expect([(err as Error).name, (err as Error).message]).toEqual(["MissingDependencyError", MISSING]);
    }
  });

  it("any other failure propagates unchanged, and the next call tries again", async () => {
    for (const failure of [Object.assign(new Error("bad ELF"), { code: "ERR_DLOPEN_FAILED" }), new Error("no code"), "a string", null, { code: 7 }]) {
      await expect(loadOnnxRuntime(() => Promise.reject(failure))).rejects.toBe(failure);
    }
    const ort = await loadOnnxRuntime();
    expect(typeof ort.InferenceSession.create).toBe("function");
    // Loaded once: a later importer is not called.
    expect(await loadOnnxRuntime(() => Promise.reject(new Error("not called")))).toBe(ort as OnnxRuntimeNode);
  });
});

describe("runOnnxModel before the session", () => {
  it("bytes that are not a model are onnxruntime's to refuse, under <in-memory model> unless named", async () => {
    const garbage = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]);
    await expect(runOnnxModel(garbage, {})).rejects.toThrow(/^<in-memory model>: onnxruntime cannot load the model \(.+\)$/);
    await expect(runOnnxModel(garbage, {}, { file: "named.onnx" })).rejects.toThrow(/^named\.onnx: onnxruntime cannot load the model/);
  });

  it("a model without a graph is left to onnxruntime too", async () => {
    const bytes = encodeOnnxModel({ ir_version: 8, producer_name: "t", producer_version: "", opset_import: [{ domain: "", version: 17 }] } as unknown as OnnxModelProto);
    const err = (await runOnnxModel(bytes, {}, { file: "g.onnx" }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^g\.onnx: onnxruntime cannot load the model/);
    expect(err.message).not.toContain("holds no graph");
  });

  it("a path names itself in errors, and is read here, never by onnxruntime", async () => {
    const path = join(DEFAULT_FIXTURES_DIR, "no-such-model.onnx");
    await expect(runOnnxModel(path, {})).rejects.toThrow(new RegExp(`^${path.replace(/[.]/g, "\\.")}: `));
    const model = join(DEFAULT_FIXTURES_DIR, "onnx", "RNN-batch1-batchfirst-uni-L1-h0-float32.onnx");
    await expect(runOnnxModel(model, {})).rejects.toThrow(`${model}: graph.input: the graph takes [hx, input], but the inputs are []`);
    // A folder is refused by the bounded reader, not handed to onnxruntime as a path.
    const err = (await runOnnxModel(DEFAULT_FIXTURES_DIR, {}).catch((e: unknown) => e)) as Error;
    expect(err.message.startsWith(`${DEFAULT_FIXTURES_DIR}: `)).toBe(true);
    expect(err.message).not.toContain("onnxruntime cannot load");
  });

  it("fetches the outputs asked for, or all of them", async () => {
    const name = "RNN-batch1-batchfirst-uni-L1-h0-float32";
    const f = await readFixture(bundled(name));
    const model = join(DEFAULT_FIXTURES_DIR, "onnx", `${name}.onnx`);
    const feeds = { input: f.inputs.input, ...(f.inputs.hx ? { hx: f.inputs.hx } : {}) };
    expect(Object.keys(await runOnnxModel(model, feeds)).sort()).toEqual(["h_n", "output"]);
    expect(Object.keys(await runOnnxModel(model, feeds, { outputNames: ["h_n"] }))).toEqual(["h_n"]);
    expect(Object.keys(await runOnnxRuntime(f, model))).toEqual(["output", "h_n"]);
  });
});
