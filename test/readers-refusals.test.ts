/**
 * The Node file readers' refusals and bounds, word for word: fsReason's one-line wording of any
 * thrown value, isWithin's folder test, readBounded and sha256Bounded on files that are missing,
 * not regular, at their limit or one byte over it, and on files that shrink or grow between the
 * fstat and the read (FileHandle's stat, read and close are spied on: the class is not exported,
 * its prototype is reachable), checkListedFile's wording and per-extension limits, the fixtures
 * folder walk (depth limit, dot-named entries, sorting) and the ONNX readers.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import type { Stats } from "node:fs";
import { appendFile, copyFile, mkdir, mkdtemp, open, readFile, readdir, readlink, realpath, rm, symlink, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_FIXTURE_BYTES, MAX_ONNX_BYTES } from "../src/core/format/limits.js";
import { decodeOnnxModel } from "../src/core/onnx/onnx-proto.js";
import { onnxStateDict } from "../src/core/onnx/onnx-weights.js";
import {
  DEFAULT_FIXTURES_DIR,
  checkListedFile,
  readManifest,
  sha256File,
  verifyManifest,
  type ListedFile,
} from "../src/node/readers/manifest.js";
import { inspectOnnx, moduleFromOnnx, readOnnxModel, readOnnxStateDict } from "../src/node/readers/onnx-file.js";
import { fsReason, isWithin, readBounded, sha256Bounded } from "../src/node/readers/read-bounded.js";
import { fixtureErrorOfAsync } from "./helpers/fixture-bytes.js";
import { onnxCases, onnxPath } from "./helpers/onnx-cases.js";

let dir = "";
beforeAll(async () => { dir = await realpath(await mkdtemp(join(tmpdir(), "rnn-parity-refusals-"))); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });
afterEach(() => { vi.restoreAllMocks(); });

let serial = 0;
/** A fresh folder under the test's temporary directory. */
async function folder(): Promise<string> {
  const path = join(dir, `d${++serial}`);
  await mkdir(path);
  return path;
}

async function written(name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

/** A sparse file of `size` zero bytes: no disk space used. */
async function sparse(path: string, size: number): Promise<string> {
  await writeFile(path, "");
  await truncate(path, size);
  return path;
}

function mkfifo(path: string): string {
  execFileSync("mkfifo", [path]);
  return path;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** sha256 of `size` zero bytes, hashed in chunks. */
function sha256OfZeros(size: number): string {
  const hash = createHash("sha256");
  const chunk = new Uint8Array(1 << 20);
  for (let left = size; left > 0; left -= chunk.length) hash.update(chunk.subarray(0, Math.min(left, chunk.length)));
  return hash.digest("hex");
}

/** Bytes 0, 1, 2, … (mod 251), so a read at the wrong offset shows. */
function counting(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => i % 251);
}

/** The FileHandle methods the readers call, as they call them. */
interface HandleMethods {
  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number; buffer: Uint8Array }>;
  stat(): Promise<Stats>;
  close(): Promise<void>;
}

async function handlePrototype(): Promise<HandleMethods> {
  const probe = await open(await written("probe", ""), "r");
  const proto = Object.getPrototypeOf(probe) as HandleMethods;
  await probe.close();
  return proto;
}

/** An fs error as Node throws them: a message and a code. */
function fsError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * Spies on every read: `first` (if given) replaces the first call's length (a short read, as a
 * network file system may return), `fail` rejects every call. More than 64 calls is a runaway loop
 * (a reader that never stops at end of file) and rejects, so such a bug fails instead of hanging.
 */
async function spyOnReads(options: { first?: number; fail?: Error } = {}): Promise<{ calls: () => number }> {
  const proto = await handlePrototype();
  const real = proto.read;
  const spy = vi.spyOn(proto, "read").mockImplementation(function (this: HandleMethods, buffer, offset, length, position) {
    const call = spy.mock.calls.length;
    if (call > 64) return Promise.reject(new Error("runaway read loop"));
    if (options.fail) return Promise.reject(options.fail);
    return real.call(this, buffer, offset, call === 1 && options.first !== undefined ? options.first : length, position);
  });
  return { calls: () => spy.mock.calls.length };
}

/** Runs `after` once the reader's fstat has returned (the file then changes under it), or rejects every fstat with `fail`. */
async function spyOnStat(options: { after?: () => Promise<void>; fail?: Error }): Promise<void> {
  const proto = await handlePrototype();
  const real = proto.stat;
  vi.spyOn(proto, "stat").mockImplementation(async function (this: HandleMethods) {
    if (options.fail) throw options.fail;
    const stats = await real.call(this);
    await options.after?.();
    return stats;
  });
}

/**
 * How many of this process's file descriptors refer to `path` (Linux /proc): 0 once a reader has
 * closed its handle. FileHandle's close is an own property of each handle, not spied on here.
 */
async function descriptorsOf(path: string): Promise<number> {
  let n = 0;
  for (const fd of await readdir("/proc/self/fd")) {
    try {
      if ((await readlink(join("/proc/self/fd", fd))) === path) n++;
    } catch {
      // closed since it was listed (the readdir's own descriptor)
    }
  }
  return n;
}

describe("fsReason: any thrown value in one line, without Node's code and path", () => {
  it.each<[string, unknown, string]>([
    ["null (no properties to look up)", null, "null"],
    ["undefined", undefined, "undefined"],
    ["a string (the `in` operator would throw on it)", "  disk \n\t on fire  ", "disk on fire"],
    ["a number", 42, "42"],
    ["an object without a code", { note: 1 }, "[object Object]"],
    ["an Error without a code: its message, whitespace runs collapsed and trimmed", new Error("  read\n   failed\there  "), "read failed here"],
    ["an Error with an unknown code: its message", fsError("EIO: i/o error, read", "EIO"), "EIO: i/o error, read"],
    ["ENOENT", fsError("ENOENT: no such file or directory, open '/x'", "ENOENT"), "no such file"],
    ["EACCES", fsError("EACCES: permission denied, open '/x'", "EACCES"), "permission denied"],
    ["EPERM", fsError("EPERM: operation not permitted, open '/x'", "EPERM"), "permission denied"],
    ["a bare object with a known code", { code: "ELOOP" }, "too many levels of symbolic links"],
    ["a code that names an Object.prototype member, not a table entry", { code: "constructor" }, "[object Object]"],
  ])("%s", (_name, err, want) => {
    expect(fsReason(err)).toBe(want);
  });
});

describe("isWithin: the path is the folder or below it", () => {
  it.each<[string, string, string, boolean]>([
    ["the folder itself", "/a", "/a", true],
    ["a file in it", "/a/b", "/a", true],
    ["a sibling whose name starts with the folder's", "/ab", "/a", false],
    ["a file in a folder given with a trailing slash", "/a/b", "/a/", true],
    ["the folder without the trailing slash it was given with", "/a", "/a/", false],
    ["anything under the root folder", "/x", "/", true],
    ["a relative folder given with a trailing slash", "a/b", "a/", true],
    ["a parent of the folder", "/", "/a", false],
  ])("%s: isWithin(%j, %j) is %s", (_name, real, root, want) => {
    expect(isWithin(real, root)).toBe(want);
  });
});

describe("readBounded and sha256Bounded refuse what is not a regular file within its limit", () => {
  /** Each case makes its path in a fresh folder and gives the reason both readers give. */
  const cases: Array<[string, (d: string) => Promise<string>, string]> = [
    ["a missing file", async (d) => join(d, "missing.bin"), "cannot read: no such file"],
    ["a directory", async (d) => { await mkdir(join(d, "sub")); return join(d, "sub"); }, "not a regular file"],
    ["a FIFO (opened without blocking)", async (d) => mkfifo(join(d, "pipe")), "not a regular file"],
    ["a link to /dev/zero (a device)", async (d) => { await symlink("/dev/zero", join(d, "zero")); return join(d, "zero"); }, "not a regular file"],
    ["a dangling symbolic link", async (d) => { await symlink(join(d, "nowhere"), join(d, "dangling")); return join(d, "dangling"); }, "cannot read: no such file"],
    ["a symbolic link loop", async (d) => { await symlink(join(d, "b"), join(d, "a")); await symlink(join(d, "a"), join(d, "b")); return join(d, "a"); }, "cannot read: too many levels of symbolic links"],
    ["a path through a regular file", async (d) => { await writeFile(join(d, "f"), "x"); return join(d, "f", "x.bin"); }, "cannot read: a parent is not a directory"],
    ["a name over 255 bytes", async (d) => join(d, "n".repeat(300)), "cannot read: the name is too long"],
    ["a 10-byte file with a limit of 9", async (d) => { await writeFile(join(d, "ten"), counting(10)); return join(d, "ten"); }, "10 bytes, more than the reader's limit of 9"],
  ];

  it.each(cases)("readBounded: %s", async (_name, make, reason) => {
    const path = await make(await folder());
    expect((await fixtureErrorOfAsync(() => readBounded(path, 9))).message).toBe(`${path}: (file): ${reason}`);
  });

  it.each(cases)("sha256Bounded: %s", async (_name, make, reason) => {
    const path = await make(await folder());
    expect((await fixtureErrorOfAsync(() => sha256Bounded(path, 9))).message).toBe(`${path}: (file): ${reason}`);
  });

  it.each(cases.slice(0, 4))("sha256File (no limit): %s", async (_name, make, reason) => {
    const path = await make(await folder());
    expect((await fixtureErrorOfAsync(() => sha256File(path))).message).toBe(`${path}: (file): ${reason}`);
  });

  it("a manifest.json that is a directory", async () => {
    const d = await folder();
    await mkdir(join(d, "manifest.json"));
    expect((await fixtureErrorOfAsync(() => readManifest(d))).message).toBe(`${join(d, "manifest.json")}: (file): not a regular file`);
  });
});

describe("readBounded reads the whole file, once, and notices a change under it", () => {
  it.each([0, 1, 10, 4096 + 7])("a %i-byte file exactly at its limit: its bytes, in a buffer of their own", async (n) => {
    const bytes = counting(n);
    const path = await written(`exact-${n}.bin`, bytes);
    const out = await readBounded(path, n);
    expect(out).toEqual(bytes);
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(n);
  });

  it.each<[string, number, number]>([
    ["an empty file: only the probe for growth", 0, 1],
    ["a 10-byte file: one read and the probe", 10, 2],
  ])("%s (%i bytes, %i reads)", async (_name, n, reads) => {
    const path = await written(`count-${n}.bin`, counting(n));
    const spy = await spyOnReads();
    await readBounded(path, n);
    expect(spy.calls()).toBe(reads);
  });

  it("a short first read is continued where it stopped", async () => {
    const bytes = counting(100);
    const path = await written("short.bin", bytes);
    const spy = await spyOnReads({ first: 3 });
    expect(await readBounded(path, 100)).toEqual(bytes);
    expect(spy.calls()).toBe(3);
  });

  it("a file that shrinks after fstat is refused", async () => {
    const path = await written("shrinks.bin", counting(100));
    await spyOnStat({ after: () => truncate(path, 40) });
    await spyOnReads();
    expect((await fixtureErrorOfAsync(() => readBounded(path, 100))).message).toBe(
      `${path}: (file): changed while it was read (it shrank); read it again when it is complete`,
    );
  });

  it("a file that grows after fstat is refused", async () => {
    const path = await written("grows.bin", counting(100));
    await spyOnStat({ after: () => appendFile(path, "x") });
    expect((await fixtureErrorOfAsync(() => readBounded(path, 1000))).message).toBe(
      `${path}: (file): changed while it was read (it grew); read it again when it is complete`,
    );
  });

  it("a failing fstat: its reason, and the handle closed", async () => {
    const path = await written("stat-fails.bin", counting(10));
    await spyOnStat({ fail: fsError("stat\n  went wrong", "EIO") });
    expect((await fixtureErrorOfAsync(() => readBounded(path, 10))).message).toBe(`${path}: (file): cannot read: stat went wrong`);
    expect(await descriptorsOf(path)).toBe(0);
  });

  it("a failing read: its reason, and the handle closed", async () => {
    const path = await written("read-fails.bin", counting(10));
    await spyOnReads({ fail: fsError("EIO: i/o error, read", "EIO") });
    expect((await fixtureErrorOfAsync(() => readBounded(path, 10))).message).toBe(`${path}: (file): cannot read: EIO: i/o error, read`);
    expect(await descriptorsOf(path)).toBe(0);
  });

  it("the descriptor count sees a handle left open (so the checks below would see a leak)", async () => {
    const path = await written("open.bin", counting(10));
    const handle = await open(path, "r");
    expect(await descriptorsOf(path)).toBe(1);
    await handle.close();
    expect(await descriptorsOf(path)).toBe(0);
  });

  it("the handle is closed after a successful read", async () => {
    const path = await written("closes.bin", counting(10));
    await readBounded(path, 10);
    expect(await descriptorsOf(path)).toBe(0);
  });
});

describe("sha256Bounded hashes the bytes on disk, within its limit", () => {
  it.each([0, 5, (1 << 20) + 3])("a %i-byte file at its limit: node:crypto's sha256 of the bytes written", async (n) => {
    const bytes = counting(n);
    const path = await written(`hash-${n}.bin`, bytes);
    expect(await sha256Bounded(path, n)).toBe(sha256(bytes));
    expect(await sha256File(path)).toBe(sha256(bytes));
  });

  it("a file at its limit that grows by a byte after fstat is refused", async () => {
    const path = await written("hash-grows.bin", counting(100));
    await spyOnStat({ after: () => appendFile(path, "x") });
    expect((await fixtureErrorOfAsync(() => sha256Bounded(path, 100))).message).toBe(
      `${path}: (file): more than the reader's limit of 100 bytes (it grew while it was read)`,
    );
  });

  it("a failing read: its reason, and the handle closed", async () => {
    const path = await written("hash-read-fails.bin", counting(10));
    await spyOnReads({ fail: fsError("EIO: i/o error, read", "EIO") });
    expect((await fixtureErrorOfAsync(() => sha256Bounded(path, 10))).message).toBe(`${path}: (file): cannot read: EIO: i/o error, read`);
    expect(await descriptorsOf(path)).toBe(0);
  });

  it("the handle is closed after a successful hash", async () => {
    const path = await written("hash-closes.bin", counting(10));
    await sha256Bounded(path, 10);
    expect(await descriptorsOf(path)).toBe(0);
  });
});

describe("checkListedFile: one line per listed file, in the manifest's words", () => {
  const CASE = "Case-A";
  const listed = (d: string, file: string, sha: string = "0".repeat(64)): ListedFile => ({ caseName: CASE, file, path: join(d, file), sha256: sha, root: d });

  /** Each case makes a listed file in folder `d` (and maybe `outside` it) and gives the reason after "but ". */
  const cases: Array<[string, string, (d: string, outside: string) => Promise<void>, (d: string, outside: string) => string]> = [
    ["a missing file", "f/missing.msgpack", async () => {}, () => "cannot be read: no such file"],
    ["a directory", "f/dir.msgpack", async (d) => { await mkdir(join(d, "f/dir.msgpack"), { recursive: true }); }, () => "is not a regular file"],
    ["a FIFO", "f/pipe.msgpack", async (d) => { await mkdir(join(d, "f")); mkfifo(join(d, "f/pipe.msgpack")); }, () => "is not a regular file"],
    ["a dangling link", "f/dangling.msgpack", async (d) => { await mkdir(join(d, "f")); await symlink(join(d, "nowhere"), join(d, "f/dangling.msgpack")); }, () => "cannot be read: no such file"],
    ["a link loop", "loop.msgpack", async (d) => { await symlink(join(d, "loop.msgpack"), join(d, "loop.msgpack")); }, () => "cannot be read: too many levels of symbolic links"],
    ["a path through a regular file", "f/x.msgpack", async (d) => { await writeFile(join(d, "f"), "x"); }, () => "cannot be read: a parent is not a directory"],
    [
      "a link out of the folder to a name containing \"cannot read: \" (only the reason's start is reworded)",
      "out1.msgpack",
      async (d, o) => { await writeFile(join(o, "cannot read: x"), "x"); await symlink(join(o, "cannot read: x"), join(d, "out1.msgpack")); },
      (d, o) => `resolves to ${join(o, "cannot read: x")}, outside the folder ${d}; name it on the command line to read it`,
    ],
    [
      "a link out of the folder to a name containing \"not a regular\"",
      "out2.msgpack",
      async (d, o) => { await writeFile(join(o, "not a regular"), "x"); await symlink(join(o, "not a regular"), join(d, "out2.msgpack")); },
      (d, o) => `resolves to ${join(o, "not a regular")}, outside the folder ${d}; name it on the command line to read it`,
    ],
    [
      "a fixture one byte over MAX_FIXTURE_BYTES",
      "big.msgpack",
      async (d) => { await sparse(join(d, "big.msgpack"), MAX_FIXTURE_BYTES + 1); },
      () => `${MAX_FIXTURE_BYTES + 1} bytes, more than the reader's limit of ${MAX_FIXTURE_BYTES}`,
    ],
    [
      "an ONNX model one byte over MAX_ONNX_BYTES (its own, smaller limit)",
      "onnx/big.onnx",
      async (d) => { await mkdir(join(d, "onnx")); await sparse(join(d, "onnx/big.onnx"), MAX_ONNX_BYTES + 1); },
      () => `${MAX_ONNX_BYTES + 1} bytes, more than the reader's limit of ${MAX_ONNX_BYTES}`,
    ],
  ];

  it.each(cases)("%s", async (_name, file, make, reason) => {
    const d = await folder();
    const outside = await folder();
    await make(d, outside);
    const problem = await checkListedFile(listed(d, file));
    expect(problem?.message).toBe(`${join(d, file)}: (file): listed in the manifest (case ${CASE}) but ${reason(d, outside)}`);
  });

  it("a fixture over MAX_ONNX_BYTES is within the fixture limit: hashed, and its sha256 compared", async () => {
    const d = await folder();
    const size = MAX_ONNX_BYTES + 1;
    await sparse(join(d, "mid.msgpack"), size);
    const actual = sha256OfZeros(size);
    const problem = await checkListedFile(listed(d, "mid.msgpack"));
    expect(problem?.message).toBe(
      `${join(d, "mid.msgpack")}: sha256: is ${actual}, but the manifest says ${"0".repeat(64)}: the file was edited or only partly written; regenerate it with \`npm run fixtures\``,
    );
    expect(await checkListedFile(listed(d, "mid.msgpack", actual))).toBeNull();
  });

  it("an intact file without a containing folder", async () => {
    const bytes = counting(33);
    const path = await written("intact/a.msgpack", bytes);
    expect(await checkListedFile({ caseName: CASE, file: "a.msgpack", path, sha256: sha256(bytes) })).toBeNull();
  });
});

describe("verifyManifest's walk of the folder for unlisted files", () => {
  let root = "";
  beforeAll(async () => {
    // The file's own JSON (snake_case, as written), not the parsed manifest, which renames fields.
    const raw = JSON.parse(await readFile(join(DEFAULT_FIXTURES_DIR, "manifest.json"), "utf8")) as { cases: Array<{ file: string; onnx?: unknown }> };
    const first = raw.cases[0];
    if (first === undefined) throw new Error("no bundled case");
    const { onnx: _onnx, ...c } = first;
    root = await folder();
    await mkdir(join(root, dirname(c.file)), { recursive: true });
    await copyFile(join(DEFAULT_FIXTURES_DIR, c.file), join(root, c.file));
    await writeFile(join(root, "manifest.json"), JSON.stringify({ ...raw, cases: [c] }));
    const files = [
      "d1/d2/d3/d4/at-depth-4", // in the deepest folder read (depth 4)
      "d1/d2/d3/d4/d5/past-depth-4", // one folder deeper: not ours, not read
      ".hidden", // dot-named file
      ".git/config", // dot-named folder
      "d1/.also-hidden",
      "trailing.", // ends with a dot: listed
      "sub/manifest.json", // only the top-level manifest.json is the manifest
      // Walked depth first: a/x comes before a-b and a.c, sorted after them ('-' < '.' < '/').
      "a/x",
      "a-b",
      "a.c",
    ];
    for (const f of files) {
      await mkdir(join(root, dirname(f)), { recursive: true });
      await writeFile(join(root, f), "x");
    }
  });

  it("lists the stray files, sorted: to depth 4 only, dot-named ones and the manifest left out", async () => {
    const v = await verifyManifest(root);
    expect(v.problems).toEqual([]);
    expect(v.listed).toHaveLength(1);
    expect(v.unlisted).toEqual(["a-b", "a.c", "a/x", "d1/d2/d3/d4/at-depth-4", "sub/manifest.json", "trailing."]);
  });
});

describe("the ONNX readers", () => {
  const entry = onnxCases[0];

  it("readOnnxStateDict: the weights of the model on disk, as onnxStateDict decodes them", async () => {
    if (entry === undefined) throw new Error("no bundled ONNX case");
    const path = onnxPath(entry);
    const want = onnxStateDict(decodeOnnxModel(new Uint8Array(await readFile(path)), path), path, entry.module, entry.config, { dtype: entry.dtype });
    const got = await readOnnxStateDict(path, entry.module, entry.config, { dtype: entry.dtype });
    expect(Object.keys(got)).toEqual(Object.keys(want));
    expect(got).toEqual(want);
  });

  const readers: Array<[string, (path: string) => Promise<unknown>]> = [
    ["readOnnxModel", (p) => readOnnxModel(p)],
    ["inspectOnnx", (p) => inspectOnnx(p)],
    ["readOnnxStateDict", (p) => readOnnxStateDict(p, "RNN", { input_size: 1, hidden_size: 1, num_layers: 1, nonlinearity: "tanh", bias: true, batch_first: false, dropout: 0, bidirectional: false })],
    ["moduleFromOnnx", (p) => moduleFromOnnx(p)],
  ];

  it.each(readers)("%s refuses a missing file, a FIFO and a file one byte over MAX_ONNX_BYTES", async (_name, read) => {
    const d = await folder();
    const missing = join(d, "missing.onnx");
    expect((await fixtureErrorOfAsync(() => read(missing))).message).toBe(`${missing}: (file): cannot read: no such file`);
    const fifo = mkfifo(join(d, "pipe.onnx"));
    expect((await fixtureErrorOfAsync(() => read(fifo))).message).toBe(`${fifo}: (file): not a regular file`);
    const big = await sparse(join(d, "big.onnx"), MAX_ONNX_BYTES + 1);
    const reads = await spyOnReads();
    expect((await fixtureErrorOfAsync(() => read(big))).message).toBe(`${big}: (file): ${MAX_ONNX_BYTES + 1} bytes, more than the reader's limit of ${MAX_ONNX_BYTES}`);
    expect(reads.calls()).toBe(0);
  });
});
