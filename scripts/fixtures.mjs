#!/usr/bin/env zx
// Regenerates fixtures/ from PyTorch (npm run fixtures), or checks the committed fixtures against a
// fresh regeneration (npm run fixtures -- --verify). The old fixtures are replaced only once a
// complete, checked set exists next to them, by two renames; a run killed at any point leaves
// either the old set or the new one in place, never a mix (see recoverInterruptedSwap).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HELP = `Usage: npm run fixtures -- [options]   (or: zx scripts/fixtures.mjs [options])

Regenerates fixtures/ with PyTorch: creates a venv, installs scripts/requirements.txt, runs the
generator (python -m fixturegen.generate) into a temporary folder next to fixtures/, checks every
case of the matrix is there with the sha256 its manifest records, and only then swaps it in.
Reports which files are byte-identical to the previous fixtures. On the repository's own fixtures/
it also rewrites (or, with --verify, checks) test/data/assert-close-cases.msgpack, torch's verdicts
and messages that the comparison tests check src/compare against.

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

Exit status: 0 success, 1 generation or verification failed, 2 bad usage.`;

const thisFile = fileURLToPath(import.meta.url);
const scriptsDir = path.dirname(thisFile);
const repoRoot = path.dirname(scriptsDir);

class Failure extends Error {}

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
function run(label, command, { capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const { file, args, shell } = command;
    const child = spawn(shell ? [file, ...args.map(shellQuote)].join(" ") : file, shell ? [] : args, {
      cwd: scriptsDir,
      env: { ...process.env, PYTHONPATH: scriptsDir, PYTHONDONTWRITEBYTECODE: "1" },
      shell,
      stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"],
      // Its own process group, so a kill of this script can take the whole generator tree along.
      detached: true,
    });
    activeChild = child;
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

function pidAlive(pid) {
  try {
    // A zombie still answers kill(pid, 0) but will never touch its folder again.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    // no /proc (macOS), or no such process: fall through
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

function sha256File(file) {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function listFiles(root) {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join("/"))
    .sort();
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

// --- Checking a generated folder -----------------------------------------------------------

/** Every expected case present, every file's sha256 as the manifest says, nothing else. */
function checkGenerated(dir, expectedNames, skipOnnx) {
  const problems = [];
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  } catch (err) {
    return [`generated manifest.json is missing or unreadable (${err.message})`];
  }
  if (!Array.isArray(manifest?.cases)) return ["generated manifest.json has no cases list"];
  const listed = new Set(["manifest.json"]);
  const names = new Set();
  const checkFile = (name, rel, sha) => {
    listed.add(rel);
    const file = path.join(dir, rel);
    if (!fs.existsSync(file)) problems.push(`${name}: ${rel} was not written`);
    else if (sha256File(file) !== sha) problems.push(`${name}: ${rel} does not match its manifest sha256`);
  };
  for (const c of manifest.cases) {
    names.add(c.name);
    checkFile(c.name, c.file, c.sha256);
    if (c.onnx) checkFile(c.name, c.onnx.file, c.onnx.sha256);
    else if (!skipOnnx) problems.push(`${c.name}: no ONNX model in the manifest`);
  }
  for (const n of expectedNames) if (!names.has(n)) problems.push(`${n}: in the case matrix but not generated`);
  for (const n of names) if (!expectedNames.includes(n)) problems.push(`${n}: generated but not in the case matrix`);
  for (const rel of listFiles(dir)) if (!listed.has(rel)) problems.push(`${rel}: written but not in the manifest`);
  return problems;
}

function compareTrees(oldDir, newDir) {
  const oldFiles = new Set(listFiles(oldDir));
  const newFiles = listFiles(newDir);
  const result = { identical: [], changed: [], added: [], removed: [] };
  for (const rel of newFiles) {
    if (!oldFiles.has(rel)) result.added.push(rel);
    else if (fs.readFileSync(path.join(oldDir, rel)).equals(fs.readFileSync(path.join(newDir, rel)))) result.identical.push(rel);
    else result.changed.push(rel);
    oldFiles.delete(rel);
  }
  result.removed = [...oldFiles];
  return result;
}

function describeComparison(cmp, what) {
  const lines = [
    `fixtures: ${cmp.identical.length} files byte-identical to ${what}, ${cmp.changed.length} changed, ` +
      `${cmp.added.length} added, ${cmp.removed.length} removed`,
  ];
  for (const [kind, files] of [["changed", cmp.changed], ["added", cmp.added], ["removed", cmp.removed]]) {
    for (const rel of files.slice(0, 20)) lines.push(`  ${kind}: ${rel}`);
    if (files.length > 20) lines.push(`  ... and ${files.length - 20} more ${kind}`);
  }
  return lines.join("\n");
}

// --- The swap ------------------------------------------------------------------------------

function siblings(fixturesDir, kind) {
  const parent = path.dirname(fixturesDir);
  const prefix = `.${path.basename(fixturesDir)}.${kind}-`;
  return fs
    .readdirSync(parent)
    .filter((n) => n.startsWith(prefix))
    .map((n) => ({ dir: path.join(parent, n), pid: Number(n.slice(prefix.length)) }));
}

/**
 * A run killed between "fixtures -> old" and "tmp -> fixtures" leaves no fixtures/ but a complete
 * old copy: put it back. Leftovers of dead runs (temporary folders, an old copy whose new set is
 * in place) are removed; those of a live run are not touched.
 */
function recoverInterruptedSwap(fixturesDir) {
  const olds = siblings(fixturesDir, "old").filter((s) => !pidAlive(s.pid));
  if (!fs.existsSync(fixturesDir) && olds.length > 0) {
    const newest = olds.sort((a, b) => fs.statSync(b.dir).mtimeMs - fs.statSync(a.dir).mtimeMs)[0];
    fs.renameSync(newest.dir, fixturesDir);
    console.error(`fixtures: restored ${fixturesDir} from ${path.basename(newest.dir)} (an earlier run was interrupted)`);
  }
  for (const s of [...siblings(fixturesDir, "old"), ...siblings(fixturesDir, "tmp")]) {
    if (!pidAlive(s.pid)) fs.rmSync(s.dir, { recursive: true, force: true });
  }
}

function swapIn(fixturesDir, tmpDir) {
  const oldDir = path.join(path.dirname(fixturesDir), `.${path.basename(fixturesDir)}.old-${process.pid}`);
  const hadOld = fs.existsSync(fixturesDir);
  if (hadOld) fs.renameSync(fixturesDir, oldDir);
  fs.renameSync(tmpDir, fixturesDir);
  if (hadOld) fs.rmSync(oldDir, { recursive: true, force: true });
}

// --- Main ----------------------------------------------------------------------------------

async function main() {
  const opts = parseCommandLine();
  if (opts.help) {
    console.log(HELP);
    return 0;
  }
  const fixturesDir = path.resolve(opts["fixtures-dir"] ?? path.join(repoRoot, "fixtures"));
  const parent = path.dirname(fixturesDir);
  if (!fs.existsSync(parent)) throw new Failure(`${parent} does not exist`);
  recoverInterruptedSwap(fixturesDir);
  if (opts.verify && !fs.existsSync(fixturesDir)) throw new Failure(`${fixturesDir} does not exist: nothing to verify`);

  // test/data/assert-close-cases.msgpack (torch's own verdicts for the comparison tests) belongs to
  // the repository, not to a fixtures folder, so only a run on the repository's fixtures/ touches it.
  const ownsCompareCases = opts["fixtures-dir"] === undefined;
  const compareCasesFile = path.join(repoRoot, "test", "data", "assert-close-cases.msgpack");
  const compareCasesTool = () => pythonTool("RNN_PARITY_COMPARE_CASES", "fixturegen.compare_cases");
  const skipOnnx = opts["skip-onnx"] ? ["--skip-onnx"] : [];
  const generator = await pythonTool("RNN_PARITY_GENERATOR", "fixturegen.generate");
  const listed = await run("generator --list", withArgs(generator, ["--list"]), { capture: true });
  const expectedNames = listed.split("\n").map((l) => l.trim()).filter(Boolean);
  if (expectedNames.length === 0) throw new Failure("the generator lists no cases");

  // Next to fixtures/, so the final rename stays on one file system and is atomic.
  const tmpDir = path.join(parent, `.${path.basename(fixturesDir)}.tmp-${process.pid}`);
  cleanupDir = tmpDir;
  fs.rmSync(tmpDir, { recursive: true, force: true });
  try {
    console.error(`fixtures: generating ${expectedNames.length} cases into ${tmpDir}`);
    await run("generator", withArgs(generator, ["--out", tmpDir, ...skipOnnx]));
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
      }
      return 0;
    }

    swapIn(fixturesDir, tmpDir);
    if (ownsCompareCases) {
      await run("assert_close cases", withArgs(await compareCasesTool(), ["--out", compareCasesFile]));
      console.error(`fixtures: wrote ${compareCasesFile} from torch.testing.assert_close`);
    }
    console.error(`fixtures: wrote ${expectedNames.length} cases to ${fixturesDir}`);
    console.error(describeComparison(cmp, "the previous fixtures"));
    if (cmp.changed.length + cmp.added.length + cmp.removed.length === 0) {
      console.error("fixtures: regeneration is byte-identical to the previous fixtures");
    }
    return 0;
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    cleanupDir = null;
  }
}

let cleanupDir = null;

for (const [signal, number] of [["SIGINT", 2], ["SIGTERM", 15], ["SIGHUP", 1]]) {
  process.on(signal, () => {
    killActiveChild();
    if (cleanupDir) fs.rmSync(cleanupDir, { recursive: true, force: true });
    console.error(`fixtures: interrupted by ${signal}; fixtures left untouched`);
    process.exit(128 + number);
  });
}

try {
  process.exitCode = await main();
} catch (err) {
  killActiveChild();
  if (err instanceof Failure) {
    const untouched = "fixtures left untouched";
    console.error(err.message.split("\n").map((l) => `fixtures: ${l}`).join("\n"));
    console.error(`fixtures: ${untouched}`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
