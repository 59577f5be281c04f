/** Our TypeScript RNN (src/nn/rnn.ts), driven exactly as a user would: construct, load torch keys, forward. */
import { RNN } from "../../src/nn/rnn.js";
import type { Implementation, Runner } from "./types.js";

export const tsImplementation: Implementation = {
  name: "ts",
  version: "rnn-parity (this repo)",
  async prepare(w, data): Promise<Runner> {
    const rnn = new RNN({
      inputSize: w.inputSize,
      hiddenSize: w.hiddenSize,
      numLayers: w.numLayers,
      nonlinearity: "tanh",
      bias: true,
      batchFirst: false,
      bidirectional: w.bidirectional,
      dtype: "float32",
    });
    rnn.loadStateDict(data.stateDict);
    const input = data.input;
    return {
      forward(): Float32Array {
        const [output] = rnn.forward(input);
        if (!(output.data instanceof Float32Array)) throw new Error("bench: the TS RNN returned non-float32 output");
        return output.data;
      },
      dispose(): void {},
    };
  },
};
