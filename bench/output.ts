/** The result rows, the console table and the --json file. */
import { rename, writeFile } from "node:fs/promises";
import Table from "cli-table3";
import type { ImplementationName } from "./impl/types.js";
import type { MachineInfo } from "./machine.js";
import { describeShape, type BenchModule, type Workload } from "./workloads.js";

export interface ResultRow {
  workload: string;
  /** The torch.nn class timed: "RNN", "LSTM" or "GRU". */
  module: BenchModule;
  implementation: ImplementationName;
  medianMs: number;
  gflops: number;
  /** gflops as a percentage of this machine's f32x4 multiply-add peak in WebAssembly (bench/peak.ts); null without SIMD. */
  percentOfPeak: number | null;
  /** medianMs / onnxruntime's medianMs on the same workload: below 1 is faster than onnxruntime. */
  ratioToOnnxruntime: number;
  minMs: number;
  maxMs: number;
  samples: number;
  callsPerSample: number;
  /** Peak RSS added by building the implementation for this workload plus its first forward pass; null off Linux. */
  peakRssMB: number | null;
  seqLen: number;
  batch: number;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  /** The padded-batch workload's sequence lengths, null for a full batch. */
  lengths: readonly number[] | null;
  flops: number;
}

function fmtMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toPrecision(3);
}

function fmtGflops(g: number): string {
  return g >= 10 ? g.toFixed(1) : g >= 0.01 ? g.toFixed(3) : g.toExponential(2);
}

function fmtRatio(r: number): string {
  return r >= 10 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`;
}

function fmtPercent(p: number | null): string {
  return p === null ? "n/a" : p >= 10 ? `${p.toFixed(0)}%` : `${p.toPrecision(2)}%`;
}

export function formatTable(rows: readonly ResultRow[], workloads: readonly Workload[]): string {
  const table = new Table({
    head: ["workload", "module", "S×N×I×H", "impl", "median ms", "GFLOP/s", "% peak", "time / ORT", "peak MB", "samples×calls"],
    colAligns: ["left", "left", "left", "left", "right", "right", "right", "right", "right", "right"],
    style: { head: [], border: [] },
    // No rule between rows: a compact table reads better with a dozen rows.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const r of rows) {
    const w = workloads.find((x) => x.name === r.workload);
    table.push([
      r.workload,
      r.module,
      w ? describeShape(w) : "",
      r.implementation,
      fmtMs(r.medianMs),
      fmtGflops(r.gflops),
      fmtPercent(r.percentOfPeak),
      fmtRatio(r.ratioToOnnxruntime),
      r.peakRssMB === null ? "n/a" : r.peakRssMB.toFixed(1),
      `${r.samples}×${r.callsPerSample}`,
    ]);
  }
  return table.toString();
}

/** A Markdown version of the table, for docs/benchmark.md. */
export function formatMarkdown(rows: readonly ResultRow[], workloads: readonly Workload[]): string {
  const lines = [
    "| workload | module | S×N×I×H | impl | median ms | GFLOP/s | % peak | time / ORT | peak MB |",
    "|---|---|---|---|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    const w = workloads.find((x) => x.name === r.workload);
    lines.push(
      `| ${r.workload} | ${r.module} | ${w ? describeShape(w) : ""} | ${r.implementation} | ${fmtMs(r.medianMs)} | ${fmtGflops(r.gflops)} | ${fmtPercent(r.percentOfPeak)} | ${fmtRatio(r.ratioToOnnxruntime)} | ${r.peakRssMB === null ? "n/a" : r.peakRssMB.toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}

/** Writes the rows, each tagged with the machine, atomically (temp file, then rename) so a failed run leaves no partial file. */
export async function writeJson(path: string, rows: readonly ResultRow[], machine: MachineInfo): Promise<void> {
  const body = rows.map((r) => ({ ...r, machine: `${machine.cpu}; ${machine.cores} cores; node ${machine.node}` }));
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(body, null, 2)}\n`);
  await rename(tmp, path);
}
