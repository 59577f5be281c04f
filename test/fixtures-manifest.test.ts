/**
 * The bundled fixtures are exactly what the generator wrote: every file the manifest lists has
 * its sha256, loads through the validating reader, and agrees with its manifest entry. A
 * hand-edited or half-written fixture fails here with a message naming the file.
 */
import { readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FixtureError } from "../src/core/errors.js";
import {
  DEFAULT_FIXTURES_DIR,
  checkListedFile,
  listedFiles,
  parseManifest,
  readManifest,
  verifyManifest,
} from "../src/node/readers/manifest.js";
import { readFixture } from "../src/node/readers/fixture-file.js";
import { fixtureErrorOf, fixtureErrorOfAsync } from "./helpers/fixture-bytes.js";

const manifest = await readManifest(DEFAULT_FIXTURES_DIR);

describe("bundled fixtures match the manifest", () => {
  test("the manifest lists cases", () => {
    expect(manifest.cases.length).toBeGreaterThan(0);
  });

  test.each(manifest.cases.map((c) => [c.name, c] as const))("%s", async (_name, entry) => {
    for (const file of listedFiles({ ...manifest, cases: [entry] }, DEFAULT_FIXTURES_DIR)) {
      const problem = await checkListedFile(file);
      if (problem) throw problem; // its one-line message names the file and both hashes
    }
    const f = await readFixture(join(DEFAULT_FIXTURES_DIR, entry.file));
    expect(f.name).toBe(entry.name);
    expect(f.module).toBe(entry.module);
    expect(f.dtype).toBe(entry.dtype);
    expect(f.config).toEqual(entry.config);
    expect(f.torchVersion).toBe(manifest.torch_version);
  });

  test("no file in fixtures/ is missing from the manifest", async () => {
    const { unlisted } = await verifyManifest(DEFAULT_FIXTURES_DIR);
    expect(unlisted, "files not listed in fixtures/manifest.json (regenerate with npm run fixtures)").toEqual([]);
  });
});

describe("verifyManifest reports damaged copies", () => {
  let dir = "";
  const first = manifest.cases[0];
  const second = manifest.cases[1];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rnn-parity-manifest-"));
    if (first === undefined || second === undefined) throw new Error("need two bundled cases");
    const sub = { ...manifest, cases: [{ ...first }, { ...second }] };
    for (const c of sub.cases) {
      await mkdir(dirname(join(dir, c.file)), { recursive: true });
      await copyFile(join(DEFAULT_FIXTURES_DIR, c.file), join(dir, c.file));
      delete c.onnx;
    }
    await writeFile(join(dir, "manifest.json"), JSON.stringify(sub));
  });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  test("an intact copy verifies", async () => {
    const v = await verifyManifest(dir);
    expect(v.problems).toEqual([]);
    expect(v.unlisted).toEqual([]);
    expect(v.listed).toHaveLength(2);
  });

  test("a hand-edited byte, a truncated file, a missing file and a stray file are each named", async () => {
    if (first === undefined || second === undefined) throw new Error("need two bundled cases");
    const a = join(dir, first.file);
    const bytes = await readFile(a);
    bytes[bytes.length - 1] ^= 0x01;
    await writeFile(a, bytes);
    await unlink(join(dir, second.file));
    await writeFile(join(dir, "float32", "stray.msgpack"), "x");

    const v = await verifyManifest(dir);
    const messages = v.problems.map((p) => p.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(
      new RegExp(`^${escape(a)}: sha256: is [0-9a-f]{64}, but the manifest says ${first.sha256}: the file was edited or only partly written; regenerate it with \`npm run fixtures\`$`),
    );
    expect(messages[1]).toBe(
      `${join(dir, second.file)}: (file): listed in the manifest (case ${second.name}) but cannot be read: no such file`,
    );
    expect(v.unlisted).toEqual(["float32/stray.msgpack"]);
    expect(v.problems.every((p) => p instanceof FixtureError)).toBe(true);
  });

  test("a missing manifest", async () => {
    const err = await fixtureErrorOfAsync(() => readManifest(join(dir, "nowhere")));
    expect(err.message).toBe(`${join(dir, "nowhere", "manifest.json")}: (file): cannot read: no such file`);
  });
});

describe("manifest validation", () => {
  const M = "fixtures/manifest.json";
  // The file's own JSON (snake_case, as written), not the parsed manifest: a packed case's
  // `packing` reads back as { enforceSorted } and would no longer be the file's field.
  const good = JSON.parse(readFileSync(join(DEFAULT_FIXTURES_DIR, "manifest.json"), "utf8")) as Record<string, unknown> & {
    cases: Array<Record<string, unknown>>;
  };
  const variant = (mutate: (m: typeof good) => void): string => {
    const m = structuredClone(good);
    mutate(m);
    return fixtureErrorOf(() => parseManifest(JSON.stringify(m), M)).message;
  };

  test("not JSON", () => {
    expect(fixtureErrorOf(() => parseManifest("{", M)).message).toMatch(/^fixtures\/manifest\.json: \(json\): not valid JSON \(/);
  });

  test("wrong format, future version, missing field", () => {
    expect(variant((m) => { m.format = "rnn-parity-fixture"; })).toBe(`${M}: format: expected "rnn-parity-manifest", got "rnn-parity-fixture"`);
    expect(variant((m) => { m.version = 3; })).toBe(`${M}: version: unsupported manifest format version 3 (supported: 1, 2); a newer rnn-parity may read it`);
    expect(variant((m) => { delete m.cases[0]?.sha256; })).toBe(`${M}: cases[0].sha256: missing required field`);
  });

  test("bad values in a case", () => {
    expect(variant((m) => { (m.cases[0] as Record<string, unknown>).sha256 = "abc"; })).toBe(`${M}: cases[0].sha256: expected 64 lowercase hex digits`);
    expect(variant((m) => { (m.cases[1] as Record<string, unknown>).file = "../../etc/passwd.msgpack"; })).toBe(
      `${M}: cases[1].file: expected a relative path inside the fixtures folder, got "../../etc/passwd.msgpack"`,
    );
    expect(variant((m) => { (m.cases[0] as Record<string, unknown>).dtype = "half"; })).toBe(
      `${M}: cases[0].dtype: unknown value "half" (expected one of "float32", "float64")`,
    );
    expect(variant((m) => { ((m.cases[0] as Record<string, unknown>).config as Record<string, unknown>).hidden_size = -1; })).toBe(
      `${M}: cases[0].config.hidden_size: expected an integer in [1, 16777216], got -1`,
    );
  });

  test("version 2: the new modules and packing; a version-1 manifest has neither", () => {
    const lstm = (m: typeof good, version: number): void => {
      m.version = version;
      const c = m.cases[0] as Record<string, unknown>;
      c.module = "LSTM";
      c.config = { input_size: 4, hidden_size: 6, num_layers: 1, bias: true, batch_first: false, dropout: 0, bidirectional: false, proj_size: 0 };
    };
    expect(() => parseManifest(JSON.stringify((() => { const m = structuredClone(good); lstm(m, 2); return m; })()), M)).not.toThrow();
    expect(variant((m) => { lstm(m, 1); })).toBe(`${M}: cases[0].module: LSTM needs format version 2, but this file is version 1 (which has only RNN, RNNCell)`);
    expect(variant((m) => { lstm(m, 2); ((m.cases[0] as Record<string, unknown>).config as Record<string, unknown>).proj_size = 9; })).toBe(
      `${M}: cases[0].config.proj_size: 9 with hidden_size=6: proj_size has to be smaller than hidden_size`,
    );
    expect(variant((m) => { m.version = 1; (m.cases[0] as Record<string, unknown>).packing = { enforce_sorted: true }; })).toMatch(/^fixtures\/manifest\.json: cases\[0\]\.packing: unexpected field/);
    expect(variant((m) => { lstm(m, 2); (m.cases[0] as Record<string, unknown>).packing = { enforce_sorted: "yes" }; })).toBe(
      `${M}: cases[0].packing.enforce_sorted: expected true or false, got the string "yes"`,
    );
  });

  test("onnx graph and weights kinds come from a fixed list", () => {
    const onnx = (m: typeof good): Record<string, unknown> => (m.cases.find((c) => c.onnx) as unknown as { onnx: Record<string, unknown> }).onnx;
    const index = good.cases.findIndex((c) => c.onnx);
    expect(variant((m) => { onnx(m).graph = "onnx.Scan"; })).toBe(
      `${M}: cases[${index}].onnx.graph: unknown value "onnx.Scan" (expected one of "onnx.RNN", "onnx.LSTM", "onnx.GRU", "decomposed")`,
    );
    expect(variant((m) => { onnx(m).weights = "somewhere"; })).toBe(
      `${M}: cases[${index}].onnx.weights: unknown value "somewhere" (expected one of "onnx-rnn-inputs", "torch-initializers")`,
    );
  });

  test("duplicates", () => {
    expect(variant((m) => { const c = m.cases[0]; if (c) m.cases.push({ ...c }); })).toBe(
      `${M}: cases[${good.cases.length}].name: duplicate case name, also cases[0]`,
    );
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
