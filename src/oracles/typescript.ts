import type { Fixture } from "../fixtures/types.js";
import { moduleFromFixture } from "../nn/from-torch.js";
import { RNN } from "../nn/rnn.js";
import type { Tensor } from "../tensor/tensor.js";

/** Runs the fixture's inputs through our module; outputs are named as in the fixture. */
export function runTypeScript(f: Fixture): Record<string, Tensor> {
  const module = moduleFromFixture(f);
  const { input, hx } = f.inputs;
  if (module instanceof RNN) {
    const [output, hN] = module.forward(input, hx);
    return { output, h_n: hN };
  }
  return { h_prime: module.forward(input, hx) };
}
