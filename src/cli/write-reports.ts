/**
 * Writes report files all-or-nothing: every report goes to a temporary file beside its target, and
 * only when all are written are they renamed into place. A failed run leaves old reports untouched.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { UsageError } from "./usage-error.js";

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.code === "EACCES" || e?.code === "EPERM") return "permission denied";
  if (e?.code === "ENOTDIR") return "a parent is not a directory";
  if (e?.code === "EISDIR") return "is a directory";
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "write failed";
}

/** Refuses targets that can never be written (an existing folder) before the run spends any time. */
export async function checkReportTargets(files: readonly string[]): Promise<void> {
  for (const file of files) {
    try {
      if ((await stat(file)).isDirectory()) throw new UsageError(`${file}: is a directory, not a report file`);
    } catch (err) {
      if (err instanceof UsageError) throw err;
    }
  }
}

export async function writeReportsAtomically(reports: ReadonlyArray<{ file: string; text: string }>): Promise<void> {
  const pending: { file: string; tmp: string }[] = [];
  try {
    for (const { file, text } of reports) {
      const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
      try {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(tmp, text, { flag: "wx" });
      } catch (err) {
        throw new UsageError(`${file}: cannot write the report: ${reason(err)}`);
      }
      pending.push({ file, tmp });
    }
    for (let p = pending[0]; p !== undefined; p = pending[0]) {
      try {
        await rename(p.tmp, p.file);
      } catch (err) {
        throw new UsageError(`${p.file}: cannot write the report: ${reason(err)}`);
      }
      pending.shift();
    }
  } finally {
    await Promise.all(pending.map((p) => unlink(p.tmp).catch(() => undefined)));
  }
}
