/**
 * The manifest cases that have an ONNX model, for the ONNX tests. The fixtures folder is the
 * bundled one unless RNN_PARITY_FIXTURES names another (used to develop against locally exported
 * models before the bundled ones existed).
 */
import { join } from "node:path";
import type { Fixture, FixtureTensor, ManifestCase, ManifestOnnxEntry } from "../../src/core/format/types.js";
import { DEFAULT_FIXTURES_DIR, readManifest } from "../../src/node/readers/manifest.js";
import { readFile } from "node:fs/promises";
import { decodeFixture } from "../../src/core/format/msgpack.js";

export const onnxFixturesDir = process.env.RNN_PARITY_FIXTURES ?? DEFAULT_FIXTURES_DIR;
export const onnxManifest = await readManifest(onnxFixturesDir);

export type OnnxCase = ManifestCase & { onnx: ManifestOnnxEntry };

export const onnxCases: readonly OnnxCase[] = onnxManifest.cases.filter((c): c is OnnxCase => c.onnx !== undefined);

export function onnxPath(entry: OnnxCase): string {
  return join(onnxFixturesDir, entry.onnx.file);
}

const fixtures = new Map<string, Promise<Fixture>>();

export function loadOnnxCaseFixture(entry: ManifestCase): Promise<Fixture> {
  let f = fixtures.get(entry.name);
  if (f === undefined) {
    const path = join(onnxFixturesDir, entry.file);
    // A plain Uint8Array, not the Buffer readFile returns: Buffer#slice does not copy, which
    // fromLittleEndian (validate-tensor.ts) relies on, so Buffer input decodes wrong bytes.
    f = readFile(path).then((b) => decodeFixture(new Uint8Array(b), path));
    fixtures.set(entry.name, f);
  }
  return f;
}

/** Memoizes an oracle per case, so the tests of one case's tensors share a run. */
export function memoByCase(
  run: (f: Fixture, entry: OnnxCase) => Record<string, FixtureTensor> | Promise<Record<string, FixtureTensor>>,
): (entry: OnnxCase) => Promise<Record<string, FixtureTensor>> {
  const results = new Map<string, Promise<Record<string, FixtureTensor>>>();
  return (entry) => {
    let r = results.get(entry.name);
    if (r === undefined) {
      r = loadOnnxCaseFixture(entry).then((f) => run(f, entry));
      results.set(entry.name, r);
    }
    return r;
  };
}

/** The test-title form of a case: module, config and dtype, so a failure names all three. */
export function caseLabel(entry: ManifestCase): string {
  return `${entry.name} (${entry.module} ${JSON.stringify(entry.config)})`;
}

/** Largest |a - e| seen per oracle pair and dtype, printed after the suite. */
export class DiffLedger {
  readonly max = new Map<string, { diff: number; where: string; count: number }>();

  record(pair: string, dtype: string, diff: number, where: string): void {
    const key = `${pair} ${dtype}`;
    const prior = this.max.get(key);
    const count = (prior?.count ?? 0) + 1;
    if (!prior || diff > prior.diff) this.max.set(key, { diff, where, count });
    else prior.count = count;
  }

  format(): string {
    return [...this.max.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, v]) => `  ${key}: max |diff| ${v.diff.toExponential(3)} over ${v.count} tensors (at ${v.where})`)
      .join("\n");
  }
}
