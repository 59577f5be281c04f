/**
 * paritySuite in process: vitest's describe and test are replaced by recorders, so each registered
 * test's name, timeout and verdict (pass, skip with its note, fail with its message) are checked here,
 * where per-test coverage (and so mutation testing) sees them. test/vitest-entry.test.ts runs the same
 * entry point in a real vitest process.
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Adapter } from "../src/core/adapter/contract.js";
import { typescriptAdapter } from "../src/core/adapter/default.js";
import { DEFAULT_FIXTURES_DIR } from "../src/node/readers/manifest.js";
import { resolveInputs } from "../src/node/report/inputs.js";
import { perturbedCopy, plainCopy, removeTempDirs, tempDir } from "./helpers/cli-run.js";

interface Registered {
  name: string;
  fn: (ctx: { skip(note?: string): never }) => unknown;
  timeout: number | undefined;
}

const registered: Registered[] = [];
const describes: string[] = [];
const path: string[] = [];
let ortLoader: (() => Promise<unknown>) | undefined;

vi.doMock("vitest", async (importOriginal) => ({
  ...(await importOriginal<typeof import("vitest")>()),
  describe: (name: string, body: () => void) => {
    path.push(name);
    describes.push(path.join(" › "));
    try {
      body();
    } finally {
      path.pop();
    }
  },
  test: (name: string, fn: Registered["fn"], timeout?: number) => registered.push({ name: [...path, name].join(" › "), fn, timeout }),
}));
vi.doMock("../src/node/oracles/ort-loader.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/node/oracles/ort-loader.js")>();
  return { ...real, loadOnnxRuntime: () => (ortLoader ? ortLoader() : real.loadOnnxRuntime()) };
});
const { paritySuite, ParityFailure } = await import("../src/vitest/suite.js");
const { MissingDependencyError } = await import("../src/node/oracles/ort-loader.js");

class Skipped extends Error {}
const ctx = {
  skip(note?: string): never {
    throw new Skipped(note);
  },
};

/** Registers a suite; returns the tests it registered (describes holds its describe blocks). */
async function register(adapter: Adapter, options: Parameters<typeof paritySuite>[1] = {}): Promise<Registered[]> {
  registered.length = 0;
  describes.length = 0;
  await paritySuite(adapter, options);
  return registered.splice(0);
}

/** Runs one registered test: "passed", "skipped: NOTE" or "failed: MESSAGE" (only a ParityFailure is a failure). */
async function verdict(t: Registered): Promise<string> {
  try {
    await t.fn(ctx);
    return "passed";
  } catch (err) {
    if (err instanceof Skipped) return `skipped: ${err.message}`;
    if (err instanceof ParityFailure) return `failed: ${err.message}`;
    throw err;
  }
}

async function verdicts(tests: Registered[]): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const t of tests) out.push([t.name, await verdict(t)]);
  return out;
}

/** The TypeScript adapter under another name, counting the modules it creates. */
function counted(name = "rnn-parity"): Adapter & { created: number } {
  const a = { name, created: 0, create: (spec: Parameters<Adapter["create"]>[0]) => (a.created++, typescriptAdapter.create(spec)) };
  return a;
}

const FAILING = "RNNCell-tanh-bias-batched-hx-float64";
const PASSING = "RNNCell-relu-nobias-batched-hx-float64";
const PACKED = "GRU-packed-sorted-seqfirst-uni-L1-h0-float64";
const WITH_ONNX = "RNNCell-tanh-bias-batched-hx-float32";
const cellConfig = (bias: boolean, nonlinearity: string) => JSON.stringify({ input_size: 3, hidden_size: 5, bias, nonlinearity });
const FAILING_LABEL = `${FAILING} (RNNCell ${cellConfig(true, "tanh")})`;
const PASSING_LABEL = `${PASSING} (RNNCell ${cellConfig(false, "relu")})`;
const ONNX_LABEL = `${WITH_ONNX} (RNNCell ${cellConfig(true, "tanh")})`;
const GRU_CONFIG = JSON.stringify({ input_size: 4, hidden_size: 5, num_layers: 1, bias: true, batch_first: false, dropout: 0, bidirectional: false });
const PACKED_LABEL = `${PACKED} (GRU ${GRU_CONFIG})`;
const PACKED_TENSORS = ["output", "output_data", "batch_sizes", "output_lengths", "h_n"];
const MISMATCH = [
  "Tensor-likes are not close!",
  "",
  "Mismatched elements: 1 / 150 (0.7%)",
  "Greatest absolute difference: 0.0009999999999999454 at index (0, 0, 0) (up to 1e-07 allowed)",
  "Greatest relative difference: 0.002256796473457315 at index (0, 0, 0) (up to 1e-07 allowed)",
  "",
  "The failure occurred for item ['output']",
].join("\n");

let fixtures = "";
let onnxFile = "";
const entries = [
  { case: FAILING, reason: "known", link: "https://example.org/1" },
  { case: PASSING, reason: "thought broken" },
  { case: "LSTM-none-*", reason: "gone" },
  { case: "RNNCell-*", oracle: "onnxruntime" as const, reason: "idle when onnxruntime does not run" },
];
beforeAll(async () => {
  fixtures = join(await tempDir(), "fixtures");
  await mkdir(fixtures);
  await perturbedCopy(FAILING, fixtures, "outputs", "h_prime", 1e-3);
  await plainCopy(PASSING, fixtures);
  await perturbedCopy(PACKED, fixtures, "outputs", "output", 1e-3);
  await plainCopy(WITH_ONNX, fixtures);
  onnxFile = join(fixtures, `${WITH_ONNX}.onnx`);
  await copyFile(join(DEFAULT_FIXTURES_DIR, "onnx", `${WITH_ONNX}.onnx`), onnxFile);
});
afterAll(removeTempDirs);
afterEach(() => {
  ortLoader = undefined;
  vi.restoreAllMocks();
});

describe("paritySuite in process", () => {
  it("registers one test per case, oracle pair and tensor; each case runs once, at its first test", async () => {
    const adapter = counted();
    const tests = await register(adapter, { fixtures, expectations: { file: "x.json", implementation: "rnn-parity", expectedFailures: entries.slice(0, 3) } });
    const torch = "torch vs rnn-parity";
    expect(describes).toEqual([
      torch,
      `${torch} › ${PACKED_LABEL}`,
      `${torch} › ${PASSING_LABEL}`,
      `${torch} › ${ONNX_LABEL}`,
      `${torch} › ${FAILING_LABEL}`,
      "rnn-parity vs onnxruntime",
      `rnn-parity vs onnxruntime › ${ONNX_LABEL}`,
      "onnxruntime vs torch",
      `onnxruntime vs torch › ${ONNX_LABEL}`,
      "expectations (x.json)",
    ]);
    expect(tests.map((t) => t.timeout)).toEqual([...Array<number>(10).fill(60_000), undefined]);
    expect(adapter.created).toBe(0);
    expect(await verdicts(tests)).toEqual([
      ...PACKED_TENSORS.map((t) => [`${torch} › ${PACKED_LABEL} › ${t}`, t === "output" ? `failed: ${torch} › ${PACKED_LABEL} › output\n${MISMATCH}` : "passed"]),
      [`${torch} › ${PASSING_LABEL} › h_prime`, `failed: ${torch} › ${PASSING_LABEL} › h_prime\nunexpected pass: expectedFailures[1] expects this case to fail against torch, and h_prime passed: thought broken; remove or narrow the entry`],
      [`${torch} › ${ONNX_LABEL} › h_prime`, "passed"],
      [`${torch} › ${FAILING_LABEL} › h_prime`, "skipped: expected failure (expectedFailures[0]): known (https://example.org/1)"],
      [`rnn-parity vs onnxruntime › ${ONNX_LABEL} › h_prime`, "passed"],
      [`onnxruntime vs torch › ${ONNX_LABEL} › h_prime`, "passed"],
      [
        `expectations (x.json) › expectedFailures[2] (case "LSTM-none-*") matches a comparison`,
        `failed: stale expectation: expectedFailures[2] (case "LSTM-none-*") matches no comparison of this suite; remove or fix it in x.json`,
      ],
    ]);
    // Four cases, each created once although the float32 cell's three tests and the GRU's five share it.
    expect(adapter.created).toBe(4);
  });

  it("takes a fixture file, a list of them and a timeout; without expectations there is no stale block", async () => {
    const one = await register(counted(), { fixtures: join(fixtures, `${PASSING}.msgpack`), oracles: ["torch"], timeout: 1234 });
    expect(one.map((t) => [t.name, t.timeout])).toEqual([[`torch vs rnn-parity › ${PASSING_LABEL} › h_prime`, 1234]]);
    const two = await register(counted(), { fixtures: [join(fixtures, `${PASSING}.msgpack`), join(fixtures, `${FAILING}.msgpack`)], oracles: ["torch", "torch"] });
    expect(describes).toEqual(["torch vs rnn-parity", `torch vs rnn-parity › ${PASSING_LABEL}`, `torch vs rnn-parity › ${FAILING_LABEL}`]);
    expect((await verdicts(two)).map(([, v]) => v.split("\n")[1] ?? v)).toEqual(["passed", "Tensor-likes are not close!"]);
  });

  it("reads an expectations file; an entry whose oracle does not run is not stale", async () => {
    const file = join(fixtures, "..", "expectations.json");
    await writeFile(file, JSON.stringify({ implementation: "rnn-parity", expectedFailures: [entries[0], entries[3]] }));
    const tests = await register(counted(), { fixtures: join(fixtures, `${FAILING}.msgpack`), oracles: ["torch"], expectations: file });
    expect(describes).not.toContain(`expectations (${file})`);
    expect(await verdicts(tests)).toEqual([[`torch vs rnn-parity › ${FAILING_LABEL} › h_prime`, "skipped: expected failure (expectedFailures[0]): known (https://example.org/1)"]]);
    await writeFile(file, JSON.stringify({ implementation: "rnn-parity", expectedFailures: [entries[2]] }));
    await register(counted(), { fixtures: join(fixtures, `${FAILING}.msgpack`), oracles: ["torch"], expectations: file });
    expect(describes).toContain(`expectations (${file})`);
  });

  it("refuses expectations written for another implementation", async () => {
    await expect(register(counted("other"), { fixtures, expectations: { file: "x.json", implementation: "rnn-parity", expectedFailures: [] } })).rejects.toMatchObject({
      name: "FixtureError",
      message: `x.json: implementation: "rnn-parity", but the implementation under test is "other"`,
    });
  });

  it("defaults to the bundled fixtures, read from their manifests (packed cases keep their packed tensors)", async () => {
    const tests = await register(counted(), { oracles: ["torch"] });
    const sources = await resolveInputs([DEFAULT_FIXTURES_DIR]);
    expect(describes.length).toBe(1 + sources.length);
    expect(tests.filter((t) => t.name.startsWith(`torch vs rnn-parity › ${PACKED} (`)).map((t) => t.name.split(" › ").at(-1))).toEqual(PACKED_TENSORS);
  });

  it("without onnxruntime-node, says so in one line and runs torch only; asked for by name, it is an error", async () => {
    const missing = new MissingDependencyError("not installed");
    ortLoader = () => Promise.reject(missing);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    await register(counted(), { fixtures });
    expect(warn.mock.calls).toEqual([
      [
        'rnn-parity/vitest: onnxruntime comparisons skipped: onnxruntime-node is not installed (ONNXRUNTIME_NODE_INSTALL=skip npm i onnxruntime-node@1.30.0 adds them; oracles: ["torch"] silences this line)',
      ],
    ]);
    expect(describes.filter((d) => !d.includes(" › "))).toEqual(["torch vs rnn-parity"]);
    await expect(register(counted(), { fixtures, oracles: ["torch", "onnxruntime"] })).rejects.toBe(missing);
    const broken = new Error("libonnxruntime.so: bad ELF");
    ortLoader = () => Promise.reject(broken);
    await expect(register(counted(), { fixtures })).rejects.toBe(broken);
    expect(warn).toHaveBeenCalledTimes(1);
    ortLoader = () => Promise.reject(missing);
    await register(counted(), { fixtures, oracles: ["torch"] });
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("silences onnxruntime's own log lines", async () => {
    const ort = { env: { logLevel: "warning" } };
    ortLoader = () => Promise.resolve(ort);
    await register(counted(), { fixtures: join(fixtures, `${PASSING}.msgpack`) });
    expect(ort.env.logLevel).toBe("fatal");
  });

  it("named explicitly, onnxruntime is planned for a case without a model, whose run then fails", async () => {
    const file = join(fixtures, `${PASSING}.msgpack`);
    const tests = await register(counted(), { fixtures: file, oracles: ["onnxruntime"] });
    expect(tests.map((t) => t.name)).toEqual([`rnn-parity vs onnxruntime › ${PASSING_LABEL} › h_prime`]);
    await expect(verdict(tests[0] as Registered)).rejects.toThrow(`${file}: onnx: no ONNX model for this case, but --oracle asks for onnxruntime`);
  });

  it("each oracle pair's test reads its own row: a moved reference fails torch and onnxruntime-vs-torch only", async () => {
    const dir = join(fixtures, "..", "moved");
    await mkdir(dir);
    await perturbedCopy(WITH_ONNX, dir, "outputs", "h_prime", 1e-3);
    await copyFile(onnxFile, join(dir, `${WITH_ONNX}.onnx`));
    const out = await verdicts(await register(counted(), { fixtures: dir }));
    expect(out.map(([n, v]) => [n.split(" › ")[0], v.split("\n")[0] === "passed" ? "passed" : v.slice(0, 6)])).toEqual([
      ["torch vs rnn-parity", "failed"],
      ["rnn-parity vs onnxruntime", "passed"],
      ["onnxruntime vs torch", "failed"],
    ]);
  });

  it("its failures are ParityFailures", () => {
    const e = new ParityFailure("m");
    expect([e.name, e.message, e instanceof Error]).toEqual(["ParityFailure", "m", true]);
  });

  it("an unsupported case is skipped with the adapter's reason", async () => {
    const adapter: Adapter = { name: "partial", supports: () => "no relu cells", create: typescriptAdapter.create };
    const tests = await register(adapter, { fixtures: join(fixtures, `${PASSING}.msgpack`), oracles: ["torch"] });
    expect(await verdicts(tests)).toEqual([[`torch vs partial › ${PASSING_LABEL} › h_prime`, "skipped: unsupported by partial: no relu cells"]]);
  });

  it("a case error fails every test of the case with its heading; an expected one is skipped with the error", async () => {
    const adapter: Adapter = {
      name: "broken",
      create: () => {
        throw new Error("out of memory");
      },
    };
    const file = join(fixtures, `${PASSING}.msgpack`);
    const failed = await verdicts(await register(adapter, { fixtures: file, oracles: ["torch"] }));
    expect(failed).toHaveLength(1);
    const [name, v] = failed[0] as [string, string];
    expect(name).toBe(`torch vs broken › ${PASSING_LABEL} › h_prime`);
    expect(v.split("\n")[0]).toBe(`failed: ${name}`);
    const message = v.split("\n").slice(1).join("\n");
    expect(message).toContain("out of memory");
    const skipped = await verdicts(await register(adapter, { fixtures: file, oracles: ["torch"], expectations: { file: "x.json", implementation: "broken", expectedFailures: [{ case: PASSING, reason: "crashes", link: "L" }] } }));
    expect(skipped).toEqual([[name, `skipped: expected failure (expectedFailures[0]): crashes (L): ${message}`]]);
  });
});
