/** The recurrent non-linearities of torch.nn.RNN / RNNCell. */
export type Nonlinearity = "tanh" | "relu";

export const NONLINEARITIES: readonly Nonlinearity[] = ["tanh", "relu"];

export function isNonlinearity(value: unknown): value is Nonlinearity {
  return value === "tanh" || value === "relu";
}

/**
 * ReLU as torch computes it: NaN stays NaN (Math.max propagates NaN, unlike `x > 0 ? x : 0`),
 * and -0 becomes +0.
 */
export function relu(x: number): number {
  return Math.max(0, x);
}

/** Math.tanh is correctly rounded to within 1 ulp in float64, so float32 results are exact after rounding. */
export const tanh: (x: number) => number = Math.tanh;

export function activation(kind: Nonlinearity): (x: number) => number {
  return kind === "tanh" ? tanh : relu;
}

/**
 * The logistic sigmoid in float64; a float32 caller rounds the result once, which lands within
 * a float32 ulp of torch's vectorised sigmoid. exp(-x) overflows to Infinity for x < -709, giving
 * 0 as the limit should, and NaN stays NaN.
 */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Math.fround for float32 state, the identity for float64: rounds where torch materialises a tensor. */
export function identity(x: number): number {
  return x;
}
