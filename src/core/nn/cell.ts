import { ModuleError } from "../errors.js";
import { gemmABt } from "../kernels/gemm.js";
import type { GateFamily, LayerWeights } from "../kernels/recurrent-layer.js";
import { Slot, Workspace } from "../kernels/workspace.js";
import { allocate, type DType, type FloatArray } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { requireDtype, requireTensor } from "./checks.js";
import type { CellConfig, CellName } from "./options.js";
import { cellParameterSpecs, initParameters, weightsFor } from "./parameters.js";
import { copyStateDict, loadStateDictStrict } from "./state-dict.js";

/**
 * What RNNCell, LSTMCell and GRUCell share: one time step of their gate family on torch's
 * `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`, with torch's checks (input rank, state ranks,
 * input_size, each state's batch and hidden size, then dtypes) and batched or unbatched input.
 * Fresh parameters come from U(-1/√H, 1/√H) by our own generator, not torch's; load a state
 * dict for parity.
 */
export abstract class RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly bias: boolean;
  readonly dtype: DType;
  private readonly params: Map<string, Tensor>;
  private readonly weights: LayerWeights;
  private readonly workspace: Workspace;

  /**
   * `stateNames` are the states as the messages name them: ["hx"] or LSTMCell's ["hx[0]", "hx[1]"];
   * RNNCell and GRUCell call a bad-rank state "hidden" as torch does.
   */
  protected constructor(
    private readonly cellName: CellName,
    cfg: CellConfig,
    private readonly family: GateFamily,
    seed: number | undefined,
    private readonly stateNames: readonly string[],
  ) {
    this.inputSize = cfg.inputSize;
    this.hiddenSize = cfg.hiddenSize;
    this.bias = cfg.bias;
    this.dtype = cfg.dtype;
    this.params = initParameters(cellParameterSpecs(cfg.inputSize, cfg.hiddenSize, cfg.bias, family.gates), cfg.hiddenSize, cfg.dtype, seed);
    this.weights = weightsFor(this.params, "", cfg.bias);
    this.workspace = new Workspace(cfg.dtype);
  }

  /** Validates, then runs one step; returns the new states in hx's shape (zeros when hx is omitted). */
  protected run(input: Tensor, hx: readonly Tensor[] | undefined): Tensor[] {
    const name = this.cellName;
    requireTensor(name, "input", input);
    if (input.ndim !== 1 && input.ndim !== 2) {
      throw new ModuleError(`${name}: Expected input to be 1D or 2D, got ${input.ndim}D instead`);
    }
    hx?.forEach((t, i) => {
      const label = this.stateNames[i]!;
      requireTensor(name, label, t);
      if (t.ndim !== 1 && t.ndim !== 2) {
        const what = this.stateNames.length === 1 ? "hidden" : label;
        throw new ModuleError(`${name}: Expected ${what} to be 1D or 2D, got ${t.ndim}D instead`);
      }
    });
    const batched = input.ndim === 2;
    // torch unsqueezes a 2-D hx next to a 1-D input and then reports a puzzling size; say what is wrong.
    hx?.forEach((t, i) => {
      if (t.ndim === input.ndim) return;
      const label = this.stateNames[i]!;
      throw new ModuleError(
        batched
          ? `For batched 2-D input, ${label} should also be 2-D but got ${t.ndim}-D tensor`
          : `For unbatched 1-D input, ${label} should also be 1-D but got ${t.ndim}-D tensor`,
      );
    });
    const features = input.size(-1);
    if (features !== this.inputSize) {
      throw new ModuleError(`input has inconsistent input_size: got ${features} expected ${this.inputSize}`);
    }
    const batch = batched ? input.size(0) : 1;
    const H = this.hiddenSize;
    hx?.forEach((t, i) => {
      const stateBatch = batched ? t.size(0) : 1;
      if (stateBatch !== batch) {
        throw new ModuleError(`Input batch size ${batch} doesn't match hidden${i} batch size ${stateBatch}`);
      }
      if (t.size(-1) !== H) throw new ModuleError(`hidden${i} has inconsistent hidden_size: got ${t.size(-1)}, expected ${H}`);
    });
    // After the sizes, where torch's matmul would complain about the dtype.
    requireDtype(name, "input", input.dtype, this.dtype);
    hx?.forEach((t, i) => requireDtype(name, this.stateNames[i]!, t.dtype, this.dtype));

    const GH = this.family.gates * H;
    const ih = this.workspace.get(Slot.Ih, batch * GH);
    gemmABt(batch, GH, this.inputSize, input.data, 0, this.inputSize, this.weights.wIh, 0, this.inputSize, this.weights.bIh, ih, 0, GH);
    // The step updates its states in place, so they start as copies of hx (or zeros) and are returned.
    const states: FloatArray[] = this.stateNames.map((_, i) => {
      const out = allocate(this.dtype, batch * H);
      const given = hx?.[i];
      if (given !== undefined) out.set(given.data);
      return out;
    });
    const scratch = this.workspace.get(Slot.Pre, batch * this.family.scratchPerRow);
    this.family.step(batch, this.weights, ih, 0, GH, states[0]!, states[1] ?? null, scratch);
    return states.map((s) => new Tensor(s, batched ? [batch, H] : [H]));
  }

  /** load_state_dict(strict=True); see {@link loadStateDictStrict} for casting and atomicity. */
  loadStateDict(stateDict: Record<string, Tensor>): void {
    loadStateDictStrict(this.cellName, this.params, stateDict);
  }

  stateDict(): Record<string, Tensor> {
    return copyStateDict(this.params);
  }
}
