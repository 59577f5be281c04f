/**
 * Error over time: for a sequence module's `output`, the largest |actual - expected| and the worst
 * headroom at each time step, per direction (the last dimension holds the forward half, then the
 * reverse one). This is what shows whether rounding error grows along the sequence, which the
 * tensor-wide maximum cannot tell.
 */
import { elementCloseness, type Tolerance } from "../../core/compare/assert-close.js";
import type { FixtureTensor, SequenceConfig } from "../../core/format/types.js";
import { Tensor, sameShape } from "../../core/tensor/tensor.js";

export interface ErrorOverTime {
  /** "forward", then "reverse" for a bidirectional module. */
  directions: string[];
  /** [direction][step]: greatest |actual - expected| over the batch and features (NaN sticks). */
  maxAbsDiff: number[][];
  /** [direction][step]: 1 - greatest |a - e| / (atol + rtol * |e|), -Infinity for a non-finite mismatch. */
  headroom: number[][];
}

/**
 * Undefined when there is no time axis to speak of: not a float tensor, shapes that differ (the
 * comparison already failed as a whole), or a rank other than 2 (unbatched) or 3.
 */
export function errorOverTime(
  actual: FixtureTensor,
  expected: FixtureTensor,
  config: SequenceConfig,
  tol: Tolerance,
): ErrorOverTime | undefined {
  if (!(actual instanceof Tensor) || !(expected instanceof Tensor)) return undefined;
  const shape = expected.shape;
  if (!sameShape(shape, actual.shape)) return undefined;
  if (shape.length !== 2 && shape.length !== 3) return undefined;
  const dirs = config.bidirectional ? 2 : 1;
  const features = shape[shape.length - 1] ?? 0;
  if (features % dirs !== 0) return undefined;
  const half = features / dirs;
  // (L, H*) unbatched; (L, N, H*) or, batch_first, (N, L, H*).
  const timeAxis = shape.length === 3 && config.batch_first ? 1 : 0;
  const steps = shape[timeAxis] ?? 0;
  const maxAbsDiff = Array.from({ length: dirs }, () => new Array<number>(steps).fill(0));
  const worstRatio = Array.from({ length: dirs }, () => new Array<number>(steps).fill(0));
  const a = actual.data;
  const e = expected.data;
  const rows = a.length / features;
  for (let row = 0; row < rows; row++) {
    // Row = flat index over the leading dims; its step is the time axis' coordinate.
    const t = shape.length === 3 && timeAxis === 1 ? row % steps : shape.length === 3 ? Math.floor(row / (shape[1] ?? 1)) : row;
    for (let k = 0; k < features; k++) {
      const d = Math.floor(k / half);
      const r = elementCloseness(a[row * features + k] as number, e[row * features + k] as number, tol, expected.dtype);
      const abs = maxAbsDiff[d] as number[];
      const worst = worstRatio[d] as number[];
      const prev = abs[t] as number;
      if (Number.isNaN(r.absDiff) || (!Number.isNaN(prev) && r.absDiff > prev)) abs[t] = r.absDiff;
      if (r.ratio > (worst[t] as number)) worst[t] = r.ratio;
    }
  }
  return {
    directions: dirs === 2 ? ["forward", "reverse"] : ["forward"],
    maxAbsDiff,
    headroom: worstRatio.map((steps_) => steps_.map((x) => 1 - x)),
  };
}
