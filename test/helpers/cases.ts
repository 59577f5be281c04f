/**
 * The bundled fixtures as test cases: the manifest is read once, each fixture is decoded once and
 * each oracle runs once per fixture, however many tests look at its tensors. Shared by the parity
 * tests of every oracle.
 */
import { join } from "node:path";
import { compareAny } from "../../src/core/compare/compare-any.js";
import type { Fixture, FixtureTensor, ManifestCase } from "../../src/core/format/types.js";
import { fixtureOutputNames } from "../../src/core/format/types.js";
import { DEFAULT_FIXTURES_DIR, readManifest } from "../../src/node/readers/manifest.js";
import { readFixture } from "../../src/node/readers/fixture-file.js";

export const fixturesDir = DEFAULT_FIXTURES_DIR;
export const manifest = await readManifest(fixturesDir);

/** Every case of the manifest, in manifest order. */
export const manifestCases: readonly ManifestCase[] = manifest.cases;

const fixtures = new Map<string, Promise<Fixture>>();

/**
 * The case's fixture through the library's own reader, decoded once per test file
 * (test/parity-reader.test.ts checks that reader bit for bit against a plain decoder).
 */
export function loadFixture(entry: ManifestCase): Promise<Fixture> {
  let f = fixtures.get(entry.name);
  if (f === undefined) {
    f = readFixture(join(fixturesDir, entry.file));
    fixtures.set(entry.name, f);
  }
  return f;
}

/**
 * Every case's fixture, read before the suites are declared: a case's compared tensors depend on
 * the file (packed cases hold more), and vitest needs the test names up front.
 */
const loaded = new Map((await Promise.all(manifestCases.map(async (c) => [c.name, await loadFixture(c)] as const))));

/** The tensors a case's module returns, named as in its fixture's `outputs`. */
export function outputNames(entry: ManifestCase): readonly string[] {
  const f = loaded.get(entry.name);
  if (f === undefined) throw new Error(`${entry.name}: not in the manifest`);
  return fixtureOutputNames(f.module, f.packing);
}

export type Oracle<T> = (f: Fixture, entry: ManifestCase) => T | Promise<T>;

/**
 * Memoizes an oracle per case, so the tests of a case's tensors share one run. The result of a
 * failed run is memoized too: every tensor test of that case reports the same error.
 */
export function memoOracle(run: Oracle<Record<string, FixtureTensor>>): (entry: ManifestCase) => Promise<Record<string, FixtureTensor>> {
  const results = new Map<string, Promise<Record<string, FixtureTensor>>>();
  return (entry) => {
    let r = results.get(entry.name);
    if (r === undefined) {
      r = loadFixture(entry).then((f) => run(f, entry));
      results.set(entry.name, r);
    }
    return r;
  };
}

/** The heading a parity failure starts with: which case and which tensor, then torch's message. */
export function failureHeading(oracle: string, entry: ManifestCase, tensor: string): string {
  return `torch vs ${oracle} › ${entry.name} › ${tensor} (${entry.module} ${JSON.stringify(entry.config)})`;
}

/** Names of the outputs torch's fixture holds that our `actual` misses or fails assert_close on (empty: all passed). */
export function failingOutputs(actual: Readonly<Record<string, FixtureTensor>>, f: Fixture): string[] {
  return Object.entries(f.outputs)
    .filter(([name, expected]) => {
      const a = actual[name];
      return a === undefined || !compareAny(a, expected, { name }).passed;
    })
    .map(([name]) => name);
}
