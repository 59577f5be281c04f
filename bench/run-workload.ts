/**
 * One workload, start to finish: build each implementation (measuring its peak memory together with
 * its first forward pass), check every output against onnxruntime's, warm up, then time samples with
 * the implementations taking turns so drift on the machine affects them all alike.
 */
import type { Profile } from "./args.js";
import { makeWorkloadData } from "./data.js";
import type { Implementation, ImplementationName, Runner } from "./impl/types.js";
import { measurePeak } from "./memory.js";
import type { ResultRow } from "./output.js";
import { checkSameComputation } from "./sanity.js";
import { callsPerSample, collectGarbage, gflops, median, sample, timeOnce } from "./timing.js";
import { forwardFlops, type Workload } from "./workloads.js";

interface Prepared {
  impl: Implementation;
  runner: Runner;
  firstOutput: Float32Array;
  peakBytes: number | null;
  estimateMs: number;
  calls: number;
  samplesMs: number[];
}

async function prepare(impl: Implementation, w: Workload, data: ReturnType<typeof makeWorkloadData>): Promise<Prepared> {
  const { result, peakBytes } = await measurePeak(async () => {
    const runner = await impl.prepare(w, data);
    await runner.activate?.();
    const first = await timeOnce(runner);
    // Copy: an implementation may legitimately reuse its output buffer on the next call.
    return { runner, firstOutput: first.output.slice(), firstMs: first.ms };
  });
  return { impl, runner: result.runner, firstOutput: result.firstOutput, peakBytes, estimateMs: result.firstMs, calls: 1, samplesMs: [] };
}

/** Calls the runner until `warmupMs` has passed (JIT tiers up on small shapes); returns the fastest call seen. */
async function warmUp(p: Prepared, warmupMs: number): Promise<number> {
  await p.runner.activate?.();
  let best = p.estimateMs;
  let spent = p.estimateMs;
  while (spent < warmupMs) {
    const { ms } = await timeOnce(p.runner);
    best = Math.min(best, ms);
    spent += ms;
  }
  return best;
}

export async function runWorkload(
  w: Workload,
  implementations: readonly Implementation[],
  profile: Profile,
  seed: number,
  log: (line: string) => void,
  peakGflops: number | null = null,
): Promise<ResultRow[]> {
  const data = makeWorkloadData(w, seed);
  const prepared: Prepared[] = [];
  try {
    for (const impl of implementations) prepared.push(await prepare(impl, w, data));
    const reference = prepared.find((p) => p.impl.name === "onnxruntime");
    if (reference === undefined) throw new Error("bench: onnxruntime must be among the implementations");
    for (const p of prepared) {
      if (p !== reference) checkSameComputation(w, p.impl.name, p.firstOutput, reference.firstOutput);
    }

    for (const p of prepared) {
      if (p.estimateMs >= profile.firstCallIsSampleAboveMs) {
        p.samplesMs.push(p.estimateMs);
        continue;
      }
      p.estimateMs = await warmUp(p, profile.warmupMs);
      p.calls = callsPerSample(p.estimateMs, profile.sampleMs);
    }
    const roundMs = prepared.reduce((t, p) => t + p.calls * p.estimateMs, 0);
    const samples = Math.max(profile.minSamples, Math.min(profile.maxSamples, Math.floor(profile.budgetMs / roundMs)));
    const remainingMs = prepared.reduce((t, p) => t + Math.max(0, samples - p.samplesMs.length) * p.calls * p.estimateMs, 0);
    log(`  ${w.name}: ${samples} sample(s) of ${prepared.map((p) => `${p.impl.name}×${p.calls}`).join(", ")} (~${(remainingMs / 1000).toFixed(1)} s)`);

    for (let s = 0; s < samples; s++) {
      // Rotate the order each round so no implementation always runs first (or right after another's garbage).
      for (let k = 0; k < prepared.length; k++) {
        const p = prepared[(s + k) % prepared.length] as Prepared;
        if (p.samplesMs.length >= samples) continue;
        await p.runner.activate?.();
        collectGarbage();
        p.samplesMs.push(await sample(p.runner, p.calls));
      }
    }

    const flops = forwardFlops(w);
    const medians = new Map<ImplementationName, number>(prepared.map((p) => [p.impl.name, median(p.samplesMs)]));
    const ortMedian = medians.get("onnxruntime") as number;
    return prepared.map((p) => {
      const medianMs = medians.get(p.impl.name) as number;
      return {
        workload: w.name,
        module: w.module,
        implementation: p.impl.name,
        medianMs,
        gflops: gflops(flops, medianMs),
        percentOfPeak: peakGflops === null ? null : (100 * gflops(flops, medianMs)) / peakGflops,
        ratioToOnnxruntime: medianMs / ortMedian,
        minMs: Math.min(...p.samplesMs),
        maxMs: Math.max(...p.samplesMs),
        samples: p.samplesMs.length,
        callsPerSample: p.calls,
        peakRssMB: p.peakBytes === null ? null : p.peakBytes / 2 ** 20,
        seqLen: w.seqLen,
        batch: w.batch,
        inputSize: w.inputSize,
        hiddenSize: w.hiddenSize,
        numLayers: w.numLayers,
        bidirectional: w.bidirectional,
        lengths: w.lengths,
        flops,
      };
    });
  } finally {
    for (const p of prepared) await p.runner.dispose();
  }
}
