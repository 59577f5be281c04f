import { ModuleError } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import { formatShape, sameShape, type Tensor } from "../tensor/tensor.js";
import { pythonTuple, requireDtype } from "./checks.js";

/** What forward was given: a 3-D batch, a 2-D unbatched sequence, or a PackedSequence. */
export type InputKind = "batched" | "unbatched" | "packed";

/**
 * torch words the same checks differently per module: RNN says "got 4D tensor instead", LSTM
 * and GRU "got 4D instead"; LSTM checks hx and cx together and numbers them hidden[0], hidden[1].
 */
export interface StateMessages {
  /** The states' names in dtype messages: ["hx"] or ["hx", "cx"]. */
  readonly names: readonly string[];
  inputRank(ndim: number): string;
  checkRanks(kind: InputKind, hx: readonly Tensor[]): void;
  stateSize(index: number, expected: string, got: string): string;
}

function wantedRank(kind: InputKind): number {
  return kind === "unbatched" ? 2 : 3;
}

function rankPrefix(kind: InputKind): string {
  if (kind === "packed") return "For a PackedSequence input"; // torch fails inside index_select here
  return kind === "batched" ? "For batched 3-D input" : "For unbatched 2-D input";
}

/** RNN's and GRU's wording: one state, hx. */
export function singleStateMessages(name: "RNN" | "GRU"): StateMessages {
  const suffix = name === "RNN" ? " tensor" : "";
  return {
    names: ["hx"],
    inputRank: (ndim) => `${name}: Expected input to be 2D or 3D, got ${ndim}D${suffix} instead`,
    checkRanks(kind, hx) {
      const want = wantedRank(kind);
      const got = hx[0]!.ndim;
      if (got !== want) {
        const verb = kind === "packed" ? "be" : "also be";
        throw new ModuleError(`${rankPrefix(kind)}, hx should ${verb} ${want}-D but got ${got}-D tensor`);
      }
    },
    stateSize: (_index, expected, got) => `Expected hidden size ${expected}, got ${got}`,
  };
}

/** LSTM's wording: hx and cx checked together, sizes as hidden[0] and hidden[1]. */
export function lstmMessages(): StateMessages {
  return {
    names: ["hx", "cx"],
    inputRank: (ndim) => `LSTM: Expected input to be 2D or 3D, got ${ndim}D instead`,
    checkRanks(kind, hx) {
      const want = wantedRank(kind);
      const [a, b] = [hx[0]!.ndim, hx[1]!.ndim];
      if (a !== want || b !== want) {
        const verb = kind === "packed" ? "be" : "also be";
        throw new ModuleError(`${rankPrefix(kind)}, hx and cx should ${verb} ${want}-D but got (${a}-D, ${b}-D) tensors`);
      }
    },
    stateSize: (index, expected, got) => `Expected hidden[${index}] size ${expected}, got ${got}`,
  };
}

/**
 * Every state's shape, then every state's dtype, as torch's check_forward_args (then its kernel)
 * does. Unbatched shapes are reported as the caller wrote them; torch reports them after its
 * internal unsqueeze, e.g. "(2, 1, 6), got [1, 1, 6]" for an hx of shape [1, 6].
 */
export function checkStates(
  owner: string,
  messages: StateMessages,
  dtype: DType,
  hx: readonly Tensor[],
  shapes: readonly (readonly number[])[],
): void {
  hx.forEach((t, i) => {
    const want = shapes[i]!;
    if (!sameShape(t.shape, want)) throw new ModuleError(messages.stateSize(i, pythonTuple(want), formatShape(t.shape)));
  });
  hx.forEach((t, i) => requireDtype(owner, messages.names[i]!, t.dtype, dtype));
}
