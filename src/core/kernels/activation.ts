/** The recurrent non-linearities of torch.nn.RNN / RNNCell. */
export type Nonlinearity = "tanh" | "relu";

export function isNonlinearity(value: unknown): value is Nonlinearity {
  return value === "tanh" || value === "relu";
}
