/**
 * Turns the PATH arguments of `rnn-parity check` into the list of cases to run: a .msgpack file is
 * one case; a folder with a manifest.json runs the manifest's cases (and their ONNX models); any
 * other folder runs every *.msgpack below it.
 */
import type { Dirent, Stats } from "node:fs";
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { FixtureError } from "../../core/errors.js";
import { listedFiles, readManifest, type ListedFile } from "../readers/manifest.js";
import { FILE_FIELD, fsReason, isWithin } from "../readers/read-bounded.js";
import type { ManifestCase } from "../../core/format/types.js";

export interface CaseSource {
  /** The case name before the file is read: the manifest's, or the file name without .msgpack. */
  name: string;
  file: string;
  /** The case's ONNX model, when there is one. */
  onnx?: string;
  /** The manifest's entry, when the case came from one: its files are verified against it before use. */
  listed?: ListedFile[];
  /** What the manifest says the file holds; the fixture must agree (its name, module, dtype, config). */
  manifestCase?: ManifestCase;
  /**
   * The real path of the folder named on the command line that `file` came from: its real path
   * must stay inside (a symbolic link out of the folder is refused). Absent for a file named itself.
   */
  within?: string;
  /** The same for `onnx`: the named folder, or the real folder of a named fixture it sits beside. */
  onnxWithin?: string;
  /** The manifest.json the case was listed in. */
  manifest?: string;
}

/** Every file a run of `sources` reads, for refusing a report that would overwrite one. */
export function inputFiles(sources: readonly CaseSource[]): string[] {
  const files = new Set<string>();
  for (const s of sources) {
    files.add(s.file);
    if (s.onnx !== undefined) files.add(s.onnx);
    if (s.manifest !== undefined) files.add(s.manifest);
  }
  return [...files];
}

/** The same "(file)" field and "cannot read" wording as the fixture and manifest readers. */
function unreadable(path: string, err: unknown): FixtureError {
  return new FixtureError(path, FILE_FIELD, `cannot read: ${fsReason(err)}`);
}

async function statOrFail(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (err) {
    throw unreadable(path, err);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function outside(path: string, real: string, root: string): FixtureError {
  return new FixtureError(path, FILE_FIELD, `resolves to ${real}, outside the folder ${root}; name it on the command line to read it`);
}

/**
 * Every *.msgpack below `dir`, in a stable (sorted) order. Symbolic links are followed, as `find -L`
 * does (a linked fixture is as much a fixture as a copy), as long as they stay inside `root`, the
 * real path of the folder named on the command line: one that leaves it is refused, since the user
 * named this folder, not what a link in it points to. `visited` holds the real path of every folder
 * entered, so a link back up the tree is walked once, not forever. A .msgpack that is not a regular
 * file (a FIFO, a device) is refused here, before anything would open it.
 */
async function listFixtures(dir: string, root: string, visited: Set<string> = new Set()): Promise<string[]> {
  let entries: Dirent[];
  try {
    const real = await realpath(dir);
    if (visited.has(real)) return [];
    visited.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw unreadable(dir, err);
  }
  const files: string[] = [];
  for (const e of [...entries].sort(byName)) {
    const path = join(dir, e.name);
    let isDirectory = e.isDirectory();
    let isFile = e.isFile();
    const fixture = e.name.endsWith(".msgpack");
    if (e.isSymbolicLink()) {
      const target = await stat(path).catch((err: unknown) => err as NodeJS.ErrnoException);
      if (target instanceof Error) {
        // A broken link that claims to be a fixture is a missing fixture; any other is not ours.
        if (fixture) throw unreadable(path, target);
        continue;
      }
      isDirectory = target.isDirectory();
      isFile = target.isFile();
      if (isDirectory || fixture) {
        const real = await realpath(path).catch((err: unknown) => {
          throw unreadable(path, err);
        });
        if (!isWithin(real, root)) throw outside(path, real, root);
      }
    }
    if (isDirectory) files.push(...(await listFixtures(path, root, visited)));
    else if (fixture && isFile) files.push(path);
    else if (fixture) throw new FixtureError(path, FILE_FIELD, "not a regular file");
  }
  return files;
}

/**
 * A bare fixture's model is the .onnx with the same stem beside it, when one exists. It is not
 * named on the command line, so it must stay in the folder (the named one, or the fixture's own).
 */
async function fileSource(file: string, within?: string): Promise<CaseSource> {
  const stem = basename(file, extname(file));
  const onnx = join(dirname(file), `${stem}.onnx`);
  const source: CaseSource = within === undefined ? { name: stem, file } : { name: stem, file, within };
  // lstat: a dangling or looping link named like the model is a model that cannot be read, not none.
  if (!(await lstat(onnx).then(() => true, () => false))) return source;
  const folder = within ?? (await realpath(dirname(file)).catch(() => resolve(dirname(file))));
  return { ...source, onnx, onnxWithin: folder };
}

async function folderSources(dir: string): Promise<CaseSource[]> {
  let root: string;
  try {
    root = await realpath(dir);
  } catch (err) {
    throw unreadable(dir, err);
  }
  if (await exists(join(dir, "manifest.json"))) {
    const manifest = await readManifest(dir);
    const listed = listedFiles(manifest, dir, { root });
    const manifestFile = join(dir, "manifest.json");
    // One pass, not a filter per case: a 70k-entry manifest was quadratic (14 s to reject).
    const byCase = new Map<string, ListedFile[]>();
    for (const l of listed) {
      const own = byCase.get(l.caseName);
      if (own) own.push(l);
      else byCase.set(l.caseName, [l]);
    }
    return manifest.cases.map((c) => {
      const file = join(dir, c.file);
      const source: CaseSource = { name: c.name, file, listed: byCase.get(c.name) ?? [], manifestCase: c, within: root, manifest: manifestFile };
      if (c.onnx) {
        source.onnx = join(dir, c.onnx.file);
        source.onnxWithin = root;
      }
      return source;
    });
  }
  const files = await listFixtures(dir, root);
  if (files.length === 0) throw new FixtureError(dir, "", "no manifest.json and no .msgpack fixtures in this folder");
  const sources: CaseSource[] = [];
  for (const f of files) sources.push(await fileSource(f, root));
  return sources;
}

/** The cases named by `paths`, each file once (in the order first named). */
export async function resolveInputs(paths: readonly string[]): Promise<CaseSource[]> {
  const out: CaseSource[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const info = await statOrFail(path);
    let sources: CaseSource[];
    if (info.isDirectory()) sources = await folderSources(path);
    else if (path.endsWith(".onnx")) {
      throw new FixtureError(path, "", "check takes .msgpack fixtures or folders (an .onnx model runs with its fixture; see `rnn-parity inspect`)");
    } else sources = [await fileSource(path)];
    for (const s of sources) {
      // The real path, so a fixture named once directly and once through a link runs once. A
      // manifest lists each file once, so its cases skip that (70k realpath calls) when alone.
      const key = s.manifestCase && paths.length === 1 ? resolve(s.file) : await realpath(s.file).catch(() => resolve(s.file));
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(s);
    }
  }
  return out;
}
