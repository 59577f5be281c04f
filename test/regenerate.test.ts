// scripts/fixtures.mjs must never leave fixtures/ half-written: it generates into a temporary
// folder and swaps it in only when complete. These tests drive it with a fake generator (no
// Python needed) that fails, hangs, gets killed, or writes an incomplete set.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const zxCli = path.join(repoRoot, "node_modules", "zx", "build", "cli.js");
const script = path.join(repoRoot, "scripts", "fixtures.mjs");

const CASES = ["RNN-a-float32", "RNNCell-b-float64"];

// Writes its first fixture, then fails, hangs or finishes according to FAKE_MODE.
const FAKE_GENERATOR = `
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
const names = ${JSON.stringify(CASES)};
const args = process.argv.slice(2);
if (args.includes("--list")) { console.log(names.join("\\n")); process.exit(0); }
const out = args[args.indexOf("--out") + 1];
const mode = process.env.FAKE_MODE;
const entries = [];
const write = (name) => {
  const dtype = name.endsWith("float64") ? "float64" : "float32";
  const file = dtype + "/" + name + ".msgpack";
  fs.mkdirSync(path.join(out, dtype), { recursive: true });
  fs.writeFileSync(path.join(out, file), "new " + name);
  const sha256 = mode === "badsha" ? "0".repeat(64) : createHash("sha256").update("new " + name).digest("hex");
  entries.push({ name, module: "RNN", config: {}, dtype, file, sha256 });
};
write(names[0]);
if (mode === "fail") process.exit(3);
if (mode === "hang") {
  fs.writeFileSync(process.env.FAKE_PIDFILE, String(process.pid));
  setInterval(() => {}, 1000);
} else {
  if (mode !== "incomplete") write(names[1]);
  const manifest = { format: "rnn-parity-manifest", version: 1, torch_version: "fake", cases: entries };
  fs.writeFileSync(path.join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\\n");
}
`;

const OLD_FILES: Record<string, string> = {
  "manifest.json": '{"old": true}\n',
  "float32/RNN-a-float32.msgpack": "old a",
  "float64/RNNCell-b-float64.msgpack": "old b",
  "float64/RNN-gone-float64.msgpack": "old gone",
};

let root: string;
let fixturesDir: string;
let fakePath: string;
let pidFile: string;
const strays: number[] = [];

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
}

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const full = path.join(e.parentPath, e.name);
      files[path.relative(dir, full).split(path.sep).join("/")] = fs.readFileSync(full, "utf8");
    }
  }
  return files;
}

const leftovers = (): string[] => fs.readdirSync(root).filter((n) => n.startsWith(".fixtures."));

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], mode: string, env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Result> } {
  const child = spawn(process.execPath, [zxCli, script, ...args], {
    env: {
      ...process.env,
      RNN_PARITY_GENERATOR: `'${process.execPath}' '${fakePath}'`,
      RNN_PARITY_VERIFIER: "false",
      // Proves no Python is needed: any attempt to use it fails.
      RNN_PARITY_PYTHON: path.join(root, "no-such-python"),
      FAKE_MODE: mode,
      FAKE_PIDFILE: pidFile,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Result>((resolve) =>
    // "exit", not "close": a killed script's orphaned generator may hold the pipes open.
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

const runScript = (args: string[], mode = "ok", env: Record<string, string> = {}): Promise<Result> =>
  start(["--fixtures-dir", fixturesDir, ...args], mode, env).done;

async function waitForGenerator(): Promise<number> {
  for (let i = 0; i < 400; i++) {
    if (fs.existsSync(pidFile)) {
      const pid = Number(fs.readFileSync(pidFile, "utf8"));
      strays.push(pid);
      return pid;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("the fake generator never started");
}

function alive(pid: number): boolean {
  try {
    // Zombies (unreaped in a container without an init) still answer kill(pid, 0).
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    // no /proc: fall back to kill(pid, 0)
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function diesWithin(pid: number, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; ) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !alive(pid);
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "rnn-parity-regen-"));
  fixturesDir = path.join(root, "fixtures");
  fakePath = path.join(root, "fake-generator.mjs");
  pidFile = path.join(root, "generator.pid");
  fs.writeFileSync(fakePath, FAKE_GENERATOR);
  writeTree(fixturesDir, OLD_FILES);
});

afterEach(() => {
  for (const pid of strays.splice(0)) {
    if (alive(pid)) process.kill(pid, "SIGKILL");
  }
  fs.rmSync(root, { recursive: true, force: true });
});

describe("npm run fixtures", () => {
  it("prints help, and rejects bad usage with one line and exit 2", async () => {
    const help = await runScript(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--verify");
    const bad = await runScript(["--frobnicate"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("--frobnicate");
  });

  it.each([
    ["that is a file", (): string => fakePath],
    ["in a missing folder", (): string => path.join(root, "missing", "fixtures")],
  ])("rejects a --fixtures-dir %s with one line and exit 2", async (_what, dir) => {
    const r = await start(["--fixtures-dir", dir(), "--skip-onnx"], "ok").done;
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^fixtures: --fixtures-dir: .* is not a directory/);
    expect(leftovers()).toEqual([]);
  });

  it("rejects --verify without fixtures to verify, with one line and exit 2", async () => {
    fs.rmSync(fixturesDir, { recursive: true });
    const r = await runScript(["--verify", "--skip-onnx"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("nothing to verify");
    expect(leftovers()).toEqual([]);
  });

  it("replaces the fixtures when every case is generated, and reports what changed", async () => {
    const first = await runScript(["--skip-onnx"]);
    expect(first.stderr).toContain("0 files byte-identical to the previous fixtures, 3 changed, 0 added, 1 removed");
    expect(first.code).toBe(0);
    const tree = readTree(fixturesDir);
    expect(Object.keys(tree).sort()).toEqual(["float32/RNN-a-float32.msgpack", "float64/RNNCell-b-float64.msgpack", "manifest.json"]);
    expect(tree["float32/RNN-a-float32.msgpack"]).toBe("new RNN-a-float32");
    expect(leftovers()).toEqual([]);

    const second = await runScript(["--skip-onnx"]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("3 files byte-identical to the previous fixtures, 0 changed, 0 added, 0 removed");
    expect(second.stderr).toContain("regeneration is byte-identical");
  });

  it("leaves the fixtures untouched when the generator fails after writing part", async () => {
    const r = await runScript(["--skip-onnx"], "fail");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("generator exited with code 3");
    expect(readTree(fixturesDir)).toEqual(OLD_FILES);
    expect(leftovers()).toEqual([]);
  });

  it("leaves the fixtures untouched when the generator is killed mid-way", async () => {
    const run = runScript(["--skip-onnx"], "hang");
    process.kill(await waitForGenerator(), "SIGKILL");
    const r = await run;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/generator (was killed by SIGKILL|exited with code 137 \(killed by SIGKILL\))/);
    expect(readTree(fixturesDir)).toEqual(OLD_FILES);
    expect(leftovers()).toEqual([]);
  });

  it("leaves the fixtures untouched when the script itself is killed, and recovers on the next run", async () => {
    const { child, done } = start(["--fixtures-dir", fixturesDir, "--skip-onnx"], "hang");
    const generator = await waitForGenerator();
    child.kill("SIGKILL");
    expect((await done).signal).toBe("SIGKILL");
    // Its watchdog saw the script go and took the generator down (issue 9).
    expect(await diesWithin(generator, 3000)).toBe(true);
    expect(readTree(fixturesDir)).toEqual(OLD_FILES);
    // The dead run's temporary folder and its writer record.
    expect(leftovers().map((n) => n.replace(/-\d+$/, ""))).toEqual([".fixtures.tmp", ".fixtures.writer"]);

    const next = await runScript(["--skip-onnx"]);
    expect(next.code).toBe(0);
    expect(readTree(fixturesDir)["float64/RNNCell-b-float64.msgpack"]).toBe("new RNNCell-b-float64");
    expect(leftovers()).toEqual([]);
  });

  it("cleans up and stops the generator on SIGTERM", async () => {
    const { child, done } = start(["--fixtures-dir", fixturesDir, "--skip-onnx"], "hang");
    const generator = await waitForGenerator();
    child.kill("SIGTERM");
    expect((await done).code).toBe(143);
    expect(readTree(fixturesDir)).toEqual(OLD_FILES);
    expect(leftovers()).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(generator)).toBe(false);
  });

  it.each([
    ["incomplete", "RNNCell-b-float64: in the case matrix but not generated"],
    ["badsha", "RNN-a-float32: float32/RNN-a-float32.msgpack does not match its manifest sha256"],
  ])("refuses a %s set and keeps the old fixtures", async (mode, message) => {
    const r = await runScript(["--skip-onnx"], mode);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(readTree(fixturesDir)).toEqual(OLD_FILES);
    expect(leftovers()).toEqual([]);
  });

  it("requires an ONNX model per case unless --skip-onnx", async () => {
    const r = await runScript([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("RNN-a-float32: no ONNX model in the manifest");
    expect(readTree(fixturesDir)).toEqual(OLD_FILES);
  });

  it("restores the old fixtures when an earlier run died between its two renames", async () => {
    fs.renameSync(fixturesDir, path.join(root, ".fixtures.old-99999999"));
    const r = await runScript(["--skip-onnx"], "fail");
    expect(r.stderr).toContain("restored");
    expect(readTree(fixturesDir)).toEqual(OLD_FILES);
    expect(leftovers()).toEqual([]);
  });

  it("--verify passes when the verifier does, and still never replaces the fixtures", async () => {
    const r = await runScript(["--verify", "--skip-onnx"], "ok", { RNN_PARITY_VERIFIER: "true" });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("agrees with a fresh regeneration of all 2 cases");
    expect(readTree(fixturesDir)).toEqual(OLD_FILES);
    expect(leftovers()).toEqual([]);
  });

  it("a SIGKILL of the script's whole process group stops the generator too (issue 9: it kept running)", async () => {
    const child = spawn(process.execPath, [zxCli, script, "--fixtures-dir", fixturesDir, "--skip-onnx"], {
      env: {
        ...process.env,
        RNN_PARITY_GENERATOR: `'${process.execPath}' '${fakePath}'`,
        RNN_PARITY_PYTHON: path.join(root, "no-such-python"),
        FAKE_MODE: "hang",
        FAKE_PIDFILE: pidFile,
      },
      stdio: "ignore",
      detached: true, // its own group, as a terminal or CI runner gives npm run fixtures
    });
    const exited = new Promise((r) => child.on("exit", r));
    const generator = await waitForGenerator();
    process.kill(-(child.pid as number), "SIGKILL");
    await exited;
    expect(await diesWithin(generator, 3000)).toBe(true);
    // The next run finds the dead run's folder and record, and leaves nothing behind.
    const next = await runScript(["--skip-onnx"]);
    expect(next.code).toBe(0);
    expect(leftovers()).toEqual([]);
  });

  it("a later run stops a dead run's generator that is still writing before it removes its folder", async () => {
    // A dead run (pid 99999999) whose writer, a process group of its own, is alive and would write
    // into the folder again after it is removed.
    const tmp = path.join(root, ".fixtures.tmp-99999999");
    fs.mkdirSync(tmp);
    const writer = spawn(process.execPath, ["-e", `setInterval(() => require("fs").mkdirSync(${JSON.stringify(tmp)}, { recursive: true }), 20)`], {
      stdio: "ignore",
      detached: true,
    });
    strays.push(writer.pid as number);
    fs.writeFileSync(path.join(root, ".fixtures.writer-99999999"), `${writer.pid}\n`);
    const r = await runScript(["--skip-onnx"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`stopped the generator of an earlier run (process group ${writer.pid})`);
    expect(await diesWithin(writer.pid as number, 3000)).toBe(true);
    await new Promise((res) => setTimeout(res, 100));
    expect(leftovers()).toEqual([]);
  });

  it("--verify never replaces the fixtures and fails when the verifier does", async () => {
    const r = await runScript(["--verify", "--skip-onnx"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("verification exited with code 1");
    expect(readTree(fixturesDir)).toEqual(OLD_FILES);
    expect(leftovers()).toEqual([]);
  });

});
