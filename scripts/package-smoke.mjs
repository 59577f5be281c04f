#!/usr/bin/env node
// The package as a new user gets it: packs the tarball, installs it into fresh projects with no
// environment variable and no project .npmrc, and checks what issue 13 promises: the install exits 0
// and brings no native binary; ESM import and require() work; importing the core dlopens nothing;
// types resolve under nodenext (.mts, .cts) and bundler; an esbuild --platform=browser bundle of the
// core builds; the CLI names the one command that installs onnxruntime-node, and that command works;
// the shipped Python export_fixture runs from node_modules (where a Python with torch exists).
// rnn-parity/vitest's paritySuite runs in a fresh project's own vitest (4.1.12, vite 8.3.8) with
// exact pass/fail/skip counts for a correct adapter, a broken one, and the broken one with an
// expectations file. Prints both install sizes and the bundle size. Usage: node scripts/package-smoke.mjs [--keep]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync, readdirSync, readFileSync, statSync, lstatSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "rnn-parity-package-"));
const ORT_INSTALL = "npm i onnxruntime-node@1.30.0";

function fail(message) {
  console.error(`package-smoke: ${message}`);
  process.exit(1);
}
/** The environment of a user's shell: none of npm's or onnxruntime's settings leak from ours. */
function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_|^ONNXRUNTIME_|^NODE_OPTIONS$|^INIT_CWD$/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}
function run(cmd, args, cwd, env = cleanEnv()) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
function must(what, r) {
  if (r.status !== 0) fail(`${what}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  return r;
}
function du(dir) {
  let total = 0;
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const s = lstatSync(p);
    total += s.isDirectory() ? du(p) : s.size;
  }
  return total;
}
function nativeFiles(dir, out = []) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const s = lstatSync(p);
    if (s.isDirectory()) nativeFiles(p, out);
    else if (/\.(node|so(\.\d+)*|dylib|dll)$/.test(e)) out.push(p);
  }
  return out;
}
const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

const packed = must("npm pack", run("npm", ["pack", "--silent", "--pack-destination", work], repo));
const tarball = join(work, packed.stdout.trim().split("\n").pop());

function project(name, pkg) {
  const dir = join(work, name);
  execFileSync("mkdir", ["-p", dir]);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, ...pkg }, null, 2));
  return dir;
}

// 1. Layer users: plain npm i of the tarball.
const app = project("app", {});
must("npm i <tarball> (no env, no .npmrc)", run("npm", ["i", "--no-audit", "--no-fund", tarball], app));
const layerSize = du(join(app, "node_modules"));
const natives = nativeFiles(join(app, "node_modules"));
if (natives.length) fail(`the layer install holds native binaries: ${natives.slice(0, 3).join(", ")}`);

writeFileSync(join(app, "esm.mjs"), `
const opened = [];
const dlopen = process.dlopen;
process.dlopen = (...args) => { opened.push(String(args[1])); return dlopen.apply(process, args); };
const { RNN, Tensor } = await import("rnn-parity");
const rnn = new RNN({ inputSize: 2, hiddenSize: 3, seed: 1 });
const [out] = rnn.forward(Tensor.from([[[1, 2]], [[3, 4]]], "float32"));
if (out.shape.join() !== "2,1,3") throw new Error("bad shape " + out.shape);
if (opened.length) throw new Error("importing the core loaded native addons: " + opened.join(", "));
const node = await import("rnn-parity/node");
if (typeof node.runCheck !== "function") throw new Error("rnn-parity/node lacks runCheck");
console.log("esm ok");
`);
must("ESM import", run("node", ["esm.mjs"], app));
writeFileSync(join(app, "cjs.cjs"), `
const { RNN, Tensor } = require("rnn-parity");
const { readFixture } = require("rnn-parity/node");
const rnn = new RNN({ inputSize: 2, hiddenSize: 3, seed: 1 });
const [out] = rnn.forward(Tensor.from([[[1, 2]]], "float32"));
if (typeof readFixture !== "function" || out.shape.join() !== "1,1,3") throw new Error("require() broken");
console.log("cjs ok");
`);
must("require()", run("node", ["cjs.cjs"], app));

// Types: nodenext from ESM and CJS, and bundler resolution.
const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
const typeUse = `import { RNN, Tensor, type LSTMOptions } from "rnn-parity";\nimport { runCheck } from "rnn-parity/node";\nimport { paritySuite, type ParitySuiteOptions } from "rnn-parity/vitest";\nconst o: LSTMOptions = { inputSize: 1, hiddenSize: 1 };\nconst p: ParitySuiteOptions = { oracles: ["torch"] };\nexport const r = [new RNN({ inputSize: 1, hiddenSize: 1 }), Tensor, runCheck, o, paritySuite, p];\n`;
writeFileSync(join(app, "use.mts"), typeUse);
writeFileSync(join(app, "use.cts"), typeUse.replace(/^import \{ RNN, Tensor, type LSTMOptions \}.*\n/, 'import { RNN, Tensor } from "rnn-parity";\nimport type { LSTMOptions } from "rnn-parity";\n'));
writeFileSync(join(app, "use.ts"), typeUse);
const base = ["--noEmit", "--strict", "--skipLibCheck", "--types", "node", "--typeRoots", join(repo, "node_modules", "@types")];
must("types, nodenext", run("node", [tsc, ...base, "--module", "nodenext", "--moduleResolution", "nodenext", "use.mts", "use.cts"], app));
must("types, bundler", run("node", [tsc, ...base, "--module", "esnext", "--moduleResolution", "bundler", "use.ts"], app));

// A browser bundle of the core.
writeFileSync(join(app, "browser.js"), `import { RNN, Tensor } from "rnn-parity";\nconsole.log(new RNN({ inputSize: 1, hiddenSize: 1 }).forward(Tensor.from([[[1]]], "float32"))[0].shape);\n`);
const esbuild = join(repo, "node_modules", "esbuild", "bin", "esbuild");
must("esbuild --platform=browser", run(esbuild, ["browser.js", "--bundle", "--minify", "--platform=browser", "--format=esm", "--outfile=bundle.js", "--log-level=warning"], app));
const bundleSize = statSync(join(app, "bundle.js")).size;

// 2. The CLI without onnxruntime-node: one line naming the command; torch alone works.
const missing = run("npx", ["--no-install", "rnn-parity", "check"], app);
const lines = missing.stderr.trim().split("\n");
if (missing.status !== 2 || lines.length !== 1 || !lines[0].includes(ORT_INSTALL)) {
  fail(`rnn-parity check without onnxruntime-node: expected exit 2 and one line naming "${ORT_INSTALL}", got exit ${missing.status}:\n${missing.stderr}`);
}
must("rnn-parity check --oracle torch", run("npx", ["--no-install", "rnn-parity", "check", "--oracle", "torch", "--reporter", "json:torch.json"], app));

// 3. Harness users: the one command the CLI printed, then the full check.
const command = lines[0].slice(lines[0].indexOf("ONNXRUNTIME_NODE_INSTALL="));
const [assign, ...rest] = command.replace(/ \(.*$/, "").split(" ");
const [key, value] = assign.split("=");
must(`"${command}"`, run(rest[0], [...rest.slice(1), "--no-audit", "--no-fund"], app, cleanEnv({ [key]: value })));
const harnessSize = du(join(app, "node_modules"));
must("rnn-parity check (both oracles)", run("npx", ["--no-install", "rnn-parity", "check", "--reporter", "json:both.json"], app));

// 4. Python users (docs/export-your-model.md): the shipped export_fixture, run from node_modules, on a
// model torch just built; then the check of that folder with both oracles. Needs a Python with torch
// (RNN_PARITY_PYTHON, or the scripts/.venv that npm run fixtures creates); said and skipped otherwise.
const shipped = join(app, "node_modules", "rnn-parity", "python");
function filesBelow(dir, out = []) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (lstatSync(p).isDirectory()) filesBelow(p, out);
    else out.push(p);
  }
  return out;
}
// Only the sources: no __pycache__, .pyc or venv of ours may ship (package.json "files" lists *.py).
const pythonFiles = filesBelow(shipped);
const strays = pythonFiles.filter((f) => !f.endsWith(".py"));
if (strays.length || !pythonFiles.some((f) => f.endsWith("export_fixture.py"))) fail(`the package's python/ holds ${strays.slice(0, 3).join(", ") || "no export_fixture.py"}`);
const python = process.env.RNN_PARITY_PYTHON || join(repo, "scripts", ".venv", "bin", "python");
let exported = "skipped (no Python with torch: set RNN_PARITY_PYTHON or run npm run fixtures)";
if (existsSync(python) && run(python, ["-c", "import torch, onnx, onnxruntime, msgpack"], app).status === 0) {
  const pyEnv = cleanEnv({ PYTHONDONTWRITEBYTECODE: "1" });
  must("python: save a model and its input", run(python, ["-c", "import torch; torch.manual_seed(0); torch.save(torch.nn.GRU(3, 4, num_layers=2), 'gru.pt'); torch.save(torch.randn(5, 2, 3), 'x.pt')"], app, pyEnv));
  must("python node_modules/rnn-parity/python/export_fixture.py", run(python, [join(shipped, "export_fixture.py"), "gru.pt", "--input", "x.pt", "--out", "my-fixtures", "--name", "my-gru"], app, pyEnv));
  const api = "import torch; from rnn_parity import export_fixture; export_fixture(torch.nn.LSTMCell(3, 4), torch.randn(2, 3), out='my-fixtures', name='my-cell')";
  must("PYTHONPATH=node_modules/rnn-parity/python: export_fixture(...)", run(python, ["-c", api], app, { ...pyEnv, PYTHONPATH: shipped }));
  must("rnn-parity check my-fixtures (both oracles)", run("npx", ["--no-install", "rnn-parity", "check", "my-fixtures", "--oracle", "torch,onnxruntime"], app));
  exported = "export_fixture from node_modules: 2 cases exported and checked with both oracles";
}

console.log(`package-smoke: ${exported}`);

// 5. rnn-parity/vitest in a project of its own: vitest and vite at the repository's exact versions
// (from npm's cache when it has them), no onnxruntime-node (so the suite says it runs torch only).
const suite = project("vitest-user", { type: "module" });
must(
  "npm i <tarball> vitest@4.1.12 vite@8.3.8",
  run("npm", ["i", "--no-audit", "--no-fund", "--prefer-offline", "--save-exact", tarball, "vitest@4.1.12", "vite@8.3.8"], suite),
);
const SUITE_CASES = ["float64/RNNCell-tanh-bias-batched-hx-float64", "float32/LSTM-bias-seqfirst-bidir-L2-noproj-h0-float32", "float64/GRU-packed-unsorted-batchfirst-bidir-L2-h0-float64"];
writeFileSync(join(suite, "adapters.mjs"), `
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { typescriptAdapter } from "rnn-parity";
const root = dirname(createRequire(import.meta.url).resolve("rnn-parity/package.json"));
export const fixtures = ${JSON.stringify(SUITE_CASES)}.map((c) => join(root, "fixtures", c + ".msgpack"));
// Our own layers under another name: a correct implementation.
export const good = { name: "reexport", version: "1.0.0", create: (spec) => typescriptAdapter.create(spec) };
// The same, with RNNCell's first output element off by 1e-3: a porting bug in one module.
export const broken = {
  name: "broken",
  create(spec) {
    const m = typescriptAdapter.create(spec);
    if (spec.module !== "RNNCell") return m;
    return { loadStateDict: (sd) => m.loadStateDict(sd), forward: (...args) => { const h = m.forward(...args); const data = Float64Array.from(h.data); data[0] += 1e-3; return { data, shape: h.shape }; } };
  },
};
`);
writeFileSync(join(suite, "good.test.mjs"), `import { paritySuite } from "rnn-parity/vitest";\nimport { good, fixtures } from "./adapters.mjs";\nawait paritySuite(good, { fixtures });\n`);
writeFileSync(join(suite, "broken.test.mjs"), `import { paritySuite } from "rnn-parity/vitest";\nimport { broken, fixtures } from "./adapters.mjs";\nawait paritySuite(broken, { fixtures });\n`);
writeFileSync(join(suite, "expectations.json"), JSON.stringify({ implementation: "broken", expectedFailures: [{ case: "RNNCell-*", reason: "h_prime[0] is off" }] }));
writeFileSync(join(suite, "expected.test.mjs"), `import { paritySuite } from "rnn-parity/vitest";\nimport { broken, fixtures } from "./adapters.mjs";\nawait paritySuite(broken, { fixtures, expectations: "expectations.json" });\n`);
const vitestRun = run("npx", ["--no-install", "vitest", "run", "--reporter=default", "--reporter=json", "--outputFile.json=vitest.json"], suite);
if (vitestRun.status !== 1) fail(`vitest with paritySuite: expected exit 1 (the broken adapter fails), got ${vitestRun.status}\n${vitestRun.stdout}${vitestRun.stderr}`);
const ortLine = "rnn-parity/vitest: onnxruntime comparisons skipped";
if (!`${vitestRun.stdout}${vitestRun.stderr}`.includes(ortLine)) fail(`vitest with paritySuite: no "${ortLine}" line without onnxruntime-node`);
const vitestReport = JSON.parse(readFileSync(join(suite, "vitest.json"), "utf8"));
const perFile = {};
for (const f of vitestReport.testResults) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const t of f.assertionResults) counts[t.status === "pending" ? "skipped" : t.status] = (counts[t.status === "pending" ? "skipped" : t.status] ?? 0) + 1;
  perFile[f.name.split("/").pop()] = { counts, tests: f.assertionResults };
}
// Torch only (no onnxruntime-node): RNNCell h_prime (1), LSTM output, h_n, c_n (3), packed GRU (7).
const TOTAL = 11;
const expectCounts = (file, expected) => {
  const got = perFile[file]?.counts;
  if (JSON.stringify(got) !== JSON.stringify(expected)) fail(`vitest with paritySuite: ${file}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
};
expectCounts("good.test.mjs", { passed: TOTAL, failed: 0, skipped: 0 });
expectCounts("broken.test.mjs", { passed: TOTAL - 1, failed: 1, skipped: 0 });
expectCounts("expected.test.mjs", { passed: TOTAL - 1, failed: 0, skipped: 1 });
const failed = perFile["broken.test.mjs"].tests.find((t) => t.status === "failed");
const wantName = "torch vs broken RNNCell-tanh-bias-batched-hx-float64";
if (!failed.fullName.startsWith(wantName) || !failed.fullName.endsWith(" h_prime") || !failed.failureMessages.join("\n").includes("Tensor-likes are not close!")) {
  fail(`vitest with paritySuite: the broken adapter's failure is not "${wantName} … h_prime" with assert_close's message:\n${failed.fullName}\n${failed.failureMessages.join("\n")}`);
}

console.log(`package-smoke: vitest ${TOTAL} tests per paritySuite: correct adapter ${TOTAL} passed; broken ${TOTAL - 1} passed, 1 failed (${failed.fullName}); broken with expectations ${TOTAL - 1} passed, 1 skipped`);
console.log(`package-smoke: tarball ${mb(statSync(tarball).size)}; install for layer users ${mb(layerSize)} (no native file), with onnxruntime-node ${mb(harnessSize)}; core browser bundle (esbuild --minify) ${(bundleSize / 1024).toFixed(1)} KiB`);
if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`package-smoke: kept ${work}`);
