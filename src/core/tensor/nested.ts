/**
 * Nested arrays <-> flat data and a shape, as torch.tensor(...) and Tensor.tolist() see them: the
 * shape is read from the nesting and every level must be rectangular.
 */
import { TensorError } from "../errors.js";

/** A number, or an array (or typed array) of nested values, like torch.tensor's `data`. */
export type NestedNumbers = number | ArrayLike<number> | readonly NestedNumbers[];
/** What toArray gives back: a number for a 0-d tensor, else arrays of arrays of numbers. */
export type NestedArray = number | NestedArray[];

/** Deeper than any tensor a recurrent layer takes; bounds the recursion on hostile input. */
const MAX_DEPTH = 32;

function isArrayLikeOfValues(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

function where(path: readonly number[]): string {
  return `[${path.join(", ")}]`;
}

/** The shape of `values`, or a TensorError naming the first place that breaks it. */
export function nestedShape(values: unknown): number[] {
  const shape: number[] = [];
  let level: unknown = values;
  while (isArrayLikeOfValues(level)) {
    if (shape.length >= MAX_DEPTH) throw new TensorError(`Tensor.from: nested more than ${MAX_DEPTH} levels deep`);
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

/** Flattens `values` in row-major order into `out`, checking it against `shape` on the way. */
export function flattenNested(values: unknown, shape: readonly number[], out: Float32Array | Float64Array): void {
  let next = 0;
  const visit = (v: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof v !== "number") {
        const kind = isArrayLikeOfValues(v) ? "an array" : v === null ? "null" : typeof v;
        throw new TensorError(`Tensor.from: element ${where(path)} is ${kind}, expected a number (the shape is [${shape.join(", ")}])`);
      }
      out[next++] = v;
      return;
    }
    if (!isArrayLikeOfValues(v) || v.length !== shape[depth]) {
      const got = isArrayLikeOfValues(v) ? `length ${v.length}` : v === null ? "null" : typeof v;
      throw new TensorError(`Tensor.from: ragged at ${where(path)}: expected an array of length ${shape[depth]}, got ${got}`);
    }
    for (let i = 0; i < v.length; i++) visit(v[i], depth + 1, [...path, i]);
  };
  visit(values, 0, []);
}

/** The nested arrays of flat row-major `data` with `shape`. */
export function unflatten(data: ArrayLike<number>, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return data[0] as number;
  let offset = 0;
  const build = (depth: number): NestedArray[] => {
    const n = shape[depth] as number;
    const out: NestedArray[] = new Array<NestedArray>(n);
    for (let i = 0; i < n; i++) out[i] = depth === shape.length - 1 ? (data[offset++] as number) : build(depth + 1);
    return out;
  };
  return build(0);
}
