#!/usr/bin/env zx
// Regenerates fixtures/ from PyTorch (npm run fixtures), or checks the committed fixtures against a
// fresh regeneration (npm run fixtures -- --verify). The old fixtures are replaced only once a
// complete, checked set exists next to them, by two renames; a run killed at any point leaves
// either the old set or the new one in place, never a mix (see fixtures-tree.mjs).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  checkGenerated,
  compareTrees,
  describeComparison,
  forgetWriter,
  isDirectory,
  recordWriter,
  recoverInterruptedSwap,
  swapIn,
} from "./fixtures-tree.mjs";

const HELP = `Usage: npm run fixtures -- [options]   (or: zx scripts/fixtures.mjs [options])

Regenerates fixtures/ with PyTorch: creates a venv, installs scripts/requirements.txt, runs the
generator (python -m fixturegen.generate) into a temporary folder next to fixtures/, checks every
case of the matrix is there with the sha256 its manifest records, and only then swaps it in.
Reports which files are byte-identical to the previous fixtures. On the repository's own fixtures/
it also rewrites (or, with --verify, checks) test/data/assert-close-cases.msgpack, torch's verdicts
and messages that the comparison tests check src/compare against, test/data/torch-errors.json, the
messages torch raises for bad calls that src/core/nn words as torch does, and test/data/onnx-backend/,
ONNX's own LSTM/GRU backend test models with onnxruntime's outputs.

Options:
  --verify              regenerate into a temporary folder and compare with the committed
                        fixtures instead of replacing them: weights and inputs bit-identical,
                        outputs within torch.testing.assert_close tolerances, manifest sha256s
                        matching the committed files. Exit 1 with one line per problem.
  --fixtures-dir DIR    the fixtures folder (default: fixtures/ of this repository)
  --skip-onnx           development only: no ONNX export (the manifest then has no onnx entries)
  -h, --help            show this help

Environment:
  RNN_PARITY_VENV       venv folder (default scripts/.venv)
  PYTHON                interpreter that creates the venv (default python3.11)
  RNN_PARITY_PYTHON     use this Python as is (requirements already installed); no venv, no pip
  RNN_PARITY_GENERATOR  shell command replacing "python -m fixturegen.generate"
  RNN_PARITY_VERIFIER   shell command replacing "python -m fixturegen.verify"
  RNN_PARITY_COMPARE_CASES  shell command replacing "python -m fixturegen.compare_cases"
  RNN_PARITY_ONNX_BACKEND   shell command replacing "python -m fixturegen.onnx_backend"
  RNN_PARITY_SAFETENSORS    shell command replacing "python -m fixturegen.safetensors_cases"
  RNN_PARITY_ROUNDING       shell command replacing "python -m fixturegen.rounding_cases"
  RNN_PARITY_TORCH_ERRORS   shell command replacing "python -m fixturegen.torch_errors"

Exit status: 0 success, 1 generation or verification failed, 2 bad usage.`;

const thisFile = fileURLToPath(import.meta.url);
const scriptsDir = path.dirname(thisFile);
const repoRoot = path.dirname(scriptsDir);

class Failure extends Error {}
/** Bad usage: reported like a Failure, but exits 2. */
class UsageError extends Failure {}

function parseCommandLine() {
  // zx and npm put their own arguments first; ours are everything after this script's path.
  const i = process.argv.findIndex((a) => path.resolve(a) === thisFile);
  const args = i >= 0 ? process.argv.slice(i + 1) : process.argv.slice(2);
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        verify: { type: "boolean", default: false },
        "fixtures-dir": { type: "string" },
        "skip-onnx": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    return values;
  } catch (err) {
    console.error(`fixtures: ${err instanceof Error ? err.message : String(err)} (see --help)`);
    process.exit(2);
  }
}

const shellQuote = (s) => `'${String(s).replaceAll("'", `'\\''`)}'`;

let activeChild = null;

/** Runs a command; resolves with its stdout when captured. Rejects with a Failure on a bad exit. */
function run(label, command, { capture = false, onSpawn } = {}) {
  return new Promise((resolve, reject) => {
    const { file, args, shell } = command;
    const target = shell ? ["--shell", [file, ...args.map(shellQuote)].join(" ")] : ["--", file, ...args];
    // Through the watchdog (fixtures-watchdog.mjs), in its own process group, so a kill of this
    // script can take the whole generator tree along, and a kill that never reaches our handlers
    // (SIGKILL, of this process or of its whole group) still ends it: the watchdog reads the end
    // of its stdin, this pipe, as "the parent is gone" and kills its group.
    const child = spawn(process.execPath, [path.join(scriptsDir, "fixtures-watchdog.mjs"), ...target], {
      cwd: scriptsDir,
      env: { ...process.env, PYTHONPATH: scriptsDir, PYTHONDONTWRITEBYTECODE: "1" },
      stdio: ["pipe", capture ? "pipe" : "inherit", "inherit"],
      detached: true,
    });
    activeChild = child;
    if (child.pid !== undefined) onSpawn?.(child.pid);
    let out = "";
    child.stdout?.on("data", (d) => (out += d));
    child.on("error", (err) => {
      activeChild = null;
      reject(new Failure(`${label}: cannot start ${file} (${err.message})`));
    });
    child.on("close", (code, signal) => {
      activeChild = null;
      if (code === 0) resolve(out);
      else reject(new Failure(`${label} ${describeExit(code, signal)}`));
    });
  });
}

function describeExit(code, signal) {
  if (signal) return `was killed by ${signal}`;
  // A shell reports a command killed by signal n as exit code 128 + n.
  const name = Object.keys(os.constants.signals).find((k) => os.constants.signals[k] === code - 128);
  return code > 128 && name ? `exited with code ${code} (killed by ${name})` : `exited with code ${code}`;
}

function killActiveChild() {
  if (activeChild?.pid === undefined) return;
  try {
    process.kill(-activeChild.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

// --- Python --------------------------------------------------------------------------------

let pythonPromise = null;

function python() {
  pythonPromise ??= (async () => {
    if (process.env.RNN_PARITY_PYTHON) return process.env.RNN_PARITY_PYTHON;
    const venv = path.resolve(process.env.RNN_PARITY_VENV || path.join(scriptsDir, ".venv"));
    const py = path.join(venv, "bin", "python");
    if (!fs.existsSync(py)) {
      const base = process.env.PYTHON || "python3.11";
      console.error(`fixtures: creating venv ${venv} with ${base}`);
      await run("venv creation", { file: base, args: ["-m", "venv", venv], shell: false });
    }
    console.error(`fixtures: pip install -r scripts/requirements.txt into ${venv}`);
    await run("pip install", {
      file: py,
      args: ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", path.join(scriptsDir, "requirements.txt")],
      shell: false,
    });
    return py;
  })();
  return pythonPromise;
}

async function pythonTool(envName, module) {
  const override = process.env[envName];
  if (override) return { file: override, args: [], shell: true };
  return { file: await python(), args: ["-m", module], shell: false };
}

const withArgs = (command, args) => ({ ...command, args: [...command.args, ...args] });

// --- Main ----------------------------------------------------------------------------------

async function main() {
  const opts = parseCommandLine();
  if (opts.help) {
    console.log(HELP);
    return 0;
  }
  const fixturesDir = path.resolve(opts["fixtures-dir"] ?? path.join(repoRoot, "fixtures"));
  const parent = path.dirname(fixturesDir);
  if (!isDirectory(parent)) throw new UsageError(`--fixtures-dir: ${parent} is not a directory`);
  if (fs.existsSync(fixturesDir) && !isDirectory(fixturesDir)) throw new UsageError(`--fixtures-dir: ${fixturesDir} is not a directory`);
  recoverInterruptedSwap(fixturesDir);
  if (opts.verify && !fs.existsSync(fixturesDir)) throw new UsageError(`--verify: ${fixturesDir} does not exist: nothing to verify`);

  // test/data/assert-close-cases.msgpack (torch's own verdicts for the comparison tests) belongs to
  // the repository, not to a fixtures folder, so only a run on the repository's fixtures/ touches it.
  const ownsCompareCases = opts["fixtures-dir"] === undefined;
  const compareCasesFile = path.join(repoRoot, "test", "data", "assert-close-cases.msgpack");
  const compareCasesTool = () => pythonTool("RNN_PARITY_COMPARE_CASES", "fixturegen.compare_cases");
  const backendDir = path.join(repoRoot, "test", "data", "onnx-backend");
  const backendTool = () => pythonTool("RNN_PARITY_ONNX_BACKEND", "fixturegen.onnx_backend");
  const safetensorsDir = path.join(repoRoot, "test", "data", "safetensors");
  const safetensorsTool = () => pythonTool("RNN_PARITY_SAFETENSORS", "fixturegen.safetensors_cases");
  const roundingDir = path.join(repoRoot, "test", "data", "rounding");
  const roundingTool = () => pythonTool("RNN_PARITY_ROUNDING", "fixturegen.rounding_cases");
  const torchErrorsFile = path.join(repoRoot, "test", "data", "torch-errors.json");
  const torchErrorsTool = () => pythonTool("RNN_PARITY_TORCH_ERRORS", "fixturegen.torch_errors");
  const skipOnnx = opts["skip-onnx"] ? ["--skip-onnx"] : [];
  const generator = await pythonTool("RNN_PARITY_GENERATOR", "fixturegen.generate");
  const listed = await run("generator --list", withArgs(generator, ["--list"]), { capture: true });
  const expectedNames = listed.split("\n").map((l) => l.trim()).filter(Boolean);
  if (expectedNames.length === 0) throw new Failure("the generator lists no cases");

  // Next to fixtures/, so the final rename stays on one file system and is atomic.
  const tmpDir = path.join(parent, `.${path.basename(fixturesDir)}.tmp-${process.pid}`);
  cleanupDir = tmpDir;
  writerFixturesDir = fixturesDir;
  fs.rmSync(tmpDir, { recursive: true, force: true });
  try {
    console.error(`fixtures: generating ${expectedNames.length} cases into ${tmpDir}`);
    // The generator's process group, on record next to the temporary folder it writes: a later
    // run that finds this run dead kills that group before it removes the folder (fixtures-tree.mjs).
    await run("generator", withArgs(generator, ["--out", tmpDir, ...skipOnnx]), {
      onSpawn: (pgid) => recordWriter(fixturesDir, pgid),
    });
    forgetWriter(fixturesDir);
    const problems = checkGenerated(tmpDir, expectedNames, opts["skip-onnx"]);
    if (problems.length > 0) throw new Failure(problems.join("\n"));
    const cmp = compareTrees(fixturesDir, tmpDir);

    if (opts.verify) {
      console.error(describeComparison(cmp, "the committed fixtures"));
      const verifier = await pythonTool("RNN_PARITY_VERIFIER", "fixturegen.verify");
      await run("verification", withArgs(verifier, ["--committed", fixturesDir, "--fresh", tmpDir, ...skipOnnx]));
      console.error(`fixtures: ${fixturesDir} agrees with a fresh regeneration of all ${expectedNames.length} cases`);
      if (ownsCompareCases) {
        await run("assert_close cases check", withArgs(await compareCasesTool(), ["--check", compareCasesFile]));
        console.error(`fixtures: ${compareCasesFile} agrees with torch.testing.assert_close`);
        await run("ONNX backend models check", withArgs(await backendTool(), ["--check", backendDir]));
        await run("safetensors files check", withArgs(await safetensorsTool(), ["--check", safetensorsDir]));
        await run("rounding cases check", withArgs(await roundingTool(), ["--check", roundingDir]));
        await run("torch error messages check", withArgs(await torchErrorsTool(), ["--check", torchErrorsFile]));
      }
      return 0;
    }

    // Before the swap, so that if it fails the fixtures are still untouched (it replaces its own
    // file atomically).
    if (ownsCompareCases) {
      await run("assert_close cases", withArgs(await compareCasesTool(), ["--out", compareCasesFile]));
      console.error(`fixtures: wrote ${compareCasesFile} from torch.testing.assert_close`);
      await run("ONNX backend models", withArgs(await backendTool(), ["--out", backendDir]));
      await run("safetensors files", withArgs(await safetensorsTool(), ["--out", safetensorsDir]));
      await run("rounding cases", withArgs(await roundingTool(), ["--out", roundingDir]));
      await run("torch error messages", withArgs(await torchErrorsTool(), ["--out", torchErrorsFile]));
    }
    swapIn(fixturesDir, tmpDir);
    console.error(`fixtures: wrote ${expectedNames.length} cases to ${fixturesDir}`);
    console.error(describeComparison(cmp, "the previous fixtures"));
    if (cmp.changed.length + cmp.added.length + cmp.removed.length === 0) {
      console.error("fixtures: regeneration is byte-identical to the previous fixtures");
    }
    return 0;
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    forgetWriter(fixturesDir);
    cleanupDir = null;
  }
}

let cleanupDir = null;
/** The fixtures folder whose writer record (recordWriter) this run holds, for the signal handlers. */
let writerFixturesDir = null;

for (const [signal, number] of [["SIGINT", 2], ["SIGTERM", 15], ["SIGHUP", 1]]) {
  process.on(signal, () => {
    killActiveChild();
    if (cleanupDir) {
      fs.rmSync(cleanupDir, { recursive: true, force: true });
      if (writerFixturesDir) forgetWriter(writerFixturesDir);
    }
    console.error(`fixtures: interrupted by ${signal}; fixtures left untouched`);
    process.exit(128 + number);
  });
}

try {
  process.exitCode = await main();
} catch (err) {
  killActiveChild();
  if (err instanceof UsageError) {
    console.error(`fixtures: ${err.message} (see --help)`);
    process.exitCode = 2;
  } else {
    // A Failure lists one problem per line; anything else (a file system error) is one line too,
    // never a stack trace.
    const message = err instanceof Error ? err.message : String(err);
    console.error(message.split("\n").map((l) => `fixtures: ${l}`).join("\n"));
    console.error("fixtures: fixtures left untouched");
    process.exitCode = 1;
  }
}
