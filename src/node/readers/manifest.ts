/**
 * The bundled fixtures folder and its manifest: reading it, and checking that every listed file
 * is present and byte-identical (sha256) to what the generator wrote.
 */
import { readdir, realpath } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { FixtureError } from "../../core/errors.js";
import { parseJsonText } from "../../core/format/json-text.js";
import { MAX_FIXTURE_BYTES, MAX_MANIFEST_BYTES, MAX_ONNX_BYTES } from "../../core/format/limits.js";
import { FILE_FIELD, readBounded, sha256Bounded, type Containment } from "./read-bounded.js";
import type { Manifest } from "../../core/format/types.js";
import { validateManifest } from "../../core/format/validate-manifest.js";

/**
 * The package's fixtures/ folder. This module sits at src/node/readers/ (tests) or
 * dist/node/readers/ (the built package), both three levels below the package root, so
 * ../../../fixtures is the same folder from either.
 */
export const DEFAULT_FIXTURES_DIR: string = fileURLToPath(new URL("../../../fixtures/", import.meta.url));

export const MANIFEST_NAME = "manifest.json";

/** Parses and validates manifest.json text; `file` names it in every error. */
export function parseManifest(text: string, file: string): Manifest {
  return validateManifest(parseJsonText(text, file), file);
}

/** The folder's real path, which every file read through its manifest must stay inside; undefined when it cannot be resolved (the read then says why). */
export async function folderContainment(dir: string): Promise<Containment | undefined> {
  try {
    return { root: await realpath(dir) };
  } catch {
    return undefined;
  }
}

/** Reads `<dir>/manifest.json`, validated. Throws FixtureError only. */
export async function readManifest(dir: string = DEFAULT_FIXTURES_DIR): Promise<Manifest> {
  const file = join(dir, MANIFEST_NAME);
  const bytes = await readBounded(file, MAX_MANIFEST_BYTES, await folderContainment(dir));
  return parseManifest(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"), file);
}

/**
 * Hashes the file in chunks, so a large one is never held in memory. Regular files only, opened
 * without blocking (a FIFO or a device is refused, not waited on or hashed forever); FixtureError.
 */
export async function sha256File(path: string): Promise<string> {
  return sha256Bounded(path, Number.MAX_SAFE_INTEGER);
}

export interface ListedFile {
  /** The case that lists it. */
  caseName: string;
  /** Relative to the fixtures folder, as the manifest writes it. */
  file: string;
  path: string;
  sha256: string;
  /** The fixtures folder's real path: the file's real path must stay inside it (symbolic links included). */
  root?: string;
}

export interface ManifestVerification {
  manifest: Manifest;
  /** Every file the manifest lists (fixtures and ONNX models), in manifest order. */
  listed: ListedFile[];
  /** One per listed file that is missing, unreadable or differs from its sha256. */
  problems: FixtureError[];
  /** Files in the folder the manifest does not list (relative paths, sorted). */
  unlisted: string[];
}

/** `root` (from folderContainment) keeps every listed file's real path inside the folder. */
export function listedFiles(manifest: Manifest, dir: string, root?: Containment): ListedFile[] {
  const out: ListedFile[] = [];
  const at = root === undefined ? {} : { root: root.root };
  for (const c of manifest.cases) {
    out.push({ caseName: c.name, file: c.file, path: join(dir, c.file), sha256: c.sha256, ...at });
    if (c.onnx) out.push({ caseName: c.name, file: c.onnx.file, path: join(dir, c.onnx.file), sha256: c.onnx.sha256, ...at });
  }
  return out;
}

/** Checks one listed file (regular, within its limit and its folder); null when it matches. */
export async function checkListedFile(entry: ListedFile): Promise<FixtureError | null> {
  let actual: string;
  try {
    const limit = entry.file.endsWith(".onnx") ? MAX_ONNX_BYTES : MAX_FIXTURE_BYTES;
    actual = await sha256Bounded(entry.path, limit, entry.root === undefined ? undefined : { root: entry.root });
  } catch (err) {
    const reason = err instanceof FixtureError ? err.reason : String(err);
    const worded = reason.replace(/^cannot read: /, "cannot be read: ").replace(/^not a regular/, "is not a regular");
    return new FixtureError(entry.path, FILE_FIELD, `listed in the manifest (case ${entry.caseName}) but ${worded}`);
  }
  if (actual === entry.sha256) return null;
  return new FixtureError(
    entry.path,
    "sha256",
    `is ${actual}, but the manifest says ${entry.sha256}: the file was edited or only partly written; regenerate it with \`npm run fixtures\``,
  );
}

async function walk(dir: string, prefix: string, out: string[], depth: number): Promise<void> {
  // The generator writes <dtype>/<case>.msgpack and onnx/<case>.onnx; deeper trees are not ours.
  if (depth > 4) return;
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const rel = prefix === "" ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) await walk(join(dir, e.name), rel, out, depth + 1);
    else if (rel !== MANIFEST_NAME) out.push(rel);
  }
}

/**
 * Reads the manifest and hashes every file it lists. Problems are collected, not thrown, so a
 * caller sees every bad file at once; an unreadable manifest still throws FixtureError.
 */
export async function verifyManifest(dir: string = DEFAULT_FIXTURES_DIR): Promise<ManifestVerification> {
  const manifest = await readManifest(dir);
  const listed = listedFiles(manifest, dir, await folderContainment(dir));
  const problems: FixtureError[] = [];
  for (const entry of listed) {
    const problem = await checkListedFile(entry);
    if (problem) problems.push(problem);
  }
  const present: string[] = [];
  await walk(dir, "", present, 0);
  const known = new Set(listed.map((l) => l.file));
  const unlisted = present.filter((f) => !known.has(f)).sort();
  return { manifest, listed, problems, unlisted };
}
