/**
 * The browser side of the browser parity run (test/browser-parity.test.ts): bundled by esbuild for
 * the browser from the core's public entry only, loaded in headless Chromium from a loopback server.
 * Every case of the manifest: decode the fixture, run our module (the harness's default adapter),
 * compare with torch's tensors; run the case's ONNX model on onnxruntime-web (wasm, one thread) and
 * compare that with torch's tensors too. Comparisons come back as a summary; the raw output bytes
 * (ours and onnxruntime-web's) are POSTed to the server, for the bit-for-bit check against Node.
 * No DOM: only fetch and globalThis, so it type-checks with the project's Node-only libs.
 */
import {
  Int64Tensor,
  Tensor,
  compareAny,
  decodeFixture,
  fixtureOutputNames,
  onnxOutputNames,
  runAdapter,
  runOrtForFixture,
  typescriptAdapter,
  type Comparison,
  type Fixture,
  type FixtureTensor,
  type Manifest,
  type OrtModule,
  type OrtSessionOptions,
} from "../../src/core/index.js";
import { encodeOutputs, type BrowserComparison, type BrowserRunSummary, type PageRequest } from "./protocol.js";

/** onnxruntime-web's wasm-only build, served by the test next to its .wasm (never bundled, never fetched from the network). */
const ORT_URL = "/ort/ort.wasm.min.mjs";

const WEB_SESSION: OrtSessionOptions = {
  executionProviders: ["wasm"],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: "all",
  logSeverityLevel: 4,
};

interface OrtWeb extends OrtModule {
  env: { wasm: { wasmPaths?: string; numThreads?: number; proxy?: boolean }; logLevel?: string };
}

async function bytesOf(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

function summarize(c: Comparison, caseName: string, oracle: BrowserComparison["oracle"]): BrowserComparison {
  return { case: caseName, oracle, tensor: c.tensor, passed: c.passed, maxAbsDiff: c.maxAbsDiff, mismatched: c.mismatched, total: c.total, message: c.message };
}

function compareAll(f: Fixture, names: readonly string[], actual: Readonly<Record<string, FixtureTensor>>, oracle: BrowserComparison["oracle"]): BrowserComparison[] {
  return names.map((name) => {
    const a = actual[name];
    const e = f.outputs[name];
    if (!a || !e) return { case: f.name, oracle, tensor: name, passed: false, maxAbsDiff: NaN, mismatched: 0, total: 0, message: `${a ? "torch" : oracle} has no ${name}` };
    return summarize(compareAny(a, e, { name }), f.name, oracle);
  });
}

/** A copy of `t` with one element moved by `delta`: torch's tensor as a wrong reference would hold it. */
function perturbed(t: FixtureTensor, index: number, delta: number): FixtureTensor {
  if (t instanceof Int64Tensor) {
    const data = t.data.slice();
    data[index] = (data[index] ?? 0) + Math.round(delta) + 1;
    return new Int64Tensor(data, t.shape);
  }
  const data = t.data.slice();
  data[index] = (data[index] ?? 0) + delta;
  return new Tensor(data, t.shape);
}

async function run(request: PageRequest): Promise<BrowserRunSummary> {
  const started = performance.now();
  const ort = (await import(/* the server's copy */ ORT_URL)) as OrtWeb;
  ort.env.wasm.wasmPaths = "/ort/";
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  const manifest = JSON.parse(new TextDecoder().decode(await bytesOf("/fixtures/manifest.json"))) as Manifest;
  const comparisons: BrowserComparison[] = [];
  const negatives: BrowserComparison[] = [];
  const errors: string[] = [];
  let ortMs = 0;
  for (const [i, c] of manifest.cases.entries()) {
    try {
      const f = decodeFixture(await bytesOf(`/fixtures/${c.file}`), c.file);
      const ours = runAdapter(typescriptAdapter, f, c.file);
      comparisons.push(...compareAll(f, fixtureOutputNames(f.module, f.packing), ours, "torch"));
      let web: Record<string, Tensor> = {};
      if (c.onnx) {
        const model = await bytesOf(`/fixtures/${c.onnx.file}`);
        const t0 = performance.now();
        web = await runOrtForFixture(ort, WEB_SESSION, f, model, c.onnx.file);
        ortMs += performance.now() - t0;
        comparisons.push(...compareAll(f, onnxOutputNames(f.module), web, "onnxruntime-web"));
      }
      if (c.name === request.negativeCase) {
        // The comparison path must be able to fail in the browser too: torch's first output with
        // one element moved by 1e-3 is a mismatch for ours and for onnxruntime-web alike.
        const name = onnxOutputNames(f.module)[0] as string;
        const wrong = { ...f, outputs: { ...f.outputs, [name]: perturbed(f.outputs[name] as FixtureTensor, 1, 1e-3) } } as Fixture;
        negatives.push(...compareAll(wrong, [name], ours, "torch"), ...compareAll(wrong, [name], web, "onnxruntime-web"));
      }
      const body = encodeOutputs(c.name, { ours, "onnxruntime-web": web });
      const res = await fetch(`/result/${i}`, { method: "POST", body });
      if (!res.ok) throw new Error(`POST /result/${i}: ${res.status}`);
    } catch (err) {
      errors.push(`${c.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { cases: manifest.cases.length, comparisons, negatives, errors, ortMs, totalMs: performance.now() - started };
}

(globalThis as { runParity?: typeof run }).runParity = run;
