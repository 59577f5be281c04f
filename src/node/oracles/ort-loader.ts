/**
 * onnxruntime-node is an optional peer dependency: users of the layers never install its native
 * binaries (about 290 MB for five platforms), and its postinstall downloads CUDA libraries on
 * linux/x64 unless ONNXRUNTIME_NODE_INSTALL=skip (script/install.js; it only skips itself when it is
 * the root project). So it is loaded on first use, and its absence is one line saying what to run.
 */
import { RnnParityError } from "../../core/errors.js";

export type OnnxRuntimeNode = typeof import("onnxruntime-node");

/** The one command that installs the second oracle, tested in scripts/package-smoke.mjs. */
export const ORT_INSTALL_COMMAND = "ONNXRUNTIME_NODE_INSTALL=skip npm i onnxruntime-node@1.30.0";

/** The onnxruntime oracle was asked for and onnxruntime-node cannot be loaded. */
export class MissingDependencyError extends RnnParityError {
  override name = "MissingDependencyError";
}

function notFound(err: unknown): boolean {
  const code = typeof err === "object" && err !== null && "code" in err ? String(err.code) : "";
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
}

let loaded: Promise<OnnxRuntimeNode> | undefined;

/** onnxruntime-node, imported once; `importer` is replaceable so tests can simulate its absence. */
export function loadOnnxRuntime(importer: () => Promise<OnnxRuntimeNode> = () => import("onnxruntime-node")): Promise<OnnxRuntimeNode> {
  const attempt = loaded ?? importer();
  loaded = attempt;
  return attempt.catch((err: unknown) => {
    loaded = undefined;
    if (!notFound(err)) throw err;
    throw new MissingDependencyError(`the onnxruntime oracle needs onnxruntime-node, which is not installed: run ${ORT_INSTALL_COMMAND} (or --oracle torch)`);
  });
}
