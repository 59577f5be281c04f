/**
 * torch.testing.assert_close for our dense float tensors: shape, then dtype, then elementwise
 * closeness |actual - expected| <= atol + rtol * |expected| with equal_nan=False. The verdict and
 * message agree with torch's own for every pair in test/data/assert-close-cases.msgpack.
 */
import { RnnParityError } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import { sameShape, tensorProblem, type Tensor } from "../tensor/tensor.js";
import {
  dtypeMismatchMessage,
  scalarMismatchMessage,
  shapeMismatchMessage,
  tensorMismatchMessage,
  withItem,
} from "./message.js";

export interface Tolerance {
  rtol: number;
  atol: number;
}

/** torch.testing.assert_close's defaults (its `_DTYPE_PRECISIONS`). */
export function defaultTolerance(dtype: DType): Tolerance {
  return dtype === "float32" ? { rtol: 1.3e-6, atol: 1e-5 } : { rtol: 1e-7, atol: 1e-7 };
}

export interface CompareOptions {
  /** Overrides the dtype's default; unlike torch, one may be given without the other. */
  rtol?: number;
  atol?: number;
  /** The compared tensor's name ("output", "h_n"); failure messages end with torch's "item" line. */
  name?: string;
}

/**
 * One comparison's outcome. When the values were compared, `maxAbsDiff`/`maxRelDiff` and their
 * indices are taken over the mismatched elements when any (exactly the numbers torch's message
 * shows) and over all elements when none (how close a passing result came); an element equal to
 * its reference (including equal infinities) counts as difference 0, and a nonzero difference from
 * an expected 0 has relative difference Infinity. When shape or dtype differ, no value is compared:
 * every element counts as mismatched, the diffs are NaN, indices are empty and headroom is -Infinity.
 */
export interface Comparison {
  tensor: string;
  shape: number[];
  /** The reference's dtype; int64 only for the packed-sequence fields (compare-any.ts). */
  dtype: DType | "int64";
  rtol: number;
  atol: number;
  total: number;
  mismatched: number;
  maxAbsDiff: number;
  maxAbsDiffIndex: number[];
  maxRelDiff: number;
  maxRelDiffIndex: number[];
  /** The element with the largest |a - e| / (atol + rtol * |e|): the one closest to failing. */
  worstIndex: number[];
  /**
   * 1 - that largest ratio: 1 when identical, in (0, 1] when passing with room, <= 0 when some
   * element is outside its tolerance, -Infinity when a mismatch is not finite (NaN, or an
   * infinity against anything but the same infinity) or the tolerance is zero and values differ.
   */
  headroom: number;
  passed: boolean;
  /** assert_close's message; "" when passed. */
  message: string;
}

/** The multi-index of flat element `flat` in a row-major `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  let rest = flat;
  return shape.reduceRight<number[]>((index, size) => {
    index.unshift(rest % size);
    rest = Math.floor(rest / size);
    return index;
  }, []);
}

/** torch.max over a dim: NaN wins over every number, and the first of equal maxima is kept. */
class ArgMax {
  // Every offered value is >= 0 or NaN, and a mismatch's is > 0 or NaN, so starting from 0 at
  // index 0 keeps the first maximum without a "seen" flag.
  value = 0;
  index = 0;

  offer(value: number, index: number): void {
    if (!Number.isNaN(this.value) && (Number.isNaN(value) || value > this.value)) {
      this.value = value;
      this.index = index;
    }
  }
}

function checkTolerance(name: "rtol" | "atol", value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RnnParityError(`${name} must be a finite number >= 0, got ${value}`);
  }
  return value;
}

/** A comparison that failed on shape or dtype: no value compared, every element counted as mismatched. */
export function attributeFailure(
  expected: { numel(): number; readonly shape: readonly number[]; readonly dtype: Comparison["dtype"] },
  tol: Tolerance,
  name: string,
  message: string,
): Comparison {
  const total = expected.numel();
  return {
    tensor: name,
    shape: [...expected.shape],
    dtype: expected.dtype,
    rtol: tol.rtol,
    atol: tol.atol,
    total,
    mismatched: total,
    maxAbsDiff: NaN,
    maxAbsDiffIndex: [],
    maxRelDiff: NaN,
    maxRelDiffIndex: [],
    worstIndex: [],
    headroom: -Infinity,
    passed: false,
    message: withItem(message, name),
  };
}

function identity(x: number): number {
  return x;
}

/** A JS caller can pass anything; a plain array would otherwise fail as a TypeError inside the loop. */
function requireTensors(owner: string, actual: unknown, expected: unknown): void {
  for (const [name, value] of [["actual", actual], ["expected", expected]] as const) {
    const problem = tensorProblem(value);
    if (problem === null) continue;
    throw new RnnParityError(
      problem.startsWith("got ") ? `${owner}: expected ${name} to be a Tensor, ${problem}` : `${owner}: ${name} is not a valid Tensor: ${problem}`,
    );
  }
}

/**
 * An element's |a - e| as a share of its allowance: 0 equal, <= 1 close, Infinity when the
 * difference is not finite (never close). A finite difference over a zero allowance is not close
 * and divides to Infinity; a NaN allowance (0 * inf) only occurs beside an infinite expected
 * value, whose difference from anything but itself is not finite.
 */
function toleranceRatio(same: boolean, absDiff: number, allowed: number): number {
  if (same) return 0;
  if (!Number.isFinite(absDiff)) return Infinity;
  return absDiff / allowed;
}

/** One element as torch.isclose judges it, rtol and atol already in the dtype (`round`). */
interface Judged {
  same: boolean;
  absDiff: number;
  close: boolean;
  ratio: number;
}

// rtol = atol = 0 (equality) needs no case of its own: then allowed is 0 (or NaN, for 0 * inf), and
// two values that differ differ by more than 0, even in float32.
function judge(ai: number, ei: number, rtol: number, atol: number, round: (x: number) => number): Judged {
  const same = ai === ei;
  const absDiff = Math.abs(round(ai - ei));
  const allowed = round(atol + Math.abs(round(rtol * ei)));
  const close = same || (Number.isFinite(absDiff) && absDiff <= allowed);
  return { same, absDiff, close, ratio: toleranceRatio(same, absDiff, allowed) };
}

/**
 * One element judged as compareTensors judges it, in the dtype's arithmetic: its |a - e| and
 * share of the tolerance (for per-step reports that must agree with the tensor-wide numbers).
 */
export function elementCloseness(ai: number, ei: number, tol: Tolerance, dtype: DType): { absDiff: number; ratio: number } {
  const round = dtype === "float32" ? Math.fround : identity;
  const j = judge(ai, ei, round(tol.rtol), round(tol.atol), round);
  return { absDiff: j.same ? 0 : j.absDiff, ratio: j.ratio };
}

/** Compares `actual` with the reference `expected` as torch.testing.assert_close(actual, expected) does. */
export function compareTensors(actual: Tensor, expected: Tensor, opts: CompareOptions = {}): Comparison {
  requireTensors("compareTensors", actual, expected);
  const defaults = defaultTolerance(expected.dtype);
  const tol: Tolerance = {
    rtol: checkTolerance("rtol", opts.rtol ?? defaults.rtol),
    atol: checkTolerance("atol", opts.atol ?? defaults.atol),
  };
  const name = opts.name ?? "";
  if (!sameShape(actual.shape, expected.shape)) {
    return attributeFailure(expected, tol, name, shapeMismatchMessage(actual.shape, expected.shape));
  }
  if (actual.dtype !== expected.dtype) {
    return attributeFailure(expected, tol, name, dtypeMismatchMessage(actual.dtype, expected.dtype));
  }

  // torch.isclose computes in the tensors' dtype, tolerances included (rtol and atol are cast to
  // float32 for float32 tensors); rounding every step the same way reproduces its verdict at the
  // boundary bit for bit.
  const round = expected.dtype === "float32" ? Math.fround : identity;
  const rtol = round(tol.rtol);
  const atol = round(tol.atol);
  const a = actual.data;
  const e = expected.data;
  const total = e.length;

  let mismatched = 0;
  const absAll = new ArgMax();
  const relAll = new ArgMax();
  const absMis = new ArgMax();
  const relMis = new ArgMax();
  let worstRatio = 0;
  let worstFlat = 0;
  // A plain loop, not e.forEach: the callback doubled this function's time (2M float32 elements:
  // about 45 ms against 25 ms).
  for (let i = 0; i < total; i++) {
    const ei = e[i] as number;
    const { same, absDiff, close, ratio } = judge(a[i] as number, ei, rtol, atol, round);
    const relDiff = round(absDiff / Math.abs(ei));
    if (close) {
      absAll.offer(same ? 0 : absDiff, i);
      relAll.offer(same ? 0 : relDiff, i);
    } else {
      mismatched++;
      absAll.offer(absDiff, i);
      relAll.offer(relDiff, i);
      absMis.offer(absDiff, i);
      relMis.offer(relDiff, i);
    }
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worstFlat = i;
    }
  }

  const passed = mismatched === 0;
  const abs = passed ? absAll : absMis;
  const rel = passed ? relAll : relMis;
  const shape = [...expected.shape];
  const comparison: Comparison = {
    tensor: name,
    shape,
    dtype: expected.dtype,
    rtol: tol.rtol,
    atol: tol.atol,
    total,
    mismatched,
    maxAbsDiff: abs.value,
    maxAbsDiffIndex: unravel(abs.index, shape),
    maxRelDiff: rel.value,
    maxRelDiffIndex: unravel(rel.index, shape),
    worstIndex: unravel(worstFlat, shape),
    headroom: 1 - worstRatio,
    passed,
    message: "",
  };
  if (!passed) {
    const body =
      shape.length === 0
        ? scalarMismatchMessage({ actual: a[0] as number, expected: e[0] as number, ...tol })
        : tensorMismatchMessage({ ...comparison, ...tol });
    comparison.message = withItem(body, name);
  }
  return comparison;
}

/** Throws an Error carrying assert_close's message when `actual` is not close to `expected`. */
export function assertClose(actual: Tensor, expected: Tensor, opts: CompareOptions = {}): Comparison {
  requireTensors("assertClose", actual, expected);
  const comparison = compareTensors(actual, expected, opts);
  if (!comparison.passed) throw new AssertCloseError(comparison.message, comparison);
  return comparison;
}

/**
 * The failure of assertClose (torch raises AssertionError); keeps the full comparison for callers
 * that report it. An RnnParityError: a mismatch is a deliberate verdict, not a library bug.
 */
export class AssertCloseError extends RnnParityError {
  override name = "AssertCloseError";
  readonly comparison: Comparison;

  constructor(message: string, comparison: Comparison) {
    super(message);
    this.comparison = comparison;
  }
}
