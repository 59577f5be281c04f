/**
 * A report through a dangling symbolic link lands where the kernel would create it: 40 links are
 * followed and the 41st refused (Linux's MAXSYMLINKS), and a relative link's `..` climbs the real
 * folders, not the spelling of the path. Each expectation is checked against the kernel itself: the
 * same write made by writeFile on a twin of the tree.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { linkTarget } from "../src/node/cli/link-target.js";
import { checkReportCollisions } from "../src/node/cli/report-collisions.js";
import { checkReportTargets, writeReportsAtomically } from "../src/node/cli/write-reports.js";
import { removeTempDirs, tempDir } from "./helpers/cli-run.js";

afterAll(removeTempDirs);

/** A folder holding a chain L0 -> L1 -> ... -> L(n-1) -> "missing". */
async function chain(n: number): Promise<string> {
  const dir = await tempDir();
  for (let i = 0; i < n; i++) await symlink(i === n - 1 ? "missing" : `L${i + 1}`, join(dir, `L${i}`));
  return dir;
}

/** What the kernel does with a write to L0: "created" (at missing) or its error code. */
async function kernel(n: number): Promise<string> {
  const dir = await chain(n);
  return writeFile(join(dir, "L0"), "k").then(
    () => (existsSync(join(dir, "missing")) ? "created" : "elsewhere"),
    (err: NodeJS.ErrnoException) => err.code ?? "?",
  );
}

describe("reports through dangling symbolic links", () => {
  it("a chain of 40 links is written at its end, as the kernel writes it", async () => {
    expect(await kernel(40)).toBe("created");
    const dir = await chain(40);
    const file = join(dir, "L0");
    await checkReportTargets([file]);
    await writeReportsAtomically([{ file, text: "report" }]);
    expect(await readFile(join(dir, "missing"), "utf8")).toBe("report");
    expect(await linkTarget(file)).toBe(join(dir, "missing"));
  });

  it("a chain of 41 is refused, as the kernel refuses it (ELOOP), and writes nothing", async () => {
    expect(await kernel(41)).toBe("ELOOP");
    const dir = await chain(41);
    const file = join(dir, "L0");
    const message = `${file}: cannot write the report: too many levels of symbolic links`;
    await expect(checkReportTargets([file])).rejects.toHaveProperty("message", message);
    await expect(writeReportsAtomically([{ file, text: "report" }])).rejects.toHaveProperty("message", message);
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });

  it("a relative link's `..` climbs the real folders: through a linked folder it lands beside the real one", async () => {
    const tree = async (): Promise<string> => {
      const dir = await tempDir();
      await mkdir(join(dir, "real", "sub"), { recursive: true });
      await symlink(join("real", "sub"), join(dir, "alias"));
      await symlink(join("..", "x.json"), join(dir, "real", "sub", "l"));
      return dir;
    };
    const twin = await tree();
    await writeFile(join(twin, "alias", "l"), "k");
    expect([existsSync(join(twin, "real", "x.json")), existsSync(join(twin, "x.json"))]).toEqual([true, false]);

    const dir = await tree();
    const file = join(dir, "alias", "l");
    expect(await linkTarget(file)).toBe(join(dir, "real", "x.json"));
    await writeReportsAtomically([{ file, text: "report" }]);
    expect(await readFile(join(dir, "real", "x.json"), "utf8")).toBe("report");
    expect(existsSync(join(dir, "x.json"))).toBe(false);
    await symlink(join("..", "y.json"), join(dir, "real", "sub", "m"));
    await expect(checkReportCollisions([{ name: "json", file: join(dir, "alias", "m") }, { name: "junit", file: join(dir, "real", "y.json") }], [])).rejects.toThrow(
      `--reporter: json and junit would both write one file (${join(dir, "alias", "m")} and ${join(dir, "real", "y.json")} are the same file)`,
    );
  });

  it("a chain past 40 links is a ReportPathError coded ELOOP from linkTarget itself", async () => {
    const dir = await chain(41);
    await expect(linkTarget(join(dir, "L0"))).rejects.toMatchObject({ name: "ReportPathError", code: "ELOOP", message: "ELOOP" });
  });

  it("a relative file name comes back absolute; a path below a file is lstat's error", async () => {
    expect(await linkTarget("no-such-report.json")).toBe(join(process.cwd(), "no-such-report.json"));
    const dir = await tempDir();
    await writeFile(join(dir, "f"), "x");
    await expect(linkTarget(join(dir, "f", "r.json"))).rejects.toHaveProperty("code", "ENOTDIR");
  });
});
