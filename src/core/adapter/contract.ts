/**
 * The adapter contract (issue 14): how any implementation of torch's recurrent layers plugs into the
 * harness. docs/adapters.md is the normative text; our own layers are the default adapter
 * (./default.ts), written against exactly this.
 */
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Fixture, ModuleConfigs, ModuleName } from "../format/types.js";

/** What a case asks for: torch's module name, its constructor kwargs (snake_case, as in the fixture), the dtype. */
export type CaseSpec = {
  [M in ModuleName]: { module: M; config: ModuleConfigs[M]; dtype: DType };
}[ModuleName];

/** One module instance of the implementation under test. */
export interface AdapterModule {
  /** torch's state_dict, keys and shapes as torch names them. */
  loadStateDict(sd: Record<string, Tensor>): void;
  /**
   * Called with the same arguments as this library's module of that name, and must return the same
   * structure; tensors may be any `{ data, shape }`.
   */
  forward(...args: unknown[]): unknown;
}

export interface Adapter {
  /** Shown in every report as the implementation under test. */
  name: string;
  version?: string;
  /** false or a reason: the case is "unsupported", never a pass. */
  supports?(spec: CaseSpec): boolean | string;
  create(spec: CaseSpec): AdapterModule;
}

/** The implementation a report names. */
export interface Implementation {
  name: string;
  version?: string;
}

export function caseSpec(f: Fixture): CaseSpec {
  return { module: f.module, config: f.config, dtype: f.dtype } as CaseSpec;
}

/** null when the adapter supports the case, else the reason it does not. */
export function unsupportedReason(adapter: Adapter, spec: CaseSpec): string | null {
  if (!adapter.supports) return null;
  const verdict = adapter.supports(spec);
  if (verdict === true) return null;
  if (verdict === false) return "not supported by the adapter";
  return verdict;
}
