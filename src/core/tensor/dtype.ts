/** The floating-point dtypes the recurrent modules support, named as torch names them. */
export type DType = "float32" | "float64";

export type TypedArrayFor<D extends DType> = D extends "float32" ? Float32Array : Float64Array;
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ["float32", "float64"];

export function isDType(value: unknown): value is DType {
  return value === "float32" || value === "float64";
}

export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float32Array ? "float32" : "float64";
}

export function bytesPerElement(dtype: DType): number {
  return dtype === "float32" ? 4 : 8;
}

export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === "float32" ? new Float32Array(length) : new Float64Array(length);
}
