import { sigmoidF64, tanhF64 } from "./tanh-f64.js";

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

/**
 * tanh in float64 from basic arithmetic (tanh-f64.ts), not Math.tanh, whose last bit differs
 * between JavaScript engines: the same module gives the same bits in Node and in a browser.
 */
export const tanh: (x: number) => number = tanhF64;

export function activation(kind: Nonlinearity): (x: number) => number {
  return kind === "tanh" ? tanh : relu;
}

/**
 * The logistic sigmoid in float64, 1 / (1 + e^-x) with tanh-f64.ts's engine-independent exp.
 * e^-x overflows to Infinity for x < -710, giving 0 as the limit should, and NaN stays NaN.
 */
export const sigmoid: (x: number) => number = sigmoidF64;

/** Math.fround for float32 state, the identity for float64: rounds where torch materialises a tensor. */
export function identity(x: number): number {
  return x;
}
