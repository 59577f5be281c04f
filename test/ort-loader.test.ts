/** onnxruntime-node is an optional peer: its absence is one line naming the command that installs it. */
import { describe, expect, it } from "vitest";
import { loadOnnxRuntime, MissingDependencyError, ORT_INSTALL_COMMAND, type OnnxRuntimeNode } from "../src/node/oracles/ort-loader.js";

const missing = (code: string) => () => Promise.reject(Object.assign(new Error("Cannot find package 'onnxruntime-node'"), { code })) as Promise<OnnxRuntimeNode>;

describe("loadOnnxRuntime", () => {
  it.each(["ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND"])("a missing package (%s) is a MissingDependencyError naming the install command", async (code) => {
    const err: unknown = await loadOnnxRuntime(missing(code)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingDependencyError);
    expect(String((err as Error).message)).toBe(
      `the onnxruntime oracle needs onnxruntime-node, which is not installed: run ${ORT_INSTALL_COMMAND} (or --oracle torch)`,
    );
    expect(ORT_INSTALL_COMMAND).toBe("ONNXRUNTIME_NODE_INSTALL=skip npm i onnxruntime-node@1.30.0");
  });
  it("another load failure (a broken native addon) is passed through, not disguised", async () => {
    const broken = () => Promise.reject(new Error("libonnxruntime.so.1: cannot open shared object file")) as Promise<OnnxRuntimeNode>;
    await expect(loadOnnxRuntime(broken)).rejects.toThrow("libonnxruntime.so.1");
  });
  it("loads the installed package", async () => {
    const ort = await loadOnnxRuntime();
    expect(typeof ort.InferenceSession.create).toBe("function");
  });
});
