/**
 * The Python with PyTorch that the tests driving export_fixture run: RNN_PARITY_PYTHON, else
 * scripts/.venv (the venv `npm run fixtures` creates). `npm test` never needs Python, so without
 * one those tests are skipped, saying why; RNN_PARITY_REQUIRE_PYTHON=1 (.ci/run, after the venv
 * exists) turns the skip into a failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MODULES = "import torch, onnx, onnxruntime, onnxscript, msgpack";

export type TorchPython = { python: string; skip?: undefined } | { python?: undefined; skip: string };

export function findTorchPython(env: NodeJS.ProcessEnv = process.env): TorchPython {
  const named = env.RNN_PARITY_PYTHON;
  const python = named || join(REPO, "scripts", ".venv", "bin", "python");
  const found = existsSync(python) ? spawnSync(python, ["-c", MODULES], { encoding: "utf8" }) : undefined;
  let skip: string | undefined;
  if (found === undefined) skip = `no Python with torch: ${named ? `RNN_PARITY_PYTHON=${named} does not exist` : "set RNN_PARITY_PYTHON or run npm run fixtures (scripts/.venv)"}`;
  else if (found.status !== 0) skip = `${python} cannot ${MODULES} (${(found.stderr.trim().split("\n").pop() ?? "").slice(0, 120)})`;
  if (skip === undefined) return { python };
  if (env.RNN_PARITY_REQUIRE_PYTHON === "1") throw new Error(`RNN_PARITY_REQUIRE_PYTHON=1 but ${skip}`);
  return { skip };
}
