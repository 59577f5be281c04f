/**
 * An oversized file is refused from its size alone, before a single byte is read: every
 * FileHandle read is spied on. The decoders repeat the size checks on the bytes, so without the
 * spy a reader that read the whole file first would fail with the same message.
 */
import { mkdir, mkdtemp, open, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { MAX_FIXTURE_BYTES, MAX_MANIFEST_BYTES } from "../src/core/format/limits.js";
import { readFixture } from "../src/node/readers/fixture-file.js";
import { readManifest } from "../src/node/readers/manifest.js";
import { readBounded } from "../src/node/readers/read-bounded.js";
import { CELL_FIXTURE, fixtureBytes, fixtureErrorOfAsync } from "./helpers/fixture-bytes.js";

let dir = "";
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), "rnn-parity-bounded-")); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });
afterEach(() => { vi.restoreAllMocks(); });

/** Spies on FileHandle.prototype.read (the class is not exported; its prototype is reachable). */
async function spyOnReads(): Promise<{ calls: () => number }> {
  const probe = await open(join(dir, "probe"), "w");
  const proto = Object.getPrototypeOf(probe) as { read: (...args: never[]) => unknown };
  await probe.close();
  const spy = vi.spyOn(proto, "read");
  return { calls: () => spy.mock.calls.length };
}

/** A sparse file of `size` bytes: no disk space used. */
async function sparse(name: string, size: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, fixtureBytes(CELL_FIXTURE));
  await truncate(path, size);
  return path;
}

describe("oversized files are refused without being read", () => {
  test("the spy sees the reads of a file within its limit (it would see an oversized one's)", async () => {
    const path = join(dir, "small.msgpack");
    await writeFile(path, fixtureBytes(CELL_FIXTURE));
    const reads = await spyOnReads();
    await readFixture(path);
    expect(reads.calls()).toBeGreaterThan(0);
  });

  test("a fixture one byte over MAX_FIXTURE_BYTES", async () => {
    const path = await sparse("huge.msgpack", MAX_FIXTURE_BYTES + 1);
    const reads = await spyOnReads();
    const err = await fixtureErrorOfAsync(() => readFixture(path));
    expect(err.message).toBe(`${path}: (file): ${MAX_FIXTURE_BYTES + 1} bytes, more than the reader's limit of ${MAX_FIXTURE_BYTES}`);
    expect(reads.calls()).toBe(0);
  });

  test("a manifest.json one byte over MAX_MANIFEST_BYTES", async () => {
    const folder = join(dir, "fixtures-huge-manifest");
    await mkdir(folder);
    const path = join(folder, "manifest.json");
    await writeFile(path, "{}");
    await truncate(path, MAX_MANIFEST_BYTES + 1);
    const reads = await spyOnReads();
    const err = await fixtureErrorOfAsync(() => readManifest(folder));
    expect(err.message).toMatch(new RegExp(`manifest\\.json: \\(file\\): ${MAX_MANIFEST_BYTES + 1} bytes, more than the reader's limit of ${MAX_MANIFEST_BYTES}$`));
    expect(reads.calls()).toBe(0);
  });

  test("a manifest.json exactly at MAX_MANIFEST_BYTES passes the size check (and fails as JSON)", async () => {
    const folder = join(dir, "fixtures-limit-manifest");
    await mkdir(folder);
    const path = join(folder, "manifest.json");
    await writeFile(path, "{}");
    await truncate(path, MAX_MANIFEST_BYTES);
    const err = await fixtureErrorOfAsync(() => readManifest(folder));
    expect(err.message).not.toMatch(/more than the reader's limit/);
  });

  test("readBounded: at the limit it reads, one over it refuses without a read", async () => {
    const path = join(dir, "exact.bin");
    await writeFile(path, new Uint8Array(100));
    expect((await readBounded(path, 100)).byteLength).toBe(100);
    const reads = await spyOnReads();
    const err = await fixtureErrorOfAsync(() => readBounded(path, 99));
    expect(err.message).toBe(`${path}: (file): 100 bytes, more than the reader's limit of 99`);
    expect(reads.calls()).toBe(0);
  });
});
