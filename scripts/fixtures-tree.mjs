// The file side of `npm run fixtures` (scripts/fixtures.mjs): checking a generated folder against
// its manifest, comparing it with the previous one, and swapping it in by two renames so that a run
// killed at any point leaves either the old set or the new one, never a mix.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

function pidAlive(pid) {
  try {
    // A zombie still answers kill(pid, 0) but will never touch its folder again.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    // no /proc (macOS), or no such process: fall through
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

export function isDirectory(p) {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function sha256File(file) {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function listFiles(root) {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath ?? e.path, e.name)).split(path.sep).join("/"))
    .sort();
}

// --- Checking a generated folder -----------------------------------------------------------

/** Every expected case present, every file's sha256 as the manifest says, nothing else. */
export function checkGenerated(dir, expectedNames, skipOnnx) {
  const problems = [];
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  } catch (err) {
    return [`generated manifest.json is missing or unreadable (${err.message})`];
  }
  if (!Array.isArray(manifest?.cases)) return ["generated manifest.json has no cases list"];
  const listed = new Set(["manifest.json"]);
  const names = new Set();
  const checkFile = (name, rel, sha) => {
    listed.add(rel);
    const file = path.join(dir, rel);
    if (!fs.existsSync(file)) problems.push(`${name}: ${rel} was not written`);
    else if (sha256File(file) !== sha) problems.push(`${name}: ${rel} does not match its manifest sha256`);
  };
  for (const c of manifest.cases) {
    names.add(c.name);
    checkFile(c.name, c.file, c.sha256);
    if (c.onnx) checkFile(c.name, c.onnx.file, c.onnx.sha256);
    else if (!skipOnnx) problems.push(`${c.name}: no ONNX model in the manifest`);
  }
  for (const n of expectedNames) if (!names.has(n)) problems.push(`${n}: in the case matrix but not generated`);
  for (const n of names) if (!expectedNames.includes(n)) problems.push(`${n}: generated but not in the case matrix`);
  for (const rel of listFiles(dir)) if (!listed.has(rel)) problems.push(`${rel}: written but not in the manifest`);
  return problems;
}

export function compareTrees(oldDir, newDir) {
  const oldFiles = new Set(listFiles(oldDir));
  const newFiles = listFiles(newDir);
  const result = { identical: [], changed: [], added: [], removed: [] };
  for (const rel of newFiles) {
    if (!oldFiles.has(rel)) result.added.push(rel);
    else if (fs.readFileSync(path.join(oldDir, rel)).equals(fs.readFileSync(path.join(newDir, rel)))) result.identical.push(rel);
    else result.changed.push(rel);
    oldFiles.delete(rel);
  }
  result.removed = [...oldFiles];
  return result;
}

export function describeComparison(cmp, what) {
  const lines = [
    `fixtures: ${cmp.identical.length} files byte-identical to ${what}, ${cmp.changed.length} changed, ` +
      `${cmp.added.length} added, ${cmp.removed.length} removed`,
  ];
  for (const [kind, files] of [["changed", cmp.changed], ["added", cmp.added], ["removed", cmp.removed]]) {
    for (const rel of files.slice(0, 20)) lines.push(`  ${kind}: ${rel}`);
    if (files.length > 20) lines.push(`  ... and ${files.length - 20} more ${kind}`);
  }
  return lines.join("\n");
}

// --- The swap ------------------------------------------------------------------------------

function siblings(fixturesDir, kind) {
  const parent = path.dirname(fixturesDir);
  const prefix = `.${path.basename(fixturesDir)}.${kind}-`;
  return fs
    .readdirSync(parent)
    .filter((n) => n.startsWith(prefix))
    .map((n) => ({ dir: path.join(parent, n), pid: Number(n.slice(prefix.length)) }));
}

/**
 * A run killed between "fixtures -> old" and "tmp -> fixtures" leaves no fixtures/ but a complete
 * old copy: put it back. Leftovers of dead runs (temporary folders, an old copy whose new set is
 * in place) are removed; those of a live run are not touched.
 */
// --- Writers ---------------------------------------------------------------------------------

const writerRecord = (fixturesDir, pid = process.pid) =>
  path.join(path.dirname(fixturesDir), `.${path.basename(fixturesDir)}.writer-${pid}`);

/** Notes the process group of this run's generator, which writes the temporary folder. */
export function recordWriter(fixturesDir, pgid) {
  fs.writeFileSync(writerRecord(fixturesDir), `${pgid}\n`);
}

export function forgetWriter(fixturesDir) {
  fs.rmSync(writerRecord(fixturesDir), { force: true });
}

/** Some process of group `pgid` is running (zombies, which a container without an init may never reap, do not count). */
function groupAlive(pgid) {
  let entries = null;
  try {
    entries = fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n));
  } catch {
    // no /proc (macOS): kill(-pgid, 0) is all there is
  }
  if (entries !== null) {
    return entries.some((pid) => {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return Number(pgrp) === pgid && state !== "Z";
      } catch {
        return false;
      }
    });
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

/**
 * A dead run's generator may still be writing (its watchdog is normally faster, but a record says
 * for sure): kill its process group and wait until it is gone, so the folder removed next is not
 * written again afterwards as an orphan.
 */
function stopDeadWriters(fixturesDir) {
  for (const s of siblings(fixturesDir, "writer")) {
    if (pidAlive(s.pid)) continue;
    const pgid = Number(fs.readFileSync(s.dir, "utf8").trim());
    if (Number.isSafeInteger(pgid) && pgid > 1 && groupAlive(pgid)) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
      const until = Date.now() + 5000;
      while (groupAlive(pgid) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      console.error(`fixtures: stopped the generator of an earlier run (process group ${pgid}) that was still writing`);
    }
    fs.rmSync(s.dir, { force: true });
  }
}

export function recoverInterruptedSwap(fixturesDir) {
  stopDeadWriters(fixturesDir);
  const olds = siblings(fixturesDir, "old").filter((s) => !pidAlive(s.pid));
  if (!fs.existsSync(fixturesDir) && olds.length > 0) {
    const newest = olds.sort((a, b) => fs.statSync(b.dir).mtimeMs - fs.statSync(a.dir).mtimeMs)[0];
    fs.renameSync(newest.dir, fixturesDir);
    console.error(`fixtures: restored ${fixturesDir} from ${path.basename(newest.dir)} (an earlier run was interrupted)`);
  }
  for (const s of [...siblings(fixturesDir, "old"), ...siblings(fixturesDir, "tmp")]) {
    if (!pidAlive(s.pid)) fs.rmSync(s.dir, { recursive: true, force: true });
  }
}

export function swapIn(fixturesDir, tmpDir) {
  const oldDir = path.join(path.dirname(fixturesDir), `.${path.basename(fixturesDir)}.old-${process.pid}`);
  const hadOld = fs.existsSync(fixturesDir);
  if (hadOld) fs.renameSync(fixturesDir, oldDir);
  fs.renameSync(tmpDir, fixturesDir);
  if (hadOld) fs.rmSync(oldDir, { recursive: true, force: true });
}
