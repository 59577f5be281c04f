/**
 * Writes report files all-or-nothing: every report goes to a temporary file beside its target, and
 * only when all are written are they renamed into place. A failed run leaves old reports untouched.
 *
 * A rename replaces whatever directory entry has the target's name, so targets are resolved first:
 * a symbolic link is written through (the link stays), and a target that is not a regular file
 * (/dev/stdout, a FIFO, a device) is written into directly, after every temporary file exists.
 */
import { randomBytes } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { access, mkdir, realpath, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { fsReason } from "../readers/read-bounded.js";
import { linkTarget, ReportPathError } from "./link-target.js";
import { UsageError } from "./usage-error.js";

const WRITE_REASONS: Record<string, string> = {
  // Only the exclusive write of the temporary file says EEXIST here (mkdir's is turned into ENOTDIR).
  EEXIST: "a temporary file of that name exists already",
  ENOENT: "no such file or directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
};

function reason(err: unknown): string {
  return WRITE_REASONS[(err as NodeJS.ErrnoException | undefined)?.code ?? ""] ?? fsReason(err);
}

function cannotWrite(file: string, err: unknown): UsageError {
  return new UsageError(`${file}: cannot write the report: ${reason(err)}`);
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** The nearest existing ancestor of `path` (its parent folder, or the first one that exists above it). */
async function nearestExisting(path: string): Promise<{ path: string; stats: Stats }> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const stats = await statOrNull(dir);
    if (stats) return { path: dir, stats };
    if (dirname(dir) === dir) throw new ReportPathError("ENOENT", "no such file or directory");
  }
}

/**
 * Refuses, before the run spends any time, targets that can never be written: a folder, a path
 * below a file, a folder without write permission. Creates nothing.
 */
export async function checkReportTargets(files: readonly string[]): Promise<void> {
  for (const file of files) {
    try {
      const { path, stats } = await followLinks(file);
      if (stats?.isDirectory()) throw new UsageError(`${file}: is a directory, not a report file`);
      if (stats && !stats.isFile()) {
        await access(path, constants.W_OK);
        continue;
      }
      // A regular file is replaced by a rename, which needs write access to its folder, not to it.
      const parent = await nearestExisting(path);
      if (!parent.stats.isDirectory()) throw new ReportPathError("ENOTDIR", "ENOTDIR");
      await access(parent.path, constants.W_OK | constants.X_OK);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw cannotWrite(file, err);
    }
  }
}

interface Target {
  file: string;
  text: string;
  /** Where the rename lands: the file itself, or what its symbolic link points to. */
  path: string;
  /** Written in place (not a regular file: a rename would replace the device or pipe with a file). */
  direct: boolean;
}

/**
 * Where a report for `file` lands. An existing target is found by the kernel (so /dev/stdout's
 * /proc magic link works); a regular file through its real path, so the rename replaces the file a
 * symbolic link names rather than the link. A missing or dangling target is followed by hand to the
 * file to create (linkTarget).
 */
async function followLinks(file: string): Promise<{ path: string; stats: Stats | null }> {
  const stats = await statOrNull(file);
  if (stats) return { path: stats.isFile() ? await realpath(file) : file, stats };
  return { path: await linkTarget(file), stats: null };
}

async function resolveTarget(file: string, text: string): Promise<Target> {
  let found: { path: string; stats: Stats | null };
  try {
    found = await followLinks(file);
  } catch (err) {
    throw cannotWrite(file, err);
  }
  if (found.stats?.isDirectory()) throw new UsageError(`${file}: is a directory, not a report file`);
  return { file, text, path: found.path, direct: found.stats !== null && !found.stats.isFile() };
}

export async function writeReportsAtomically(reports: ReadonlyArray<{ file: string; text: string }>): Promise<void> {
  const targets: Target[] = [];
  for (const { file, text } of reports) targets.push(await resolveTarget(file, text));
  const pending: { file: string; path: string; tmp: string }[] = [];
  try {
    for (const t of targets.filter((x) => !x.direct)) {
      const tmp = join(dirname(t.path), `.${basename(t.path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
      try {
        await mkdir(dirname(t.path), { recursive: true });
      } catch (err) {
        // mkdir of a parent that exists as a file says EEXIST.
        throw cannotWrite(t.file, (err as NodeJS.ErrnoException).code === "EEXIST" ? new ReportPathError("ENOTDIR", "ENOTDIR") : err);
      }
      try {
        await writeFile(tmp, t.text, { flag: "wx" });
      } catch (err) {
        throw cannotWrite(t.file, err);
      }
      pending.push({ file: t.file, path: t.path, tmp });
    }
    for (const t of targets.filter((x) => x.direct)) {
      try {
        await writeFile(t.path, t.text, { flag: "a" });
      } catch (err) {
        throw cannotWrite(t.file, err);
      }
    }
    for (let p = pending[0]; p !== undefined; p = pending[0]) {
      try {
        await rename(p.tmp, p.path);
      } catch (err) {
        throw cannotWrite(p.file, err);
      }
      pending.shift();
    }
  } finally {
    await Promise.all(pending.map((p) => unlink(p.tmp).catch(() => undefined)));
  }
}
