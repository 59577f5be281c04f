/**
 * Error over time: which step and direction each element is charged to, in every layout, and the
 * real large case's per-step series agree with its tensor-wide comparison. The synthetic tensors
 * here describe a report's bookkeeping, not a parity claim.
 */
import { describe, expect, it } from "vitest";
import type { SequenceConfig } from "../src/core/format/types.js";
import { errorOverTime } from "../src/node/report/over-time.js";
import { Tensor } from "../src/core/tensor/tensor.js";
import { runCli } from "./helpers/cli-run.js";

const TOL = { rtol: 0, atol: 1 };
const config = (over: Partial<SequenceConfig>): SequenceConfig =>
  ({ input_size: 1, hidden_size: 2, num_layers: 1, nonlinearity: "tanh", bias: true, batch_first: false, dropout: 0, bidirectional: false, ...over }) as SequenceConfig;

/** A zero tensor and a copy with `delta` added at one index. */
function pair(shape: number[], index: number[], delta: number): [Tensor, Tensor] {
  const n = shape.reduce((a, b) => a * b, 1);
  const e = new Float64Array(n);
  const a = new Float64Array(n);
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * (shape[d] as number) + (index[d] as number);
  a[flat] = delta;
  return [new Tensor(a, shape), new Tensor(e, shape)];
}

describe("errorOverTime charges each element to its step and direction", () => {
  it.each([
    { name: "seq-first (L, N, D*H)", shape: [4, 3, 4], index: [2, 1, 3], cfg: { bidirectional: true }, step: 2, dir: 1 },
    { name: "batch-first (N, L, D*H)", shape: [3, 4, 4], index: [1, 2, 0], cfg: { bidirectional: true, batch_first: true }, step: 2, dir: 0 },
    { name: "unbatched (L, H)", shape: [4, 2], index: [3, 1], cfg: {}, step: 3, dir: 0 },
    { name: "unbatched ignores batch_first", shape: [4, 4], index: [1, 2], cfg: { bidirectional: true, batch_first: true }, step: 1, dir: 1 },
  ])("$name", ({ shape, index, cfg, step, dir }) => {
    const [a, e] = pair(shape, index, 0.25);
    const o = errorOverTime(a, e, config(cfg), TOL);
    expect(o?.directions).toEqual(cfg.bidirectional ? ["forward", "reverse"] : ["forward"]);
    const expected = o?.maxAbsDiff.map((steps, d) => steps.map((_, t) => (d === dir && t === step ? 0.25 : 0)));
    expect(o?.maxAbsDiff).toEqual(expected);
    expect(o?.headroom[dir]?.[step]).toBe(0.75);
    expect(o?.headroom.flat().filter((h) => h !== 1)).toEqual([0.75]);
  });

  it("a NaN makes its step NaN with headroom -Infinity; differing shapes give no series", () => {
    const [a, e] = pair([2, 1, 2], [1, 0, 0], NaN);
    const o = errorOverTime(a, e, config({}), TOL);
    expect(o?.maxAbsDiff[0]?.[1]).toBeNaN();
    expect(o?.headroom[0]).toEqual([1, -Infinity]);
    expect(errorOverTime(a, new Tensor(new Float64Array(6), [3, 1, 2]), config({}), TOL)).toBeUndefined();
  });
});

describe("on the bundled seq-64 cases (RNN, LSTM, GRU)", () => {
  type Row = {
    case: string;
    dtype: string;
    oracle: string;
    tensor: string;
    maxAbsDiff: number;
    headroom: number;
    overTime: { directions: string[]; maxAbsDiff: number[][]; headroom: number[][] } | null;
  };
  let rows: Row[] = [];

  it("the per-step series cover every step and direction and their extremes are the comparison's", async () => {
    const run = await runCli(["check", "--filter", "*-large-seq64-*", "--reporter", "json"]);
    expect(run.code).toBe(0);
    rows = (JSON.parse(run.stdout) as { comparisons: Row[] }).comparisons;
    expect(new Set(rows.map((r) => r.case.split("-")[0]))).toEqual(new Set(["RNN", "LSTM", "GRU"]));
    for (const r of rows) {
      if (r.tensor !== "output") {
        expect(r.overTime).toBeNull();
        continue;
      }
      const o = r.overTime;
      expect(o?.directions).toEqual(["forward", "reverse"]);
      for (const series of [...(o?.maxAbsDiff ?? []), ...(o?.headroom ?? [])]) expect(series).toHaveLength(64);
      expect(Math.max(...(o?.maxAbsDiff.flat() ?? []))).toBe(r.maxAbsDiff);
      expect(Math.min(...(o?.headroom.flat() ?? []))).toBe(r.headroom);
    }
  });

  // README says these cases' error does not accumulate over time: the last 16 steps a direction
  // runs are never much worse than its first 16 (the reverse direction runs from step 63 down).
  it("error does not grow along the sequence (what README states)", () => {
    const outputs = rows.filter((r) => r.tensor === "output");
    expect(outputs.length).toBeGreaterThan(0);
    for (const r of outputs) {
      r.overTime?.maxAbsDiff.forEach((series, d) => {
        const inRunOrder = d === 0 ? series : [...series].reverse();
        const early = Math.max(...inRunOrder.slice(0, 16));
        const late = Math.max(...inRunOrder.slice(-16));
        expect(late / early, `${r.case} ${r.oracle} ${r.overTime?.directions[d]}`).toBeLessThan(2.5);
      });
    }
  });
});
