/**
 * Property-based fuzzing of the fixture loader: mutated real fixtures either load as a fully
 * consistent fixture or are refused with a one-line FixtureError. Never a raw TypeError or
 * RangeError, never a hang, never an allocation out of proportion to the input.
 *
 * Fixed seed and bounded runs in `npm test`; FUZZ_RUNS, FUZZ_SEED and FUZZ_TIME_MS run it longer
 * (docs/bad-input.md).
 */
import { execFileSync } from "node:child_process";
import { closeSync, constants as fsConstants, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { FixtureError } from "../src/core/errors.js";
import { MAX_MSGPACK_DEPTH, MAX_TENSOR_ELEMENTS } from "../src/core/format/limits.js";
import { readManifest, verifyManifest } from "../src/node/readers/manifest.js";
import { decodeFixture } from "../src/core/format/msgpack.js";
import { readFixture } from "../src/node/readers/fixture-file.js";
import { INT64_FIELDS, fixtureOutputNames, type Fixture, type FixtureTensor } from "../src/core/format/types.js";
import { expectedStateDictShapes } from "../src/core/format/validate-shapes.js";
import { numel } from "../src/core/tensor/tensor.js";
import { runCli } from "./helpers/cli-run.js";
import { CELL_FIXTURE, F64_FIXTURE, RNN_FIXTURE, V2, encodeRaw, fixtureBytes, rawFixture, type RawMap } from "./helpers/fixture-bytes.js";

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${v}`);
  return n;
}

const RUNS = envInt("FUZZ_RUNS", 300);
const SEED = envInt("FUZZ_SEED", 20260107);
/** Per property; a run cut short by it still counts as a pass, as in fast-check's plugin. */
const TIME_MS = envInt("FUZZ_TIME_MS", 15_000);
/** One decode of a few-KB fixture takes about a millisecond; a second means something loops. */
const PER_CALL_MS = 2_000;

const PARAMS = { seed: SEED, numRuns: RUNS, plugins: [fc.interruptAfterTimeLimit(TIME_MS)] };
const BASES = [RNN_FIXTURE, CELL_FIXTURE, F64_FIXTURE, "float32/RNN-unbatched-bidir-L2-h0-float32.msgpack", V2.lstm, V2.lstmCell, V2.gru, V2.lstmPacked, V2.gruPackedSorted];
const BASE_BYTES = BASES.map(fixtureBytes);
const F = "fuzz.msgpack";

/** A loaded fixture must be internally consistent, not merely free of exceptions. */
function assertConsistent(f: Fixture): void {
  const expected = expectedStateDictShapes(f.module, f.config);
  expect(Object.keys(f.stateDict).sort()).toEqual([...expected.keys()].sort());
  for (const [name, shape] of expected) expect(f.stateDict[name]?.shape).toEqual(shape);
  expect(Object.keys(f.outputs).sort()).toEqual([...fixtureOutputNames(f.module, f.packing)].sort());
  expect(f.inputs.lengths !== undefined).toBe(f.packing !== undefined);
  if (f.module === "LSTM" || f.module === "LSTMCell") expect(f.inputs.cx !== undefined).toBe(f.inputs.hx !== undefined);
  const named: Array<[string, FixtureTensor]> = [...Object.entries(f.stateDict), ...Object.entries(f.outputs), ...Object.entries(f.inputs)];
  for (const [name, t] of named) {
    expect(t.dtype).toBe(INT64_FIELDS.includes(name) ? "int64" : f.dtype);
    expect(t.data.length).toBe(numel(t.shape));
    expect(t.data.length).toBeLessThanOrEqual(MAX_TENSOR_ELEMENTS);
  }
}

/**
 * The one property all mutations share. `arrayBuffers` only grows by what this call allocated
 * and has not yet been collected, so a bound on its growth catches an allocation driven by a
 * declared length rather than by the bytes actually present.
 */
function loadsOrRefuses(bytes: Uint8Array): "loaded" | "refused" {
  const before = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  let result: Fixture | undefined;
  let error: unknown;
  try {
    result = decodeFixture(bytes, F);
  } catch (err) {
    error = err;
  }
  expect(performance.now() - started).toBeLessThan(PER_CALL_MS);
  const grown = process.memoryUsage().arrayBuffers - before;
  expect(grown).toBeLessThan(8 * bytes.byteLength + (4 << 20));
  if (error !== undefined) {
    if (!(error instanceof FixtureError)) throw error; // a raw TypeError/RangeError fails with its stack
    expect(error.file).toBe(F);
    // decodeFixture rewraps an unexpected exception as "(validation): internal error"; that is a bug too.
    expect(error.field, error.message).not.toBe("(validation)");
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message.startsWith(`${F}: `)).toBe(true);
    return "refused";
  }
  assertConsistent(result as Fixture);
  return "loaded";
}

/** Both outcomes must occur, or the property was vacuous (every input refused, or none mutated). */
function expectBothOutcomes(seen: Set<string>): void {
  if (RUNS >= 100) expect([...seen].sort()).toEqual(["loaded", "refused"]);
}

const baseIndex = fc.nat({ max: BASES.length - 1 });

describe("byte-level mutations", () => {
  test("truncation at any point", () => {
    fc.assert(
      fc.property(baseIndex, fc.double({ min: 0, max: 1, noNaN: true }), (b, frac) => {
        const bytes = BASE_BYTES[b] as Uint8Array;
        loadsOrRefuses(bytes.subarray(0, Math.floor(frac * bytes.length)));
      }),
      PARAMS,
    );
  });

  test("flipped, overwritten, inserted and appended bytes", () => {
    const edit = fc.record({
      kind: fc.constantFrom("xor", "set", "insert", "append"),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    });
    const seen = new Set<string>();
    fc.assert(
      fc.property(baseIndex, fc.array(edit, { minLength: 1, maxLength: 6 }), (b, edits) => {
        let bytes = Uint8Array.from(BASE_BYTES[b] as Uint8Array);
        for (const e of edits) {
          const at = Math.min(bytes.length - 1, Math.floor(e.at * bytes.length));
          if (e.kind === "xor") e.bytes.forEach((v, i) => { if (at + i < bytes.length) bytes[at + i] = (bytes[at + i] ?? 0) ^ (v || 1); });
          else if (e.kind === "set") e.bytes.forEach((v, i) => { if (at + i < bytes.length) bytes[at + i] = v; });
          else if (e.kind === "insert") bytes = Uint8Array.from([...bytes.subarray(0, at), ...e.bytes, ...bytes.subarray(at)]);
          else bytes = Uint8Array.from([...bytes, ...e.bytes]);
        }
        seen.add(loadsOrRefuses(bytes));
      }),
      PARAMS,
    );
    expectBothOutcomes(seen);
  });

  test("huge declared lengths written over any position", () => {
    // str32, bin32, array32, map32, ext32 heads followed by a big big-endian length.
    const head = fc.constantFrom(0xdb, 0xc6, 0xdd, 0xdf, 0xc9);
    const length = fc.oneof(fc.constant(0xffffffff), fc.integer({ min: 1 << 20, max: 0xffffffff }));
    fc.assert(
      fc.property(baseIndex, fc.double({ min: 0, max: 1, noNaN: true }), head, length, (b, frac, h, len) => {
        const bytes = Uint8Array.from(BASE_BYTES[b] as Uint8Array);
        const at = Math.min(bytes.length - 5, Math.floor(frac * bytes.length));
        bytes[at] = h;
        new DataView(bytes.buffer).setUint32(at + 1, len >>> 0, false);
        loadsOrRefuses(bytes);
      }),
      PARAMS,
    );
  });
});

/** Every path into the raw map (maps and arrays, not into bins), root excluded. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => { out.push([...prefix, i], ...paths(v, [...prefix, i])); });
  } else if (typeof value === "object" && value !== null && !(value instanceof Uint8Array)) {
    for (const [k, v] of Object.entries(value)) out.push([...prefix, k], ...paths(v, [...prefix, k]));
  }
  return out;
}

/** The container holding `path`'s last key, or null when an earlier edit replaced an ancestor. */
function parentOf(root: RawMap, path: Array<string | number>): [Record<string | number, unknown>, string | number] | null {
  let cur: unknown = root;
  for (const k of path.slice(0, -1)) {
    if (typeof cur !== "object" || cur === null || cur instanceof Uint8Array) return null;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  if (typeof cur !== "object" || cur === null || cur instanceof Uint8Array) return null;
  return [cur as Record<string | number, unknown>, path[path.length - 1] as string | number];
}

/** Values of every MessagePack type, including the awkward ones (huge ints, NaN, bins). */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.constantFrom(-1, 0, 1, 2 ** 53, -(2 ** 53), 2 ** 60, 1e12, 0.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.double(),
  fc.string({ maxLength: 12 }),
  fc.constantFrom("float16", "float64", "float32", "RNN", "RNNCell", "LSTM", "relu", "tanh", "rnn-parity-fixture"),
  fc.uint8Array({ maxLength: 64 }),
  fc.array(fc.integer({ min: -3, max: 1 << 25 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 }),
);

describe("structure-level mutations", () => {
  const raws = BASES.map(rawFixture);
  const pathLists = raws.map((r) => paths(r));

  test("dropped or retyped fields anywhere", () => {
    const edit = fc.record({ which: fc.nat(), drop: fc.boolean(), value: anyValue });
    const seen = new Set<string>();
    fc.assert(
      fc.property(baseIndex, fc.array(edit, { minLength: 1, maxLength: 3 }), (b, edits) => {
        const raw = structuredClone(raws[b]) as RawMap;
        const all = pathLists[b] as Array<Array<string | number>>;
        for (const e of edits) {
          const path = all[e.which % all.length] as Array<string | number>;
          const found = parentOf(raw, path);
          if (found === null) continue;
          const [parent, key] = found;
          if (e.drop && !Array.isArray(parent)) delete parent[key];
          else parent[key] = e.value;
        }
        seen.add(loadsOrRefuses(encodeRaw(raw)));
      }),
      PARAMS,
    );
    expectBothOutcomes(seen);
  });

  test("wrong shapes, with or without matching data", () => {
    const dims = fc.array(fc.oneof(fc.nat({ max: 16 }), fc.constantFrom(-1, 2 ** 24, 2 ** 40, 1e12, 0.5)), { maxLength: 4 });
    fc.assert(
      fc.property(baseIndex, fc.nat(), dims, fc.boolean(), (b, which, shape, resizeData) => {
        const raw = structuredClone(raws[b]) as RawMap;
        const tensors: RawMap[] = [];
        for (const group of ["state_dict", "inputs", "outputs"]) tensors.push(...(Object.values(raw[group] as RawMap) as RawMap[]));
        const t = tensors[which % tensors.length] as RawMap;
        t.shape = shape;
        const n = shape.every((d) => Number.isSafeInteger(d) && d >= 0) ? shape.reduce((a, d) => a * d, 1) : -1;
        if (resizeData && n >= 0 && n <= 4096) t.data = new Uint8Array(n * (raw.dtype === "float64" ? 8 : 4));
        loadsOrRefuses(encodeRaw(raw));
      }),
      PARAMS,
    );
  });

  test("unmutated bases load (the properties start from valid files)", () => {
    for (const bytes of BASE_BYTES) expect(() => decodeFixture(bytes, F)).not.toThrow();
  });
});

describe("nesting depth (issue 9)", () => {
  /** Container heads: fixarray of 1, array16 of 1, fixmap of 1 (with key ""), map16 of 1. */
  const heads = [[0x91], [0xdc, 0x00, 0x01], [0x81, 0xa0], [0xde, 0x00, 0x01, 0xa0]];
  const nestRaws = BASES.map(rawFixture);

  test("any field replaced by containers nested to any depth, up to millions", () => {
    const depth = fc.oneof(fc.integer({ min: 1, max: 2 * MAX_MSGPACK_DEPTH }), fc.integer({ min: 1, max: 2_000_000 }));
    fc.assert(
      fc.property(baseIndex, fc.nat(), depth, fc.array(fc.nat({ max: heads.length - 1 }), { minLength: 1, maxLength: 4 }), (b, which, d, kinds) => {
        const raw = structuredClone(nestRaws[b]) as RawMap;
        const keys = Object.keys(raw);
        const key = keys[which % keys.length] as string;
        const marker = "\u0000nest-here\u0000";
        raw[key] = marker;
        const bytes = encodeRaw(raw);
        const m = Buffer.from(bytes).indexOf(Buffer.from(encodeRaw(marker)));
        const prefix = kinds.map((k) => heads[k] as number[]);
        const tail = bytes.subarray(m + encodeRaw(marker).length);
        let bodyLength = 0;
        for (let i = 0; i < d; i++) bodyLength += (prefix[i % prefix.length] as number[]).length;
        const out = new Uint8Array(m + bodyLength + 1 + tail.length);
        out.set(bytes.subarray(0, m));
        let at = m;
        for (let i = 0; i < d; i++) {
          const h = prefix[i % prefix.length] as number[];
          for (const byte of h) out[at++] = byte;
        }
        out[at++] = 0xc0;
        out.set(tail, at);
        const outcome = loadsOrRefuses(out);
        expect(outcome).toBe("refused");
      }),
      { ...PARAMS, numRuns: Math.min(RUNS, 100) },
    );
  });
});

describe("FIFOs, devices and symbolic links where a file is read (issue 9)", () => {
  const root = mkdtempSync(join(tmpdir(), "rnn-parity-fuzz-files-"));
  const fifos: string[] = [];
  afterAll(() => {
    // Release any reader a regression left blocked in open(), then clean up.
    for (const f of fifos) {
      try {
        closeSync(openSync(f, fsConstants.O_WRONLY | fsConstants.O_NONBLOCK));
      } catch {
        // nobody waiting
      }
    }
    rmSync(root, { recursive: true, force: true });
  });
  const outside = join(root, "outside");
  mkdirSync(outside);
  writeFileSync(join(outside, "secret.msgpack"), "not for reading");

  /** Puts a special file of `kind` at `path`. */
  function place(kind: string, path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    if (kind === "fifo") {
      execFileSync("mkfifo", [path]);
      fifos.push(path);
    } else if (kind === "directory") mkdirSync(path);
    else if (kind === "loop") {
      symlinkSync(`${path}.b`, path);
      symlinkSync(path, `${path}.b`);
    } else if (kind === "dangling") symlinkSync(join(root, "nowhere"), path);
    else if (kind === "outside-dir") symlinkSync(outside, path);
    else symlinkSync({ zero: "/dev/zero", null: "/dev/null", passwd: "/etc/passwd", "outside-file": join(outside, "secret.msgpack") }[kind] as string, path);
  }
  const kinds = ["fifo", "zero", "null", "passwd", "outside-file", "outside-dir", "directory", "loop", "dangling"] as const;
  const roles = ["fixture named", "manifest.json", "listed file", "fixture in a folder", "onnx beside a named fixture"] as const;

  let n = 0;
  /** One line, exit 2 (or a one-line FixtureError), well within a few seconds: never a hang. */
  async function refusedQuickly(role: (typeof roles)[number], kind: (typeof kinds)[number]): Promise<void> {
    const dir = join(root, `case-${n++}`);
    mkdirSync(dir);
    const started = performance.now();
    if (role === "fixture named") {
      place(kind, join(dir, "x.msgpack"));
      await expect(readFixture(join(dir, "x.msgpack"))).rejects.toBeInstanceOf(FixtureError);
    } else if (role === "manifest.json") {
      place(kind, join(dir, "manifest.json"));
      const err = await readManifest(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FixtureError);
    } else if (role === "listed file") {
      const entry = { name: "c", module: "RNNCell", config: { input_size: 1, hidden_size: 1, bias: true, nonlinearity: "tanh" }, dtype: "float32", file: "f/c.msgpack", sha256: "0".repeat(64) };
      writeFileSync(join(dir, "manifest.json"), JSON.stringify({ format: "rnn-parity-manifest", version: 1, torch_version: "x", cases: [entry] }));
      place(kind, join(dir, "f", "c.msgpack"));
      const v = await verifyManifest(dir);
      expect(v.problems).toHaveLength(1);
      expect(v.problems[0]?.message).not.toMatch(/[\r\n]/);
    } else {
      const named = join(dir, "y.msgpack");
      if (role === "fixture in a folder") place(kind, named);
      else {
        writeFileSync(named, fixtureBytes(CELL_FIXTURE));
        place(kind, join(dir, "y.onnx"));
      }
      const run = await runCli(["check", role === "fixture in a folder" ? dir : named]);
      // Whatever the entry is, it names a fixture or model that cannot be read: one line, exit 2.
      expect(run.stdout).toBe("");
      expect(run.code).toBe(2);
      expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
    expect(performance.now() - started).toBeLessThan(5000);
  }

  test("every kind in every role is refused with one line, without blocking", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...roles), fc.constantFrom(...kinds), async (role, kind) => refusedQuickly(role, kind)),
      { ...PARAMS, numRuns: Math.min(RUNS, 60) },
    );
  });
});
