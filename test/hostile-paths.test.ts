// Issue 9, causes 2 and 3: `rnn-parity check` reads nothing outside the folder it was given
// (symbolic links resolved), unless the user named that path on the command line; and it never
// blocks on a FIFO or streams a device: every such input is one line, "(file): not a regular file".
import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { copyFile, mkdir, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { readManifest, verifyManifest } from "../src/node/readers/manifest.js";
import type { ManifestCase } from "../src/core/format/types.js";
import { bundled, removeTempDirs, runCli, tempDir, type CliRun } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

const F32 = "RNN-tanh-bias-seqfirst-uni-L1-h0-float32";
const CELL = "RNNCell-tanh-bias-batched-hx-float64";
const BUNDLED = dirname(dirname(bundled(F32)));

const fifos: string[] = [];
function mkfifo(path: string): string {
  execFileSync("mkfifo", [path]);
  fifos.push(path);
  return path;
}

// A reader blocked in open() (the bug) holds a thread pool thread forever; opening the FIFO for
// writing releases it, so a failing test does not hang the whole run.
afterEach(() => {
  for (const f of fifos.splice(0)) {
    try {
      closeSync(openSync(f, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // no reader waiting: nothing to release
    }
  }
});

/** The run, or a failure after `ms` instead of a hang. */
async function runWithin(argv: string[], ms = 8000): Promise<CliRun> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`rnn-parity ${argv.join(" ")} still running after ${ms} ms (blocked)`)), ms);
  });
  try {
    return await Promise.race([runCli(argv), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function expectInputError(run: CliRun, line: string): void {
  expect(run.stderr).toBe(`rnn-parity: ${line}\n`);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe("");
}

async function entry(name: string): Promise<ManifestCase> {
  const c = (await readManifest()).cases.find((x) => x.name === name);
  if (!c) throw new Error(`no bundled case ${name}`);
  return c;
}

/**
 * A fixtures folder with a manifest listing `names` (their bundled entries, ONNX models dropped);
 * `place` puts each listed file in place (default: a copy).
 */
async function manifestFolder(
  names: string[],
  place: (from: string, to: string, name: string) => Promise<void> = (from, to) => copyFile(from, to),
): Promise<string> {
  const dir = await tempDir();
  const cases: ManifestCase[] = [];
  for (const name of names) {
    const { onnx: _onnx, ...c } = await entry(name);
    await mkdir(join(dir, dirname(c.file)), { recursive: true });
    await place(join(BUNDLED, c.file), join(dir, c.file), name);
    cases.push(c);
  }
  const manifest = { format: "rnn-parity-manifest", version: 1, torch_version: (await readManifest()).torch_version, cases };
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

describe("reads stay inside the folder given (cause 2)", () => {
  it("a listed file that is a link to /etc/passwd is refused, never hashed", async () => {
    const dir = await manifestFolder([F32], async (_from, to) => symlink("/etc/passwd", to));
    const c = await entry(F32);
    const path = join(dir, c.file);
    const run = await runWithin(["check", dir, "--oracle", "torch"]);
    expectInputError(
      run,
      `${path}: (file): listed in the manifest (case ${F32}) but resolves to /etc/passwd, outside the folder ${dir}; name it on the command line to read it`,
    );
    const v = await verifyManifest(dir);
    expect(v.problems.map((p) => p.message)).toEqual([run.stderr.slice("rnn-parity: ".length).trimEnd()]);
  });

  it("a listed file linked to a real fixture outside the folder is refused, though its sha256 matches", async () => {
    const dir = await manifestFolder([F32], async (from, to) => symlink(from, to));
    const path = join(dir, (await entry(F32)).file);
    expectInputError(
      await runWithin(["check", dir, "--oracle", "torch"]),
      `${path}: (file): listed in the manifest (case ${F32}) but resolves to ${bundled(F32)}, outside the folder ${dir}; name it on the command line to read it`,
    );
  });

  it("a linked manifest.json outside the folder is refused", async () => {
    const dir = await tempDir();
    await symlink(join(BUNDLED, "manifest.json"), join(dir, "manifest.json"));
    expectInputError(
      await runWithin(["check", dir, "--oracle", "torch"]),
      `${join(dir, "manifest.json")}: (file): resolves to ${join(BUNDLED, "manifest.json")}, outside the folder ${dir}; name it on the command line to read it`,
    );
  });

  it("in a folder without a manifest, a linked fixture or folder outside it is refused", async () => {
    const dir = await tempDir();
    await symlink(bundled(F32), join(dir, "a.msgpack"));
    expectInputError(
      await runWithin(["check", dir, "--oracle", "torch"]),
      `${join(dir, "a.msgpack")}: (file): resolves to ${bundled(F32)}, outside the folder ${dir}; name it on the command line to read it`,
    );
    const other = await tempDir();
    await symlink(dirname(bundled(CELL)), join(other, "f64"));
    expectInputError(
      await runWithin(["check", other, "--oracle", "torch"]),
      `${join(other, "f64")}: (file): resolves to ${dirname(bundled(CELL))}, outside the folder ${other}; name it on the command line to read it`,
    );
  });

  it("a link named on the command line runs, and so does a folder that is itself a link", async () => {
    const dir = await tempDir();
    await symlink(bundled(F32), join(dir, "a.msgpack"));
    const named = await runWithin(["check", join(dir, "a.msgpack"), "--oracle", "torch", "--reporter", "json"]);
    expect(named.stderr).toBe("");
    expect(named.code).toBe(0);
    const inside = await manifestFolder([CELL]);
    const alias = join(await tempDir(), "alias");
    await symlink(inside, alias);
    const run = await runWithin(["check", alias, "--oracle", "torch", "--reporter", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("an .onnx beside a named fixture that links out of its folder is refused", async () => {
    const dir = await tempDir();
    const file = join(dir, `${F32}.msgpack`);
    await copyFile(bundled(F32), file);
    await symlink("/etc/passwd", join(dir, `${F32}.onnx`));
    expectInputError(
      await runWithin(["check", file]),
      `${join(dir, `${F32}.onnx`)}: (file): resolves to /etc/passwd, outside the folder ${dir}; name it on the command line to read it`,
    );
  });
});

describe("FIFOs and devices never block (cause 3)", () => {
  it("a FIFO named as a fixture", async () => {
    const dir = await tempDir();
    const fifo = mkfifo(join(dir, "x.msgpack"));
    expectInputError(await runWithin(["check", fifo]), `${fifo}: (file): not a regular file`);
  });

  it("a FIFO .onnx beside a fixture", async () => {
    const dir = await tempDir();
    const file = join(dir, `${F32}.msgpack`);
    await copyFile(bundled(F32), file);
    const fifo = mkfifo(join(dir, `${F32}.onnx`));
    expectInputError(await runWithin(["check", file]), `${fifo}: (file): not a regular file`);
  });

  it("a FIFO manifest.json", async () => {
    const dir = await tempDir();
    const fifo = mkfifo(join(dir, "manifest.json"));
    expectInputError(await runWithin(["check", dir]), `${fifo}: (file): not a regular file`);
  });

  it("a FIFO listed in the manifest, and one in a folder without a manifest", async () => {
    const dir = await manifestFolder([F32], async (_from, to) => void mkfifo(to));
    const path = join(dir, (await entry(F32)).file);
    expectInputError(
      await runWithin(["check", dir, "--oracle", "torch"]),
      `${path}: (file): listed in the manifest (case ${F32}) but is not a regular file`,
    );
    const plain = await tempDir();
    const fifo = mkfifo(join(plain, "y.msgpack"));
    expectInputError(await runWithin(["check", plain]), `${fifo}: (file): not a regular file`);
  });

  it("a listed file that links to /dev/zero is refused, not hashed forever", async () => {
    const dir = await manifestFolder([F32], async (_from, to) => symlink("/dev/zero", to));
    const path = join(dir, (await entry(F32)).file);
    // Outside the folder, so refused for that first; named on the command line, for what it is.
    expect((await runWithin(["check", dir, "--oracle", "torch"])).stderr).toContain("resolves to /dev/zero, outside the folder");
    expectInputError(await runWithin(["check", path]), `${path}: (file): not a regular file`);
    const v = await verifyManifest(dir);
    expect(v.problems).toHaveLength(1);
  });
});

describe("a 70,000-entry manifest (cause 9)", () => {
  it("is refused in linear time (was quadratic: 14 s)", async () => {
    // Short names and RNNCell's small config keep the manifest under its 16 MiB limit.
    const base = await entry(CELL);
    const { onnx: _onnx, ...c } = base;
    const cases = Array.from({ length: 70_000 }, (_, i) => ({ ...c, name: `c${i}`, file: `f/${i}.msgpack` }));
    const dir = await tempDir();
    await writeFile(join(dir, "manifest.json"), JSON.stringify({ format: "rnn-parity-manifest", version: 1, torch_version: base.name, cases }));
    const start = performance.now();
    const run = await runWithin(["check", dir, "--oracle", "torch"], 30_000);
    const ms = performance.now() - start;
    expect(run.stderr).toBe(
      `rnn-parity: ${join(dir, "f/0.msgpack")}: (file): listed in the manifest (case c0) but cannot be read: no such file\n`,
    );
    // Under Stryker (vitest.mutation.config.ts) every statement is instrumented and the run is
    // niced on a shared machine (11.6 s measured): the bound is the plain suite's.
    expect(ms).toBeLessThan(process.env.RNN_PARITY_MUTATION === "1" ? 60_000 : 9000);
  });
});
