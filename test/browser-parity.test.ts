/**
 * The browser parity run: the core bundled by esbuild for the browser (test/browser/parity-page.ts,
 * which imports only the core's public entry), loaded in headless Chromium from a loopback server
 * this test starts (every other request is refused), runs every bundled fixture case there:
 *   torch            our module in Chromium vs PyTorch's tensors (every tensor the fixture holds)
 *   onnxruntime-web  the case's ONNX model on onnxruntime-web (wasm, one thread) vs PyTorch's tensors
 *   identical to node  our outputs in Chromium vs the same modules' outputs in Node, bit for bit
 * All within assert_close's defaults, compared in the page by the core's compareAny. onnxruntime-web
 * is also set against onnxruntime-node per case (max abs diff, bit-identical or not): reported in
 * reports/browser-parity.json, not asserted (microsoft/onnxruntime#18335: users see them disagree).
 * The heavy work happens once, in beforeAll; the tests read its results.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { typescriptAdapter } from "../src/core/adapter/default.js";
import { runAdapter } from "../src/core/adapter/run.js";
import { decodeFixture } from "../src/core/format/msgpack.js";
import { fixtureOutputNames, onnxOutputNames, type ManifestCase } from "../src/core/format/types.js";
import { runOnnxForFixture } from "../src/node/oracles/onnxruntime.js";
import { DEFAULT_FIXTURES_DIR, readManifest } from "../src/node/readers/manifest.js";
import { Int64Tensor } from "../src/core/tensor/int64-tensor.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import {
  decodeOutputs,
  encodeOutputs,
  firstDifference,
  maxAbsDiff,
  rawOf,
  type BrowserComparison,
  type BrowserRunSummary,
  type DecodedOutputs,
  type PageRequest,
  type RawTensor,
} from "./browser/protocol.js";
import { CHROMIUM, HAVE_CHROMIUM, withChromium } from "./helpers/chromium.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ORT_WEB_DIST = join(repo, "node_modules", "onnxruntime-web", "dist");
/** What the page may load of onnxruntime-web: the wasm-only build and its one .wasm. */
const ORT_FILES = new Set(["ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.wasm"]);
export const REPORT = resolve("reports", "browser-parity.json");
const NEGATIVE_CASE = "LSTM-bias-batchfirst-bidir-L2-proj3-h0-float32";

const manifest = await readManifest(DEFAULT_FIXTURES_DIR);
const cases: readonly ManifestCase[] = manifest.cases;

if (!HAVE_CHROMIUM) {
  console.warn(`browser parity run not done: no Chromium at ${CHROMIUM}; install it with apt-get install -y chromium, then npx vitest run test/browser-parity.test.ts`);
}

interface RunResults {
  summary: BrowserRunSummary;
  /** case name -> what the page POSTed. */
  outputs: Map<string, DecodedOutputs>;
  /** case name -> tensor name -> Node's bit-for-bit verdict (null = identical). */
  identity: Map<string, Map<string, string | null>>;
  refused: string[];
  chromiumVersion: string;
  wallMs: number;
}

const CONTENT_TYPES: Record<string, string> = { ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json", ".html": "text/html" };

/** The file under `root` that `rest` names, or null when it leaves the folder. */
function inside(root: string, rest: string): string | null {
  const path = normalize(join(root, decodeURIComponent(rest)));
  return path.startsWith(root + sep) ? path : null;
}

async function body(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** The loopback server: the page, its bundle, the fixtures, onnxruntime-web's files; POST /result/<i>. */
function serve(bundle: string, onResult: (index: number, bytes: Uint8Array) => void): Server {
  const page = `<!doctype html><meta charset="utf-8"><title>rnn-parity browser parity</title><script type="module" src="/parity-page.js"></script>`;
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, type: string, data: string | Uint8Array) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(data);
    };
    void (async () => {
      try {
        if (req.method === "POST" && url.pathname.startsWith("/result/")) {
          onResult(Number(url.pathname.slice("/result/".length)), await body(req));
          return send(204, "text/plain", "");
        }
        if (url.pathname === "/") return send(200, "text/html", page);
        if (url.pathname === "/parity-page.js") return send(200, "text/javascript", bundle);
        let file: string | null = null;
        if (url.pathname.startsWith("/fixtures/")) file = inside(resolve(DEFAULT_FIXTURES_DIR), url.pathname.slice("/fixtures/".length));
        else if (url.pathname.startsWith("/ort/") && ORT_FILES.has(url.pathname.slice("/ort/".length))) file = join(ORT_WEB_DIST, url.pathname.slice("/ort/".length));
        if (file === null) return send(404, "text/plain", "not served");
        send(200, CONTENT_TYPES[extname(file)] ?? "application/octet-stream", await readFile(file));
      } catch (err) {
        send(500, "text/plain", String(err));
      }
    })();
  });
}

async function bundlePage(): Promise<string> {
  const esbuild = await import("esbuild");
  const built = await esbuild.build({
    entryPoints: [join(repo, "test", "browser", "parity-page.ts")],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "chrome120",
    write: false,
    // onnxruntime-web is loaded from the server by URL, as a user's page would load it.
    external: ["/ort/*"],
    logLevel: "silent",
  });
  return built.outputFiles[0]?.text ?? "";
}

/** What Node computes for a case: our outputs, and onnxruntime-node's when the case has a model. */
interface NodeOutputs {
  ours: Record<string, RawTensor>;
  ort: Record<string, RawTensor> | null;
}

/** Node's run of the same modules and of onnxruntime-node, case by case (awaiting between cases, so the server keeps serving). */
async function runInNode(): Promise<Map<string, NodeOutputs>> {
  const out = new Map<string, NodeOutputs>();
  for (const c of cases) {
    const path = join(DEFAULT_FIXTURES_DIR, c.file);
    const f = decodeFixture(new Uint8Array(await readFile(path)), path);
    const ours = Object.fromEntries(Object.entries(runAdapter(typescriptAdapter, f, path)).map(([k, t]) => [k, rawOf(t)]));
    let ort: Record<string, RawTensor> | null = null;
    if (c.onnx) {
      const onnxPath = join(DEFAULT_FIXTURES_DIR, c.onnx.file);
      const got = await runOnnxForFixture(f, new Uint8Array(await readFile(onnxPath)), onnxPath);
      ort = Object.fromEntries(Object.entries(got).map(([k, t]) => [k, rawOf(t)]));
    }
    out.set(c.name, { ours, ort });
  }
  return out;
}

/** Our outputs in Chromium against Node's, bit for bit, per tensor the fixture holds (null = identical). */
function identityOf(c: ManifestCase, posted: DecodedOutputs | undefined, node: NodeOutputs | undefined): Map<string, string | null> {
  const verdicts = new Map<string, string | null>();
  for (const name of fixtureOutputNames(c.module, c.packing ?? undefined)) {
    const browser = posted?.sources.ours?.[name];
    const ours = node?.ours[name];
    verdicts.set(name, !browser ? "no browser output" : !ours ? "no Node output" : firstDifference(browser, ours));
  }
  return verdicts;
}

interface OrtPair {
  case: string;
  module: string;
  dtype: string;
  tensors: { tensor: string; maxAbsDiff: number; identical: boolean; firstDifference: string | null }[];
}

/** onnxruntime-web's outputs (from the page) against onnxruntime-node's, per case and tensor. */
function ortWebVsNode(c: ManifestCase, posted: DecodedOutputs | undefined, node: NodeOutputs | undefined): OrtPair | null {
  if (!c.onnx || !posted || !node?.ort) return null;
  const tensors = onnxOutputNames(c.module).map((name) => {
    const web = posted.sources["onnxruntime-web"]?.[name];
    const ref = node.ort?.[name];
    if (!web || !ref) return { tensor: name, maxAbsDiff: NaN, identical: false, firstDifference: "missing" };
    const diff = firstDifference(web, ref);
    return { tensor: name, maxAbsDiff: maxAbsDiff(web, ref), identical: diff === null, firstDifference: diff };
  });
  return { case: c.name, module: c.module, dtype: c.dtype, tensors };
}

let results: RunResults | undefined;

async function runInChromium(): Promise<RunResults> {
  const started = performance.now();
  const bundle = await bundlePage();
  const outputs = new Map<string, DecodedOutputs>();
  const server = serve(bundle, (_index, bytes) => {
    const decoded = decodeOutputs(bytes);
    outputs.set(decoded.case, decoded);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const refused: string[] = [];
  // Node's side runs while Chromium works (another process), not after it.
  const nodeSide = runInNode();
  nodeSide.catch(() => undefined); // awaited below; a failure is reported there
  try {
    const [summary, chromiumVersion] = await withChromium(async (context) => {
      await context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith(`${origin}/`)) return route.continue();
        refused.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await page.goto(`${origin}/`);
      await page.waitForFunction("typeof globalThis.runParity === 'function'", undefined, { timeout: 30_000 });
      const request: PageRequest = { negativeCase: NEGATIVE_CASE };
      const summary = (await page.evaluate(`globalThis.runParity(${JSON.stringify(request)})`)) as BrowserRunSummary;
      summary.errors.push(...pageErrors);
      return [summary, context.browser()?.version() ?? "unknown"] as const;
    });
    const node = await nodeSide;
    const identity = new Map(cases.map((c) => [c.name, identityOf(c, outputs.get(c.name), node.get(c.name))] as const));
    const pairs = cases.map((c) => ortWebVsNode(c, outputs.get(c.name), node.get(c.name))).filter((p): p is OrtPair => p !== null);
    const wallMs = performance.now() - started;
    await writeReport(summary, identity, pairs, chromiumVersion, wallMs);
    return { summary, outputs, identity, refused, chromiumVersion, wallMs };
  } finally {
    await new Promise<void>((ok) => server.close(() => ok()));
  }
}

async function writeReport(summary: BrowserRunSummary, identity: Map<string, Map<string, string | null>>, pairs: OrtPair[], chromium: string, wallMs: number): Promise<void> {
  const differing = pairs.filter((p) => p.tensors.some((t) => !t.identical));
  const worst = pairs.flatMap((p) => p.tensors.map((t) => ({ case: p.case, module: p.module, ...t }))).reduce((a, b) => (b.maxAbsDiff > a.maxAbsDiff ? b : a), { case: "", module: "", tensor: "", maxAbsDiff: 0, identical: true, firstDifference: null as string | null });
  const byOracle = (o: BrowserComparison["oracle"]) => summary.comparisons.filter((c) => c.oracle === o);
  const report = {
    chromium,
    onnxruntimeWeb: "1.30.0 (wasm, 1 thread)",
    cases: summary.cases,
    comparisons: {
      torch: { total: byOracle("torch").length, passed: byOracle("torch").filter((c) => c.passed).length },
      "onnxruntime-web": { total: byOracle("onnxruntime-web").length, passed: byOracle("onnxruntime-web").filter((c) => c.passed).length },
      identicalToNode: {
        total: [...identity.values()].reduce((n, m) => n + m.size, 0),
        identical: [...identity.values()].reduce((n, m) => n + [...m.values()].filter((v) => v === null).length, 0),
      },
    },
    ortWebVsNode: {
      cases: pairs.length,
      bitIdenticalCases: pairs.length - differing.length,
      differingCases: differing.length,
      differingByModule: Object.fromEntries([...new Set(differing.map((p) => p.module))].map((m) => [m, differing.filter((p) => p.module === m).length])),
      worst,
      perCase: pairs,
    },
    timing: { browserRunMs: Math.round(summary.totalMs), ortWebMs: Math.round(summary.ortMs), wallMs: Math.round(wallMs) },
  };
  await mkdir(dirname(REPORT), { recursive: true });
  await writeFile(REPORT, `${JSON.stringify(report, null, 1)}\n`);
  console.log(
    `browser parity: ${summary.cases} cases in Chromium ${chromium}; torch ${report.comparisons.torch.passed}/${report.comparisons.torch.total}, ` +
      `onnxruntime-web ${report.comparisons["onnxruntime-web"].passed}/${report.comparisons["onnxruntime-web"].total}, ` +
      `identical to Node ${report.comparisons.identicalToNode.identical}/${report.comparisons.identicalToNode.total}; ` +
      `onnxruntime-web vs -node: ${differing.length}/${pairs.length} cases differ (worst ${worst.maxAbsDiff} in ${worst.case} ${worst.tensor}); ${(wallMs / 1000).toFixed(1)} s (report ${REPORT})`,
  );
}

function comparison(name: string, oracle: BrowserComparison["oracle"], tensor: string): BrowserComparison | undefined {
  return results?.summary.comparisons.find((c) => c.case === name && c.oracle === oracle && c.tensor === tensor);
}

describe("the bit-for-bit check catches what it is for (no browser needed)", () => {
  const f32 = (values: number[]): Float32Array => Float32Array.from(values);
  it("round-trips a case's outputs through the POST body, float32, float64 and int64", () => {
    const body = encodeOutputs("c", {
      ours: { output: new Tensor(f32([1, -0, 2.5]), [3]), batch_sizes: Int64Tensor.of([3, 2]) },
      "onnxruntime-web": { h_n: new Tensor(Float64Array.from([Math.PI]), [1, 1]) },
    });
    const got = decodeOutputs(body);
    expect(got.case).toBe("c");
    expect(firstDifference(got.sources.ours?.output as RawTensor, rawOf(new Tensor(f32([1, -0, 2.5]), [3])))).toBeNull();
    expect(got.sources.ours?.batch_sizes).toMatchObject({ dtype: "int64", shape: [2] });
    expect([...(got.sources["onnxruntime-web"]?.h_n?.data ?? [])]).toEqual([Math.PI]);
  });
  it("names the first element whose bits differ: one ulp, -0 against 0, and a different NaN payload", () => {
    const a = rawOf(new Tensor(f32([1, 2, 3]), [3]));
    const oneUlp = f32([1, 2, 3]);
    new Uint32Array(oneUlp.buffer)[2] = (new Uint32Array(oneUlp.buffer)[2] ?? 0) + 1;
    expect(firstDifference(a, rawOf(new Tensor(oneUlp, [3])))).toMatch(/^element 2: 3 vs 3\.00000/);
    expect(firstDifference(rawOf(new Tensor(f32([0]), [1])), rawOf(new Tensor(f32([-0]), [1])))).toBe("element 0: 0 vs 0");
    const nan = new Float32Array(1);
    new Uint32Array(nan.buffer)[0] = 0x7fc00001;
    expect(firstDifference(rawOf(new Tensor(f32([NaN]), [1])), rawOf(new Tensor(nan, [1])))).toBe("element 0: NaN vs NaN");
    expect(firstDifference(a, rawOf(new Tensor(f32([1, 2, 3]), [1, 3])))).toBe("shape [3] vs [1, 3]");
    expect(firstDifference(a, rawOf(new Tensor(Float64Array.from([1, 2, 3]), [3])))).toBe("dtype float32 vs float64");
  });
});

describe.skipIf(!HAVE_CHROMIUM)("browser", () => {
  beforeAll(async () => {
    results = await runInChromium();
  }, 600_000);

  afterAll(() => {
    results = undefined;
  });

  it("ran every case in the page, with no page error and no request outside the loopback server", () => {
    expect(results?.summary.errors).toEqual([]);
    expect(results?.refused).toEqual([]);
    expect(results?.summary.cases).toBe(cases.length);
    expect(results?.outputs.size).toBe(cases.length);
  });

  it("catches a wrong reference in the page: torch's tensor with one element moved by 1e-3 fails for ours and for onnxruntime-web", () => {
    const negatives = results?.summary.negatives ?? [];
    expect(negatives.map((n) => n.oracle)).toEqual(["torch", "onnxruntime-web"]);
    for (const n of negatives) {
      expect(n.passed, `${n.oracle} › ${n.tensor}`).toBe(false);
      expect(n.mismatched).toBe(1);
      expect(n.message).toMatch(/^Tensor-likes are not close!/);
    }
  });

  describe.each(cases.map((c) => [c.name, c] as const))("%s", (name, c) => {
    const torchNames = fixtureOutputNames(c.module, c.packing ?? undefined);
    it.each(torchNames.map((t) => [t] as const))("torch › %s", (tensor) => {
      const r = comparison(name, "torch", tensor);
      if (!r) throw new Error(`browser › ${name} › torch › ${tensor}: not compared`);
      if (!r.passed) throw new Error(`browser › ${name} › torch › ${tensor}\n${r.message}`);
    });
    if (c.onnx) {
      it.each(onnxOutputNames(c.module).map((t) => [t] as const))("onnxruntime-web › %s", (tensor) => {
        const r = comparison(name, "onnxruntime-web", tensor);
        if (!r) throw new Error(`browser › ${name} › onnxruntime-web › ${tensor}: not compared`);
        if (!r.passed) throw new Error(`browser › ${name} › onnxruntime-web vs torch › ${tensor}\n${r.message}`);
      });
    }
    it.each(torchNames.map((t) => [t] as const))("identical to node › %s", (tensor) => {
      const verdict = results?.identity.get(name)?.get(tensor);
      if (verdict === undefined) throw new Error(`browser › ${name} › ${tensor}: not checked`);
      if (verdict !== null) throw new Error(`browser › ${name} › ${tensor}: Chromium and Node differ: ${verdict}`);
    });
  });
});
