/**
 * `rnn-parity check` on inputs and report targets the happy path never meets: symbolic links
 * (followed, looping, dangling), report targets that are links or devices, paths below a file,
 * names carrying terminal escapes, broken ONNX models.
 */
import { execFileSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { existsSync, lstatSync, readlinkSync } from "node:fs";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { decode, encode } from "@msgpack/msgpack";
import { afterAll, describe, expect, it } from "vitest";
import { exitQuietlyOnClosedStdout } from "../src/node/cli/io.js";
import { renderJunit } from "../src/node/report/junit.js";
import { syntheticResult } from "./helpers/check-result.js";
import { bundled, plainCopy, removeTempDirs, runCli, tempDir, type CliRun } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

const F32 = "RNN-tanh-bias-seqfirst-uni-L1-h0-float32";
const CELL = "RNNCell-tanh-bias-batched-hx-float64";

function expectInputError(run: CliRun, line: string): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr).toBe(`rnn-parity: ${line}\n`);
}

describe("symbolic links among the inputs", () => {
  it("a folder's linked fixtures run (once, however they are reached), and a link back up the tree ends", async () => {
    const dir = await tempDir();
    await plainCopy(F32, dir);
    // Links inside the folder (one out of it is refused: test/hostile-paths.test.ts).
    await mkdir(join(dir, "store"));
    await plainCopy(CELL, join(dir, "store"));
    await symlink(join(dir, "store", `${CELL}.msgpack`), join(dir, `${CELL}.msgpack`));
    await symlink(join(dir, `${F32}.msgpack`), join(dir, "again.msgpack"));
    await mkdir(join(dir, "sub"));
    await symlink(dir, join(dir, "sub", "up"));
    const run = await runCli(["check", dir, join(dir, `${F32}.msgpack`), "--oracle", "torch", "--reporter", "json"]);
    expect(run.code).toBe(0);
    const cases = (JSON.parse(run.stdout) as { comparisons: { case: string }[] }).comparisons.map((c) => c.case);
    expect([...new Set(cases)].sort()).toEqual([F32, CELL].sort());
    expect(cases).toHaveLength(3); // output and h_n of F32 once, h_prime of the cell once
  });

  it("a dangling link named .msgpack is a missing fixture", async () => {
    const dir = await tempDir();
    await plainCopy(F32, dir);
    const link = join(dir, "gone.msgpack");
    await symlink(join(dir, "nowhere.msgpack"), link);
    expectInputError(await runCli(["check", dir]), `${link}: (file): cannot read: no such file`);
  });

  it("a missing path and a link loop name the path, in the readers' words", async () => {
    const dir = await tempDir();
    const missing = join(dir, "nope.msgpack");
    expectInputError(await runCli(["check", missing]), `${missing}: (file): cannot read: no such file`);
    await symlink(join(dir, "b"), join(dir, "a"));
    await symlink(join(dir, "a"), join(dir, "b"));
    expectInputError(await runCli(["check", join(dir, "a")]), `${join(dir, "a")}: (file): cannot read: too many levels of symbolic links`);
  });
});

describe("report targets", () => {
  it("a symbolic link is written through: the link stays, the file it names gets the report", async () => {
    const dir = await tempDir();
    const real = join(dir, "real.xml");
    const link = join(dir, "parity.xml");
    await writeFile(real, "old");
    await symlink(real, link);
    const run = await runCli(["check", "--filter", F32, "--oracle", "torch", "--reporter", `junit:${link}`]);
    expect(run.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(await readFile(real, "utf8")).toContain(`<testcase name="${F32}"`);
  });

  it("a dangling link's file is created, the link kept", async () => {
    const dir = await tempDir();
    const link = join(dir, "parity.json");
    await symlink(join(dir, "out", "report.json"), link);
    expect((await runCli(["check", "--filter", F32, "--oracle", "torch", "--reporter", `json:${link}`])).code).toBe(0);
    expect(readlinkSync(link)).toBe(join(dir, "out", "report.json"));
    expect(JSON.parse(await readFile(join(dir, "out", "report.json"), "utf8"))).toMatchObject({ schema: "rnn-parity-check" });
  });

  it("a device is written into, never replaced by a file (a rename onto /dev/null's name would replace it)", async () => {
    const dir = await tempDir();
    // As root (CI), a device node of the test's own, the null device's numbers: when the writer is
    // broken (a mutation run breaks it on purpose), root's rename replaces this node, not the
    // machine's /dev/null. Anyone else cannot create one, nor rename anything into /dev.
    const device = process.getuid?.() === 0 ? join(dir, "null-device") : "/dev/null";
    if (device !== "/dev/null") execFileSync("mknod", ["-m", "666", device, "c", "1", "3"]);
    const link = join(dir, "null.xml");
    await symlink(device, link);
    const run = await runCli(["check", "--filter", F32, "--oracle", "torch", "--reporter", `junit:${link}`]);
    expect(run.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync(device).isCharacterDevice()).toBe(true);
  });

  it("a path below a file is refused before anything runs", async () => {
    const dir = await tempDir();
    const file = join(dir, "a-file");
    await writeFile(file, "");
    const target = join(file, "parity.xml");
    const run = await runCli(["check", "--reporter", `junit:${target}`]);
    expectInputError(run, `${target}: cannot write the report: a parent is not a directory`);
    expect(existsSync(target)).toBe(false);
  });
});

describe("what reaches the terminal", () => {
  it("control characters in a fixture's name are escaped in the pretty report", async () => {
    const dir = await tempDir();
    const doc = decode(await readFile(bundled(F32))) as Record<string, unknown>;
    doc.name = "evil\u001b[2J\u0007name";
    const file = join(dir, "evil.msgpack");
    await writeFile(file, encode(doc));
    const run = await runCli(["check", file, "--oracle", "torch"]);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(run.stdout).toContain("evil\\u001b[2J\\u0007name");
  });

  it("an ONNX model onnxruntime cannot load: one line without onnxruntime's source location", async () => {
    const dir = await tempDir();
    const file = await plainCopy(F32, dir);
    const onnx = join(dir, `${F32}.onnx`);
    await writeFile(onnx, "");
    const run = await runCli(["check", file]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^rnn-parity: ${onnx.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: onnxruntime cannot load the model \\(.+\\)\n$`));
    expect(run.stderr).not.toContain("onnxruntime_src");
    expect(run.stderr).not.toContain("Load model from");
  });

  it("--rtol and --atol take decimal numbers only", async () => {
    for (const value of ["0x10", "0b1", "1e400", "inf", "nan", ""]) {
      expectInputError(await runCli(["check", "--atol", value]), `--atol ${value}: expected a finite number >= 0`);
    }
  });
});

describe("junit times", () => {
  it("a suite's time counts the onnxruntime run once, though two testcases share it", () => {
    const result = syntheticResult();
    const xml = renderJunit(result);
    const rnn = result.comparisons.filter((r) => r.module === "RNN");
    const runs = new Map(rnn.filter((r) => r.oracle !== "onnxruntime-vs-torch").map((r) => [`${r.case}\0${r.oracle}`, r.durationMs]));
    const expected = ([...runs.values()].reduce((a, b) => a + b, 0) / 1000).toFixed(3);
    expect(xml).toMatch(new RegExp(`<testsuite name="RNN" [^>]* time="${expected.replace(".", "\\.")}"`));
  });
});

describe("stdout closed by the reader (`rnn-parity check | head`)", () => {
  function errorOnStdout(code: string): { exits: (number | undefined)[]; stderr: string } {
    const stdout = new EventEmitter();
    const exits: (number | undefined)[] = [];
    let stderr = "";
    exitQuietlyOnClosedStdout(stdout, { write: (s: string) => (stderr += s) }, (c) => exits.push(c));
    stdout.emit("error", Object.assign(new Error(`${code}: write failed, write`), { code }));
    return { exits, stderr };
  }

  it("EPIPE exits with the status the run set, silently", () => {
    expect(errorOnStdout("EPIPE")).toEqual({ exits: [undefined], stderr: "" });
  });

  it("any other write error is one line and exit 2", () => {
    expect(errorOnStdout("ENOSPC")).toEqual({ exits: [2], stderr: "rnn-parity: cannot write to stdout: ENOSPC: write failed, write\n" });
  });
});
