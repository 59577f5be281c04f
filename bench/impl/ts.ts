/** Our TypeScript modules (src/nn), driven exactly as a user would: construct, load torch keys, forward. */
import { GRU } from "../../src/nn/gru.js";
import { LSTM } from "../../src/nn/lstm.js";
import { RNN } from "../../src/nn/rnn.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import type { Workload } from "../workloads.js";
import type { Implementation, Runner } from "./types.js";

/** The workload's module with its float32 defaults, as one forward function returning `output`. */
function build(w: Workload): { load(sd: Record<string, Tensor>): void; run(x: Tensor): Tensor } {
  const common = {
    inputSize: w.inputSize,
    hiddenSize: w.hiddenSize,
    numLayers: w.numLayers,
    bias: true,
    batchFirst: false,
    bidirectional: w.bidirectional,
    dtype: "float32" as const,
  };
  switch (w.module) {
    case "RNN": {
      const m = new RNN({ ...common, nonlinearity: "tanh" });
      return { load: (sd) => m.loadStateDict(sd), run: (x) => m.forward(x)[0] };
    }
    case "LSTM": {
      const m = new LSTM(common);
      return { load: (sd) => m.loadStateDict(sd), run: (x) => m.forward(x)[0] };
    }
    case "GRU": {
      const m = new GRU(common);
      return { load: (sd) => m.loadStateDict(sd), run: (x) => m.forward(x)[0] };
    }
  }
}

export const tsImplementation: Implementation = {
  name: "ts",
  version: "rnn-parity (this repo)",
  async prepare(w, data): Promise<Runner> {
    const module = build(w);
    module.load(data.stateDict);
    const input = data.input;
    return {
      forward(): Float32Array {
        const output = module.run(input);
        if (!(output.data instanceof Float32Array)) throw new Error(`bench: the TS ${w.module} returned non-float32 output`);
        return output.data;
      },
      dispose(): void {},
    };
  },
};
