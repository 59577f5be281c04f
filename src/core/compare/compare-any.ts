/**
 * assert_close for every tensor a fixture holds: float tensors go to compareTensors; int64 ones
 * (the lengths and indices of packed sequences) are compared as torch compares integer tensors,
 * exactly (its default rtol = atol = 0 for integer dtypes), with torch's "not equal" message.
 */
import type { FixtureTensor } from "../format/types.js";
import { Int64Tensor } from "../tensor/int64-tensor.js";
import { Tensor, sameShape } from "../tensor/tensor.js";
import { attributeFailure, compareTensors, unravel, type CompareOptions, type Comparison, type Tolerance } from "./assert-close.js";
import { shapeMismatchMessage, tensorMismatchMessage, withItem } from "./message.js";

/** torch.testing.assert_close's defaults for integer dtypes. */
export const INT64_TOLERANCE: Tolerance = { rtol: 0, atol: 0 };

function dtypeName(t: FixtureTensor): string {
  return `torch.${t.dtype}`;
}

function compareInt64(actual: Int64Tensor, expected: Int64Tensor, tol: Tolerance, name: string): Comparison {
  const total = expected.data.length;
  let mismatched = 0;
  // As compareTensors reports floats: the maxima over the mismatched elements, over all of them
  // when none is; the headroom over every element.
  const all = { abs: 0, absAt: 0, rel: 0, relAt: 0 };
  const mis = { abs: 0, absAt: 0, rel: 0, relAt: 0 };
  let worstRatio = 0;
  let worstAt = 0;
  for (let i = 0; i < total; i++) {
    const a = actual.data[i] as number;
    const e = expected.data[i] as number;
    const abs = Math.abs(a - e);
    const allowed = tol.atol + tol.rtol * Math.abs(e);
    const close = abs <= allowed;
    // torch reports integer relative differences in float32. A difference over a zero expected
    // value or allowance divides to Infinity; an exact element's 0 / 0 is NaN, which never wins
    // the `>` comparisons below, so it counts as the 0 it is.
    const rel = Math.fround(abs / Math.abs(e));
    const ratio = abs / allowed;
    if (ratio > worstRatio) [worstRatio, worstAt] = [ratio, i];
    if (abs > all.abs) [all.abs, all.absAt] = [abs, i];
    if (rel > all.rel) [all.rel, all.relAt] = [rel, i];
    if (close) continue;
    mismatched++;
    // A mismatch's differences are > 0, so the first one always replaces the zeros it starts from.
    if (abs > mis.abs) [mis.abs, mis.absAt] = [abs, i];
    if (rel > mis.rel) [mis.rel, mis.relAt] = [rel, i];
  }
  const { abs: maxAbs, absAt: maxAbsAt, rel: maxRel, relAt: maxRelAt } = mismatched === 0 ? all : mis;
  const shape = [...expected.shape];
  const c: Comparison = {
    tensor: name,
    shape,
    dtype: "int64",
    rtol: tol.rtol,
    atol: tol.atol,
    total,
    mismatched,
    maxAbsDiff: maxAbs,
    maxAbsDiffIndex: unravel(maxAbsAt, shape),
    maxRelDiff: maxRel,
    maxRelDiffIndex: unravel(maxRelAt, shape),
    worstIndex: unravel(worstAt, shape),
    headroom: 1 - worstRatio,
    passed: mismatched === 0,
    message: "",
  };
  if (!c.passed) c.message = withItem(tensorMismatchMessage({ ...c, integers: true }), name);
  return c;
}

/** compareTensors for any fixture tensor; a float against an int64 (or the reverse) is a dtype mismatch. */
export function compareAny(actual: FixtureTensor, expected: FixtureTensor, opts: CompareOptions = {}): Comparison {
  if (actual instanceof Tensor && expected instanceof Tensor) return compareTensors(actual, expected, opts);
  const name = opts.name ?? "";
  const tol: Tolerance = { rtol: opts.rtol ?? INT64_TOLERANCE.rtol, atol: opts.atol ?? INT64_TOLERANCE.atol };
  if (!sameShape(actual.shape, expected.shape)) return attributeFailure(expected, tol, name, shapeMismatchMessage(actual.shape, expected.shape));
  if (!(actual instanceof Int64Tensor) || !(expected instanceof Int64Tensor)) {
    return attributeFailure(expected, tol, name, `The values for attribute 'dtype' do not match: ${dtypeName(actual)} != ${dtypeName(expected)}.`);
  }
  return compareInt64(actual, expected, tol, name);
}
