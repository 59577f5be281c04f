/**
 * Reading an input file whole, bounded: the size is checked with fstat on the open handle (not a
 * separate stat that a swap could outdate) before any byte is read. Shared by the fixture, manifest
 * and ONNX readers so every one of them refuses a missing, unreadable or oversized file alike.
 */
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { open, realpath, type FileHandle } from "node:fs/promises";
import { sep } from "node:path";
import { FixtureError } from "../../core/errors.js";

import { FILE_FIELD } from "../../core/errors.js";
export { FILE_FIELD };

const REASONS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "a parent is not a directory",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "the name is too long",
};

/** A file-system error in a few words, without Node's code and path prefix ("ENOENT: …, open '…'"). */
export function fsReason(err: unknown): string {
  const code = typeof err === "object" && err !== null && "code" in err ? String(err.code) : "";
  // Own keys only: a code such as "constructor" must not find Object.prototype's.
  if (Object.hasOwn(REASONS, code)) return REASONS[code] as string;
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, " ").trim();
}

/**
 * Where a read may go: the real path of the folder the user named (a fixtures folder). A file whose
 * real path (symbolic links resolved) leaves it is refused; a path the user named directly has none.
 */
export interface Containment {
  /** The folder's real path (fs.realpath). */
  root: string;
}

/** `real` is `root` or below it. */
export function isWithin(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The real path of `path`, refused with one line when it leaves `within`. */
export async function containedPath(path: string, within: Containment | undefined): Promise<string> {
  if (within === undefined) return path;
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    throw new FixtureError(path, FILE_FIELD, `cannot read: ${fsReason(err)}`);
  }
  if (!isWithin(real, within.root)) {
    throw new FixtureError(
      path,
      FILE_FIELD,
      `resolves to ${real}, outside the folder ${within.root}; name it on the command line to read it`,
    );
  }
  return real;
}

/**
 * Opens a regular file for reading without ever blocking: O_NONBLOCK makes open() of a FIFO return
 * at once (a blocking open waits for a writer forever), and fstat on the open handle then refuses
 * anything but a regular file (FIFOs, devices such as /dev/zero, folders) and anything over
 * `limit`, before a byte is read. On a regular file O_NONBLOCK changes nothing.
 */
async function openRegular(path: string, limit: number, within: Containment | undefined): Promise<{ handle: FileHandle; size: number }> {
  const target = await containedPath(path, within);
  let handle: FileHandle;
  try {
    handle = await open(target, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new FixtureError(path, FILE_FIELD, `cannot read: ${fsReason(err)}`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FixtureError(path, FILE_FIELD, "not a regular file");
    if (stat.size > limit) throw new FixtureError(path, FILE_FIELD, `${stat.size} bytes, more than the reader's limit of ${limit}`);
    return { handle, size: stat.size };
  } catch (err) {
    await handle.close();
    if (err instanceof FixtureError) throw err;
    throw new FixtureError(path, FILE_FIELD, `cannot read: ${fsReason(err)}`);
  }
}

/** The whole file, in a buffer of its own (offset 0, exact length: onnxruntime reads whole buffers). */
export async function readBounded(path: string, limit: number, within?: Containment): Promise<Uint8Array> {
  const { handle, size } = await openRegular(path, limit, within);
  try {
    // Read up to the size fstat gave and one probe byte more, never further: a file written while
    // it is read is refused either way, not decoded from a partial copy.
    const out = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(out, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    const extra = await handle.read(new Uint8Array(1), 0, 1, at);
    if (extra.bytesRead > 0) throw new FixtureError(path, FILE_FIELD, "changed while it was read (it grew); read it again when it is complete");
    if (at < size) throw new FixtureError(path, FILE_FIELD, "changed while it was read (it shrank); read it again when it is complete");
    return out;
  } catch (err) {
    if (err instanceof FixtureError) throw err;
    throw new FixtureError(path, FILE_FIELD, `cannot read: ${fsReason(err)}`);
  } finally {
    await handle.close();
  }
}

/**
 * sha256 of a file, read in chunks (a large one is never held whole), with readBounded's checks:
 * regular files only, at most `limit` bytes, inside `within`. A link to /dev/zero is refused, not
 * hashed forever.
 */
export async function sha256Bounded(path: string, limit: number, within?: Containment): Promise<string> {
  const { handle } = await openRegular(path, limit, within);
  try {
    const hash = createHash("sha256");
    const chunk = new Uint8Array(1 << 20);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw new FixtureError(path, FILE_FIELD, `more than the reader's limit of ${limit} bytes (it grew while it was read)`);
      hash.update(chunk.subarray(0, bytesRead));
    }
    return hash.digest("hex");
  } catch (err) {
    if (err instanceof FixtureError) throw err;
    throw new FixtureError(path, FILE_FIELD, `cannot read: ${fsReason(err)}`);
  } finally {
    await handle.close();
  }
}
