import { ModuleError } from "../errors.js";
import type { Fixture, FixtureTensor } from "../fixtures/types.js";
import { moduleFromFixture } from "../nn/from-torch.js";
import { RNN } from "../nn/rnn.js";

/** Runs the fixture's inputs through our module; outputs are named as in the fixture. */
export function runTypeScript(f: Fixture): Record<string, FixtureTensor> {
  if (f.packing !== undefined) throw new ModuleError(`${f.module}: packed sequences are not implemented in this version of rnn-parity`);
  const module = moduleFromFixture(f);
  const { input, hx } = f.inputs;
  if (module instanceof RNN) {
    const [output, hN] = module.forward(input, hx);
    return { output, h_n: hN };
  }
  return { h_prime: module.forward(input, hx) };
}
