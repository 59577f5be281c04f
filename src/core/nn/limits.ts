/**
 * Size limits of the modules, checked when one is built, before any parameter is allocated: a
 * size that cannot be allocated (or would take minutes and gigabytes to) is one ModuleError line
 * instead of a raw RangeError from a typed array, or 16 GB and 68 s for `hiddenSize: 1e9`.
 * docs/bad-input.md lists them.
 */
import { ModuleError } from "../errors.js";

/** Largest inputSize, hiddenSize or projSize: the fixture readers' bound too (2^24). */
export const MAX_MODULE_DIM = 2 ** 24;

/**
 * Largest number of parameter elements of one module, all weights and biases together: 2^28,
 * 1 GiB of float32 (2 GiB of float64). torch's own tutorial-to-large models are far below it.
 */
export const MAX_MODULE_PARAMETERS = 2 ** 28;

/** Gates per module: the rows of weight_ih are gates × hidden_size. */
const GATES: Record<string, number> = { RNN: 1, RNNCell: 1, GRU: 3, GRUCell: 3, LSTM: 4, LSTMCell: 4 };

export interface ModuleSize {
  inputSize: number;
  hiddenSize: number;
  /** Default 1 (cells). */
  numLayers?: number;
  bidirectional?: boolean;
  bias: boolean;
  /** LSTM only; 0 or absent for none. */
  projSize?: number;
}

/**
 * Parameter elements of `owner` with these sizes, as torch allocates them. In closed form, not a
 * walk over the layers (numLayers may be 1e9): every layer after the first has the same inputs,
 * D · out. Exact in doubles up to 2^53, far above the limit the result is judged against.
 */
export function parameterCount(owner: string, size: ModuleSize): number {
  const gates = GATES[owner] ?? 1;
  const H = size.hiddenSize;
  const P = size.projSize ?? 0;
  const out = P > 0 ? P : H;
  const D = size.bidirectional === true ? 2 : 1;
  const perDirection = (input: number): number => gates * H * input + gates * H * out + (size.bias ? 2 * gates * H : 0) + P * H;
  return D * (perDirection(size.inputSize) + ((size.numLayers ?? 1) - 1) * perDirection(D * out));
}

/** Throws one ModuleError line when a size is over its limit; the resolvers call it last. */
export function checkModuleSize(owner: string, size: ModuleSize): void {
  for (const [name, value] of [["inputSize", size.inputSize], ["hiddenSize", size.hiddenSize], ["projSize", size.projSize ?? 0]] as const) {
    if (value > MAX_MODULE_DIM) {
      throw new ModuleError(`${owner}: ${name} ${value} is more than the limit of ${MAX_MODULE_DIM} (2^24)`);
    }
  }
  const count = parameterCount(owner, size);
  if (count > MAX_MODULE_PARAMETERS) {
    throw new ModuleError(
      `${owner}: ${count > 1e15 ? count.toExponential(3) : count} parameters, more than the limit of ${MAX_MODULE_PARAMETERS} (2^28) per module`,
    );
  }
}
