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
