/** `npm run bench`: the TypeScript RNN, LSTM and GRU against onnxruntime (node, web) and TensorFlow.js (wasm, cpu), one table. */
import { performance } from "node:perf_hooks";
import { parseArgs, type BenchOptions } from "./args.js";
import { onnxruntimeImplementation, onnxruntimeWebImplementation } from "./impl/onnxruntime.js";
import { tfjsImplementation, tfjsWasmImplementation } from "./impl/tfjs.js";
import { tsImplementation } from "./impl/ts.js";
import type { Implementation } from "./impl/types.js";
import { formatMachine, machineInfo } from "./machine.js";
import { measureF32x4Peak } from "./peak.js";
import { formatMarkdown, formatTable, writeJson, type ResultRow } from "./output.js";
import { reportError } from "./report-error.js";
import { runWorkload } from "./run-workload.js";

const ALL: readonly Implementation[] = [
  onnxruntimeImplementation,
  tsImplementation,
  onnxruntimeWebImplementation,
  tfjsWasmImplementation,
  tfjsImplementation,
];

async function main(options: BenchOptions): Promise<void> {
  const workloads = options.workloads;
  const implementations = ALL.filter((i) => options.implementations.includes(i.name));
  const machine = machineInfo({
    "onnxruntime-node": onnxruntimeImplementation.version,
    "onnxruntime-web": onnxruntimeWebImplementation.version,
    "@tensorflow/tfjs": tfjsImplementation.version,
    "@tensorflow/tfjs-backend-wasm": tfjsWasmImplementation.version,
  });
  const gcNote = typeof Reflect.get(globalThis, "gc") === "function" ? "" : " (no --expose-gc: GC between samples disabled)";
  process.stdout.write(`${formatMachine(machine)}\n`);
  process.stdout.write(
    `Mode: ${options.quick ? "quick" : "full"}${gcNote}; onnxruntime: CPU EP, 1 intra-op + 1 inter-op thread; onnxruntime-web: wasm EP, 1 thread, SIMD; tfjs-wasm: wasm backend, 1 thread; tfjs: cpu backend; float32, bias (RNN: tanh)\n`,
  );

  const peak = measureF32x4Peak();
  process.stdout.write(
    peak === null
      ? "f32x4 peak: n/a (no WebAssembly SIMD)\n"
      : `f32x4 peak: ${peak.toFixed(1)} GFLOP/s (WebAssembly SIMD f32x4.mul + f32x4.add on registers, 1 thread; "% peak" below is GFLOP/s over it)\n`,
  );
  const started = performance.now();
  const rows: ResultRow[] = [];
  for (const w of workloads) {
    process.stderr.write(`running ${w.name}...\n`);
    rows.push(...(await runWorkload(w, implementations, options.profile, options.seed, (l) => process.stderr.write(`${l}\n`), peak)));
  }
  const seconds = (performance.now() - started) / 1000;

  process.stdout.write(`${formatTable(rows, workloads)}\n`);
  process.stdout.write(
    "time / ORT = median_impl / median_onnxruntime (below 1x: faster than onnxruntime). GFLOP/s counts 2·B·S·G·H·(I+H) per layer and direction (G gates: RNN 1, GRU 3, LSTM 4).\n" +
      "peak MB = peak RSS added while building the implementation and running its first forward pass.\n",
  );
  process.stdout.write(`Total ${seconds.toFixed(1)} s.\n`);
  if (options.markdown) process.stdout.write(`\n${formatMarkdown(rows, workloads)}\n`);
  if (options.json !== undefined) {
    await writeJson(options.json, rows, machine);
    process.stdout.write(`Wrote ${options.json}\n`);
  }
}

function fail(err: unknown): never {
  const { line, exitCode } = reportError(err);
  process.stderr.write(`${line}\n`);
  process.exit(exitCode);
}

let options: BenchOptions | null;
try {
  options = parseArgs(process.argv.slice(2));
} catch (err) {
  fail(err);
}
if (options === null) process.exit(0);
main(options).catch(fail);
