/** Calling a runner, timing batches of calls, and the statistics the table reports. */
import { performance } from "node:perf_hooks";
import type { Runner } from "./impl/types.js";

/** Runs one forward pass, awaiting only when the implementation is asynchronous. */
export async function callOnce(runner: Runner): Promise<Float32Array> {
  const out = runner.forward();
  return out instanceof Promise ? await out : out;
}

/** Wall time of one call, in ms. */
export async function timeOnce(runner: Runner): Promise<{ ms: number; output: Float32Array }> {
  const t0 = performance.now();
  const output = await callOnce(runner);
  return { ms: performance.now() - t0, output };
}

/**
 * One sample: `calls` back-to-back forward passes, returning ms per call. Small shapes run in
 * microseconds, so a sample batches enough calls to stay far above timer resolution; the loop
 * stays synchronous for synchronous runners so no promise overhead is charged to them.
 */
export async function sample(runner: Runner, calls: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) {
    const out = runner.forward();
    if (out instanceof Promise) await out;
  }
  return (performance.now() - t0) / calls;
}

/** Calls per sample so one sample lasts about `targetMs`, given an estimate of one call. */
export function callsPerSample(estimateMs: number, targetMs: number, maxCalls = 100_000): number {
  if (!(estimateMs > 0)) return maxCalls;
  return Math.max(1, Math.min(maxCalls, Math.ceil(targetMs / estimateMs)));
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** GFLOP/s of `flops` done in `ms` milliseconds. */
export function gflops(flops: number, ms: number): number {
  return flops / (ms * 1e6);
}

/** A full collection between samples (with --expose-gc), so garbage from one implementation is not collected on another's clock. */
export function collectGarbage(): void {
  const gc: unknown = Reflect.get(globalThis, "gc");
  if (typeof gc === "function") gc();
}
