/**
 * Exact behaviour of the CLI's plumbing that the mutation run left unpinned: the all-or-nothing report
 * writer (refusals, in-place writes to non-regular targets, temporary files and their cleanup), the
 * report-collision check, the progress bar (only on a terminal, long runs, not in CI), processIo,
 * the stdout error handler and toolVersion's fallbacks. Every file lives in a mkdtemp folder: no test
 * writes to a device.
 */
import { execFileSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { link, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { exitQuietlyOnClosedStdout, processIo, type CliIo } from "../src/node/cli/io.js";
import { startProgress } from "../src/node/cli/progress.js";
import { checkReportCollisions } from "../src/node/cli/report-collisions.js";
import { checkReportTargets, writeReportsAtomically } from "../src/node/cli/write-reports.js";
import { removeTempDirs, tempDir } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

type Call = [string, ...unknown[]];

/** A fake terminal stream recording every call cli-progress makes on it. */
function fakeTerminal(isTTY: boolean): { stream: NodeJS.WriteStream; calls: Call[] } {
  const calls: Call[] = [];
  const fake = {
    isTTY,
    columns: 80,
    write: (s: string) => (calls.push(["write", s]), true),
    cursorTo: (x: number, y?: number) => (calls.push(["cursorTo", x, y]), true),
    clearLine: (d: number) => (calls.push(["clearLine", d]), true),
    moveCursor: (x: number, y: number) => (calls.push(["moveCursor", x, y]), true),
    clearScreenDown: () => (calls.push(["clearScreenDown"]), true),
    on: () => fake,
    removeListener: () => fake,
  };
  return { stream: fake as unknown as NodeJS.WriteStream, calls };
}

function ioWith(progressStream: NodeJS.WriteStream | undefined, env: CliIo["env"] = {}): CliIo {
  const quiet = { write: () => true, isTTY: false };
  return progressStream === undefined ? { stdout: quiet, stderr: quiet, env } : { stdout: quiet, stderr: quiet, env, progressStream };
}

describe("startProgress", () => {
  it.each([
    ["disabled (--no-progress)", true, {}, 50, false],
    ["not a terminal", false, {}, 50, true],
    ["in CI", true, { CI: "true" }, 50, true],
    ["a short run (19 cases)", true, {}, 19, true],
  ])("draws nothing when %s", (_why, isTTY: boolean, env: CliIo["env"], cases: number, enabled: boolean) => {
    const { stream, calls } = fakeTerminal(isTTY);
    const p = startProgress(ioWith(stream, env), cases, enabled);
    p.tick(1, cases, "some-case");
    p.stop();
    expect(calls).toEqual([]);
  });

  it("draws nothing without a progress stream", () => {
    const p = startProgress(ioWith(undefined), 50, true);
    expect(() => {
      p.tick(1, 50, "x");
      p.stop();
    }).not.toThrow();
  });

  it("on a terminal from 20 cases: hides the cursor, draws 'checking [bar] n/N cases | name', clears the line at the end", () => {
    const { stream, calls } = fakeTerminal(true);
    const p = startProgress(ioWith(stream), 20, true);
    p.tick(5, 20, "caseA");
    p.stop();
    const writes = calls.map((c) => c[1]);
    expect(calls.every((c) => c[0] === "write")).toBe(true);
    expect(writes).toEqual([
      "\u001b7",
      "\u001b[?25l",
      "\u001b[?7l",
      "\u001b[1G",
      `checking [${"░".repeat(30)}] 0/20 cases | `,
      "\u001b[0K",
      "\u001b[1G",
      `checking [${"█".repeat(8)}${"░".repeat(22)}] 5/20 cases | caseA`,
      "\u001b[0K",
      "\u001b[?25h",
      "\u001b[?7h",
      "\u001b8",
      "\u001b[1G",
      "\u001b[2K",
    ]);
  });
});

describe("processIo and the stdout error handler", () => {
  it("processIo is the process's own streams and environment, the bar on stderr", () => {
    const io = processIo();
    expect(Object.keys(io).sort()).toEqual(["env", "progressStream", "stderr", "stdout"]);
    expect(io.stdout).toBe(process.stdout);
    expect(io.stderr).toBe(process.stderr);
    expect(io.env).toBe(process.env);
    expect(io.progressStream).toBe(process.stderr);
  });

  it("EPIPE exits quietly with the status already set; another error prints its first line, trimmed, and exits 2", () => {
    const stdout = new EventEmitter();
    let stderr = "";
    const exits: (number | undefined)[][] = [];
    exitQuietlyOnClosedStdout(stdout, { write: (s: string) => (stderr += s) }, (...args: (number | undefined)[]) => exits.push(args));
    stdout.emit("error", Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
    expect(exits).toEqual([[]]);
    expect(stderr).toBe("");
    stdout.emit("error", Object.assign(new Error("  EBADF: bad file descriptor, write  \n    at somewhere"), { code: "EBADF" }));
    expect(exits).toEqual([[], [2]]);
    expect(stderr).toBe("rnn-parity: cannot write to stdout: EBADF: bad file descriptor, write\n");
  });
});

describe("toolVersion's fallbacks (package.json read through a mocked node:fs)", () => {
  afterEach(() => {
    vi.doUnmock("node:fs");
    vi.resetModules();
  });

  async function versionWith(readFileSync: () => string): Promise<string> {
    vi.resetModules();
    vi.doMock("node:fs", async (importOriginal) => ({ ...(await importOriginal<typeof import("node:fs")>()), readFileSync }));
    const { toolVersion } = await import("../src/node/cli/version.js");
    return toolVersion();
  }

  it.each([
    ["a string version", () => '{"version":"9.8.7"}', "9.8.7"],
    ["a version that is not a string", () => '{"version":3}', "unknown"],
    ["no version", () => "{}", "unknown"],
    ["an unreadable package.json", (): string => { throw new Error("EACCES"); }, "unknown"],
    ["a package.json that is not JSON", () => "{", "unknown"],
  ])("%s", async (_what, read: () => string, expected: string) => {
    expect(await versionWith(read)).toBe(expected);
  });
});

describe("checkReportCollisions", () => {
  it("two different existing files do not collide", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "a.json"), "a");
    await writeFile(join(dir, "b.xml"), "b");
    await expect(
      checkReportCollisions([{ name: "json", file: join(dir, "a.json") }, { name: "junit", file: join(dir, "b.xml") }], []),
    ).resolves.toBeUndefined();
  });

  it("a FIFO is written into, not replaced: two reporters may share it", async () => {
    const dir = await tempDir();
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    await expect(checkReportCollisions([{ name: "json", file: fifo }, { name: "junit", file: fifo }], [])).resolves.toBeUndefined();
  });

  it("a chain of 41 dangling links is followed 40 hops, like the kernel: it is not its final target", async () => {
    const dir = await tempDir();
    for (let i = 0; i < 41; i++) await symlink(i === 40 ? "missing" : `L${i + 1}`, join(dir, `L${i}`));
    await expect(
      checkReportCollisions([{ name: "json", file: join(dir, "L0") }, { name: "junit", file: join(dir, "missing") }], []),
    ).resolves.toBeUndefined();
  });

  it("a symbolic-link cycle stops after 40 hops", { timeout: 5000 }, async () => {
    const dir = await tempDir();
    await symlink("b", join(dir, "a"));
    await symlink("a", join(dir, "b"));
    await expect(
      checkReportCollisions([{ name: "json", file: join(dir, "a") }, { name: "junit", file: join(dir, "r.xml") }], []),
    ).resolves.toBeUndefined();
  });
});

describe("checkReportTargets and writeReportsAtomically", () => {
  it("a folder is refused whole, before and at the write", async () => {
    const dir = await tempDir();
    await expect(checkReportTargets([dir])).rejects.toHaveProperty("message", `${dir}: is a directory, not a report file`);
    await expect(writeReportsAtomically([{ file: dir, text: "x" }])).rejects.toHaveProperty("message", `${dir}: is a directory, not a report file`);
  });

  it("a symbolic-link cycle cannot be written", async () => {
    const dir = await tempDir();
    await symlink("b", join(dir, "a"));
    await symlink("a", join(dir, "b"));
    const file = join(dir, "a");
    const message = `${file}: cannot write the report: too many levels of symbolic links`;
    await expect(checkReportTargets([file])).rejects.toHaveProperty("message", message);
    await expect(writeReportsAtomically([{ file, text: "x" }])).rejects.toHaveProperty("message", message);
  });

  it("a non-regular target is written into after every temporary file exists; its failure writes nothing and leaves no temporary file", async () => {
    const dir = await tempDir();
    const sock = join(dir, "s");
    const server: Server = createServer();
    await new Promise<void>((ok) => server.listen(sock, ok));
    try {
      await expect(
        writeReportsAtomically([
          { file: join(dir, "r.json"), text: "{}" },
          { file: sock, text: "x" },
        ]),
      ).rejects.toHaveProperty("message", `${sock}: cannot write the report: ENXIO: no such device or address, open '${sock}'`);
      expect((await readdir(dir)).sort()).toEqual(["s"]);
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });

  it("a FIFO target gets the text appended in place, not renamed over", async () => {
    const dir = await tempDir();
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    // A reader on the other end, so the writer's open does not wait.
    const { open } = await import("node:fs/promises");
    const { constants } = await import("node:fs");
    const reader = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await writeReportsAtomically([{ file: fifo, text: "through the pipe" }]);
      const buf = Buffer.alloc(64);
      const { bytesRead } = await reader.read(buf, 0, 64, null);
      expect(buf.subarray(0, bytesRead).toString()).toBe("through the pipe");
      expect(await readdir(dir)).toEqual(["pipe"]);
    } finally {
      await reader.close();
    }
  });

  it("a regular file is replaced by a rename: a hard link to the old file keeps the old text", async () => {
    const dir = await tempDir();
    const report = join(dir, "r.json");
    await writeFile(report, "old");
    await link(report, join(dir, "h.json"));
    await writeReportsAtomically([{ file: report, text: "new" }]);
    expect(await readFile(report, "utf8")).toBe("new");
    expect(await readFile(join(dir, "h.json"), "utf8")).toBe("old");
    expect((await readdir(dir)).sort()).toEqual(["h.json", "r.json"]);
  });

  it("a failed rename stops the run, and every temporary file is removed", async () => {
    const dir = await tempDir();
    const outer = join(dir, "x");
    const inner = join(dir, "x", "r.json");
    // The inner report's folder is created as x, so x (a non-empty folder by then) cannot be renamed over.
    await expect(
      writeReportsAtomically([
        { file: outer, text: "outer" },
        { file: inner, text: "inner" },
      ]),
    ).rejects.toHaveProperty("message", `${outer}: cannot write the report: is a directory`);
    expect(await readdir(dir)).toEqual(["x"]);
    expect(await readdir(join(dir, "x"))).toEqual([]);
  });
});

describe("the temporary file is created exclusively (randomBytes mocked to clash with a stale one)", () => {
  afterEach(() => {
    vi.doUnmock("node:crypto");
    vi.resetModules();
  });

  it("a temporary name that exists already is refused with a reason, and nothing is renamed", async () => {
    vi.resetModules();
    vi.doMock("node:crypto", async (importOriginal) => ({
      ...(await importOriginal<typeof import("node:crypto")>()),
      randomBytes: () => Buffer.from([0xab, 0xcd, 0xef, 0x01]),
    }));
    const { writeReportsAtomically: write } = await import("../src/node/cli/write-reports.js");
    const dir = await tempDir();
    const stale = join(dir, `.r.json.${process.pid}.abcdef01.tmp`);
    await writeFile(stale, "stale");
    const file = join(dir, "r.json");
    const err: unknown = await write([{ file, text: "new" }]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    // The writer's short reason, never Node's "EEXIST: …, open '…'", and not mkdir's "a parent is not a directory".
    expect((err as Error).message).toBe(`${file}: cannot write the report: a temporary file of that name exists already`);
    expect((await readdir(dir)).sort()).toEqual([`.r.json.${process.pid}.abcdef01.tmp`]);
    expect(await readFile(stale, "utf8")).toBe("stale");
  });
});
