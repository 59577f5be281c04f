/**
 * The reasons writeReportsAtomically gives for write failures that a test cannot provoke on a
 * healthy disk as root: a read-only file system, a folder removed under the run. node:fs/promises'
 * writeFile is replaced for paths ending in a marker, so every other call is the real one. A full
 * disk is real: /dev/full answers every write with ENOSPC.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { writeReportsAtomically } from "../src/node/cli/write-reports.js";

vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs/promises")>();
  const writeFile: typeof fs.writeFile = async (path, data, options) => {
    const code = /\.(EROFS|ENOENT|EIO)\.[^/]*\.tmp$/.exec(String(path))?.[1];
    if (code !== undefined) throw Object.assign(new Error(`${code}: simulated, open '${String(path)}'`), { code });
    return fs.writeFile(path, data, options);
  };
  return { ...fs, writeFile };
});

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function failure(file: string): Promise<string> {
  try {
    await writeReportsAtomically([{ file, text: "report" }]);
  } catch (err) {
    return (err as Error).message;
  }
  return "(written)";
}

describe("write failures name the report and say why in words", () => {
  it.each([
    ["EROFS", "read-only file system"],
    ["ENOENT", "no such file or directory"],
    // A code without words of its own falls back to the error's message.
    ["EIO", "EIO: simulated, open"],
  ])("%s", async (code, words) => {
    const dir = await mkdtemp(join(tmpdir(), "rnn-parity-write-"));
    dirs.push(dir);
    const file = join(dir, `r.${code}`);
    const message = await failure(file);
    expect(message.startsWith(`${file}: cannot write the report: ${words}`)).toBe(true);
    if (code !== "EIO") expect(message).toBe(`${file}: cannot write the report: ${words}`);
    expect(await readdir(dir)).toEqual([]);
  });

  it("ENOSPC, from /dev/full", async () => {
    expect(await failure("/dev/full")).toBe("/dev/full: cannot write the report: no space left on device");
  });
});
