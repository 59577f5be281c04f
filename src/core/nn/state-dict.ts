import { StateDictError } from "../errors.js";
import { Tensor, formatShape, sameShape, typeName } from "../tensor/tensor.js";

function isTensorLike(value: unknown): value is Tensor {
  if (value instanceof Tensor) return true;
  // A Tensor from another copy of this package fails instanceof but is just as usable.
  if (typeof value !== "object" || value === null) return false;
  const v = value as { data?: unknown; shape?: unknown };
  return (v.data instanceof Float32Array || v.data instanceof Float64Array) && Array.isArray(v.shape);
}

function quoted(keys: readonly string[]): string {
  return keys.map((k) => `"${k}"`).join(", ");
}

/**
 * load_state_dict(strict=True): every problem (missing keys, unexpected keys, shape mismatches)
 * is collected and reported in one StateDictError, in torch's order and wording, on one line.
 *
 * Unlike torch, which copies the matching parameters before it raises, nothing is written
 * unless the whole state dict fits: a failed load leaves the module as it was.
 *
 * A tensor of the other dtype is cast into the parameter, as torch's `param.copy_(input)` does
 * (float64 → float32 rounds to nearest even); the module's dtype never changes.
 */
/** A shape as torch prints one in these messages: torch.Size([16, 3]). */
const torchSize = (shape: readonly number[]): string => `torch.Size(${formatShape(shape)})`;

export function loadStateDictStrict(
  moduleName: string,
  params: ReadonlyMap<string, Tensor>,
  stateDict: Readonly<Record<string, unknown>>,
): void {
  if (typeof stateDict !== "object" || stateDict === null) {
    throw new StateDictError(`Error(s) in loading state_dict for ${moduleName}: expected an object of tensors, got ${typeName(stateDict)}.`);
  }
  const missing: string[] = [];
  const problems: string[] = [];
  const unexpected = Object.keys(stateDict).filter((k) => !params.has(k));
  for (const [name, param] of params) {
    if (!Object.prototype.hasOwnProperty.call(stateDict, name)) {
      missing.push(name);
      continue;
    }
    const value = stateDict[name];
    if (!isTensorLike(value)) {
      problems.push(
        `While copying the parameter named "${name}", expected a Tensor from checkpoint but received ${typeName(value)}.`,
      );
      continue;
    }
    if (!sameShape(value.shape, param.shape) || value.data.length !== param.data.length) {
      problems.push(
        `size mismatch for ${name}: copying a param with shape ${torchSize(value.shape)} from checkpoint, the shape in current model is ${torchSize(param.shape)}.`,
      );
    }
  }
  const messages: string[] = [];
  if (missing.length > 0) messages.push(`Missing key(s) in state_dict: ${quoted(missing)}.`);
  if (unexpected.length > 0) messages.push(`Unexpected key(s) in state_dict: ${quoted(unexpected)}.`);
  messages.push(...problems);
  if (messages.length > 0) {
    throw new StateDictError(`Error(s) in loading state_dict for ${moduleName}: ${messages.join(" ")}`);
  }
  for (const [name, param] of params) {
    // TypedArray.set converts element-wise, which is exactly copy_'s cast.
    param.data.set((stateDict[name] as Tensor).data);
  }
}

/** state_dict(): copies, in the module's (torch's) key order, so callers cannot alias the parameters. */
export function copyStateDict(params: ReadonlyMap<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of params) out[name] = t.clone();
  return out;
}
