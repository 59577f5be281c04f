/**
 * Where a write to a path that does not exist yet lands: its symbolic links followed by hand, as the
 * kernel follows them when it creates the file. Shared by the collision check and the report writer,
 * which must agree on it.
 */
import { lstat, readlink, realpath } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { RnnParityError } from "../../core/errors.js";

/** Linux's limit on the symbolic links one path lookup follows (MAXSYMLINKS): 40 are followed, the 41st is ELOOP. */
export const MAX_SYMLINK_HOPS = 40;

/** What a path walk finds by itself, coded like the fs error it stands for. */
export class ReportPathError extends RnnParityError {
  override name = "ReportPathError";
  constructor(
    readonly code: "ENOENT" | "ENOTDIR" | "ELOOP",
    message: string,
  ) {
    super(message);
  }
}

/**
 * The absolute path a write to `file` creates: `file` itself unless it is a (dangling) symbolic
 * link, else what the chain of links ends at. A relative link is read against the real path of the
 * folder that holds it, so its `..` climbs the folders as they are, not as the path is spelled.
 * Throws ReportPathError ELOOP past 40 links, and lstat's own error for anything but a missing entry.
 */
export async function linkTarget(file: string): Promise<string> {
  let path = resolve(file);
  for (let hops = 0; ; hops++) {
    let isLink: boolean;
    try {
      isLink = (await lstat(path)).isSymbolicLink();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return path;
      throw err;
    }
    if (!isLink) return path;
    if (hops === MAX_SYMLINK_HOPS) throw new ReportPathError("ELOOP", "ELOOP");
    path = resolve(await realpath(dirname(path)), await readlink(path));
  }
}
