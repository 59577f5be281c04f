/**
 * torch.testing.assert_close's failure messages, word for word (torch/testing/_comparison.py:
 * `_make_mismatch_msg`, `make_tensor_mismatch_msg`, `make_scalar_mismatch_msg`, the attribute
 * check and `ErrorMeta.to_error`). Kept apart from the arithmetic so the wording has one home.
 */
import type { DType } from "../tensor/dtype.js";
import { pyFloatRepr, pyPercent, pyStrRepr, pyTuple, torchSize } from "./python-format.js";

export interface TensorMismatchStats {
  mismatched: number;
  total: number;
  maxAbsDiff: number;
  maxAbsDiffIndex: readonly number[];
  maxRelDiff: number;
  maxRelDiffIndex: readonly number[];
  rtol: number;
  atol: number;
  /** Integer tensors: torch prints their absolute difference as a Python int ("2", not "2.0"). */
  integers?: boolean;
}

export interface ScalarMismatchStats {
  actual: number;
  expected: number;
  rtol: number;
  atol: number;
}

function diffLine(kind: "absolute" | "relative", diff: number, index: readonly number[] | undefined, tol: number, equality: boolean, integer = false): string {
  const value = integer ? String(diff) : pyFloatRepr(diff);
  let line =
    index === undefined
      ? `${kind.charAt(0).toUpperCase()}${kind.slice(1)} difference: ${value}`
      : `Greatest ${kind} difference: ${value} at index ${pyTuple(index)}`;
  if (!equality) line += ` (up to ${pyFloatRepr(tol)} allowed)`;
  return line;
}

function header(identifier: "Tensor-likes" | "Scalars", equality: boolean): string {
  return `${identifier} are not ${equality ? "equal" : "close"}!`;
}

/** The message for tensors of one or more dimensions whose values are not all close. */
export function tensorMismatchMessage(s: TensorMismatchStats): string {
  const equality = s.rtol === 0 && s.atol === 0;
  return [
    header("Tensor-likes", equality),
    "",
    `Mismatched elements: ${s.mismatched} / ${s.total} (${pyPercent(s.mismatched / s.total)})`,
    diffLine("absolute", s.maxAbsDiff, s.maxAbsDiffIndex, s.atol, equality, s.integers === true),
    diffLine("relative", s.maxRelDiff, s.maxRelDiffIndex, s.rtol, equality),
  ].join("\n");
}

/**
 * The message for 0-d tensors: torch compares their `.item()` values as Python floats, so the
 * differences here are double precision even for float32 tensors.
 */
export function scalarMismatchMessage(s: ScalarMismatchStats): string {
  const equality = s.rtol === 0 && s.atol === 0;
  const absDiff = Math.abs(s.actual - s.expected);
  const relDiff = s.expected === 0 ? Infinity : absDiff / Math.abs(s.expected);
  return [
    header("Scalars", equality),
    "",
    `Expected ${pyFloatRepr(s.expected)} but got ${pyFloatRepr(s.actual)}.`,
    diffLine("absolute", absDiff, undefined, s.atol, equality),
    diffLine("relative", relDiff, undefined, s.rtol, equality),
  ].join("\n");
}

export function shapeMismatchMessage(actual: readonly number[], expected: readonly number[]): string {
  return `The values for attribute 'shape' do not match: ${torchSize(actual)} != ${torchSize(expected)}.`;
}

export function dtypeMismatchMessage(actual: DType, expected: DType): string {
  return `The values for attribute 'dtype' do not match: torch.${actual} != torch.${expected}.`;
}

/** What assert_close appends when the tensors were compared as `{item: tensor}` mappings ("": they were not). */
export function withItem(message: string, item: string): string {
  if (item === "") return message;
  return `${message}\n\nThe failure occurred for item [${pyStrRepr(item)}]`;
}
