/**
 * Report targets that are the same file as another target or as an input, found by what the file
 * system says (device and inode of an existing file, the real path of one to be created), never by
 * path text: `a.json` and a link to it, or a hard link, are one file. Without this a report
 * silently replaced another, or overwrote the fixture it reports on (exit 0).
 */
import type { Stats } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { linkTarget } from "./link-target.js";
import { UsageError } from "./usage-error.js";

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/** The path a write to `file` creates when it does not exist: its links followed, its folder's real path. */
async function createdPath(file: string): Promise<string> {
  // A path the write will refuse (a link cycle, a file as a folder) collides with nothing; it is judged by its text.
  const path = await linkTarget(file).catch(() => resolve(file));
  const parent = await realpath(dirname(path)).catch(() => dirname(path));
  return join(parent, basename(path));
}

/** What identifies the file `path` names: "dev:ino" when it exists, else the real path it would get. */
async function identity(path: string): Promise<string> {
  const s = await statOrNull(path);
  if (s !== null) return s.isFile() ? `inode ${s.dev}:${s.ino}` : `device ${path}`;
  return `path ${await createdPath(path)}`;
}

export interface ReportTarget {
  name: string;
  file: string;
}

/**
 * Refuses, before the run, two reporters that would write one file, and a report that would
 * overwrite an input (a fixture, a model, a manifest). Targets that are not regular files (such as
 * /dev/null or /dev/stdout) are written into, not replaced, and may be shared.
 */
export async function checkReportCollisions(targets: readonly ReportTarget[], inputs: readonly string[]): Promise<void> {
  const seen = new Map<string, ReportTarget>();
  for (const t of targets) {
    const id = await identity(t.file);
    if (id.startsWith("device ")) continue;
    const other = seen.get(id);
    if (other) throw new UsageError(`--reporter: ${other.name} and ${t.name} would both write one file (${other.file} and ${t.file} are the same file)`);
    seen.set(id, t);
  }
  // Only a target that exists now can be an input.
  const existing = new Map([...seen].filter(([id]) => id.startsWith("inode ")));
  if (existing.size === 0) return;
  for (const input of inputs) {
    const s = await statOrNull(input);
    if (s === null || !s.isFile()) continue;
    const t = existing.get(`inode ${s.dev}:${s.ino}`);
    if (t) throw new UsageError(`${t.file}: the ${t.name} report would overwrite the input ${input}; write it elsewhere`);
  }
}
