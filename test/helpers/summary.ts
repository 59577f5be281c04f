/** The largest errors a parity run saw, per module and dtype: the numbers a closing note quotes. */
import type { Comparison } from "../../src/core/compare/assert-close.js";
import type { ManifestCase } from "../../src/core/format/types.js";

interface Extreme {
  value: number;
  where: string;
}

interface DtypeStats {
  comparisons: number;
  failed: number;
  maxAbs: Extreme;
  maxRel: Extreme;
  minHeadroom: Extreme;
}

export class ErrorSummary {
  private readonly byDtype = new Map<string, DtypeStats>();

  add(entry: ManifestCase, c: Comparison): void {
    // Per module and dtype (int64 rows are the packed index fields, compared exactly).
    const key = `${entry.module} ${c.dtype}`;
    let s = this.byDtype.get(key);
    if (s === undefined) {
      s = {
        comparisons: 0,
        failed: 0,
        maxAbs: { value: -Infinity, where: "" },
        maxRel: { value: -Infinity, where: "" },
        minHeadroom: { value: Infinity, where: "" },
      };
      this.byDtype.set(key, s);
    }
    const where = `${entry.name} › ${c.tensor}`;
    s.comparisons++;
    if (!c.passed) s.failed++;
    // `!(a <= b)` lets a NaN through, so a NaN anywhere shows up in the summary.
    if (!(c.maxAbsDiff <= s.maxAbs.value)) s.maxAbs = { value: c.maxAbsDiff, where: `${where} ${JSON.stringify(c.maxAbsDiffIndex)}` };
    if (!(c.maxRelDiff <= s.maxRel.value)) s.maxRel = { value: c.maxRelDiff, where: `${where} ${JSON.stringify(c.maxRelDiffIndex)}` };
    if (!(c.headroom >= s.minHeadroom.value)) s.minHeadroom = { value: c.headroom, where: `${where} ${JSON.stringify(c.worstIndex)}` };
  }

  format(title: string): string {
    const lines = [`${title}: largest errors per module and dtype`];
    for (const [dtype, s] of [...this.byDtype].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(
        `  ${dtype}: ${s.comparisons} tensors compared, ${s.failed} failed`,
        `    max abs diff ${s.maxAbs.value.toExponential(3)} at ${s.maxAbs.where}`,
        `    max rel diff ${s.maxRel.value.toExponential(3)} at ${s.maxRel.where}`,
        `    min headroom ${s.minHeadroom.value.toFixed(6)} (worst |a-e|/(atol+rtol*|e|) = ${(1 - s.minHeadroom.value).toExponential(3)}) at ${s.minHeadroom.where}`,
      );
    }
    return lines.join("\n");
  }
}
