/** Our own layers as an adapter: the default implementation under test, through the same contract as anyone's. */
import { moduleFromTorchConfig } from "../nn/from-torch.js";
import { VERSION } from "../version.js";
import type { Adapter } from "./contract.js";

export const typescriptAdapter: Adapter = {
  name: "rnn-parity",
  version: VERSION,
  // The contract's forward takes unknown arguments; ours are checked by the modules themselves.
  create: (spec) => moduleFromTorchConfig(spec.module, spec.config, spec.dtype) as unknown as ReturnType<Adapter["create"]>,
};
