/** Our TypeScript modules (src/nn), driven exactly as a user would: construct, load torch keys, forward. */
import { GRU } from "../../src/core/nn/gru.js";
import { LSTM } from "../../src/core/nn/lstm.js";
import { packPaddedSequence, padPackedSequence } from "../../src/core/nn/pack.js";
import type { PackedSequence } from "../../src/core/nn/packed-sequence.js";
import { RNN } from "../../src/core/nn/rnn.js";
import type { Tensor } from "../../src/core/tensor/tensor.js";
import type { Workload } from "../workloads.js";
import type { Implementation, Runner } from "./types.js";

interface Built {
  load(sd: Record<string, Tensor>): void;
  run(x: Tensor): Tensor;
  runPacked(x: PackedSequence): PackedSequence;
}

/** The workload's module with its float32 defaults, as forward functions returning `output`. */
function build(w: Workload): Built {
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
      return { load: (sd) => m.loadStateDict(sd), run: (x) => m.forward(x)[0], runPacked: (x) => m.forward(x)[0] };
    }
    case "LSTM": {
      const m = new LSTM(common);
      return { load: (sd) => m.loadStateDict(sd), run: (x) => m.forward(x)[0], runPacked: (x) => m.forward(x)[0] };
    }
    case "GRU": {
      const m = new GRU(common);
      return { load: (sd) => m.loadStateDict(sd), run: (x) => m.forward(x)[0], runPacked: (x) => m.forward(x)[0] };
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
    const lengths = w.lengths;
    // A padded batch goes the way a torch user writes it: pack (unsorted lengths), forward the
    // PackedSequence, pad the result back to the full length. All three are timed.
    const run =
      lengths === null
        ? (): Tensor => module.run(input)
        : (): Tensor => padPackedSequence(module.runPacked(packPaddedSequence(input, lengths, { enforceSorted: false })), { totalLength: w.seqLen })[0];
    return {
      forward(): Float32Array {
        const output = run();
        if (!(output.data instanceof Float32Array)) throw new Error(`bench: the TS ${w.module} returned non-float32 output`);
        return output.data;
      },
      dispose(): void {},
    };
  },
};
