/**
 * Our TypeScript modules as an oracle: the fixture's inputs through the fixture's module, outputs
 * named as in the fixture. A packed case packs the padded input with its lengths
 * (packPaddedSequence, the case's enforce_sorted), runs the PackedSequence, and reports what torch's
 * fixture holds: the PackedSequence's data, batch sizes and indices, the padded output and lengths
 * from padPackedSequence, and h_n (c_n) in the caller's batch order.
 */
import { FixtureError } from "../errors.js";
import type { Fixture, FixtureTensor } from "../format/types.js";
import { moduleFromFixture, type AnyModule } from "../nn/from-torch.js";
import { GRU } from "../nn/gru.js";
import { GRUCell } from "../nn/gru-cell.js";
import { LSTM } from "../nn/lstm.js";
import { LSTMCell } from "../nn/lstm-cell.js";
import { packPaddedSequence, padPackedSequence } from "../nn/pack.js";
import { PackedSequence } from "../nn/packed-sequence.js";
import { RNN } from "../nn/rnn.js";
import { Int64Tensor } from "../tensor/int64-tensor.js";
import type { Tensor } from "../tensor/tensor.js";

type Layered = RNN | LSTM | GRU;

/** forward of a layered module on a tensor or packed input, states as in torch's return value. */
function runLayered(module: Layered, input: Tensor | PackedSequence, f: Fixture): [Tensor | PackedSequence, Record<string, Tensor>] {
  const { hx, cx } = f.inputs;
  if (module instanceof LSTM) {
    const [output, [hN, cN]] = module.forward(input, hx && cx ? [hx, cx] : undefined);
    return [output, { h_n: hN, c_n: cN }];
  }
  const [output, hN] = module.forward(input, hx);
  return [output, { h_n: hN }];
}

/** A packed case: pack, run, and unpack the way the generator did with torch. */
function runPacked(module: Layered, f: Fixture): Record<string, FixtureTensor> {
  const lengths = f.inputs.lengths;
  if (!lengths || !f.packing) throw new FixtureError(f.file, "inputs.lengths", "missing for a packed case");
  const batchFirst = module.batchFirst;
  const packed = packPaddedSequence(f.inputs.input, lengths, { batchFirst, enforceSorted: f.packing.enforceSorted });
  const [output, states] = runLayered(module, packed, f);
  if (!(output instanceof PackedSequence)) throw new FixtureError(f.file, "inputs.input", "a packed input gave an unpacked output");
  const [padded, outLengths] = padPackedSequence(output, { batchFirst });
  const out: Record<string, FixtureTensor> = {
    output: padded,
    output_data: output.data,
    batch_sizes: Int64Tensor.of(output.batchSizes),
  };
  if (!f.packing.enforceSorted) {
    out.sorted_indices = Int64Tensor.of(output.sortedIndices ?? []);
    out.unsorted_indices = Int64Tensor.of(output.unsortedIndices ?? []);
  }
  out.output_lengths = Int64Tensor.of(outLengths);
  return { ...out, ...states };
}

/** Runs the fixture's inputs through our module; outputs are named as in the fixture. */
export function runTypeScript(f: Fixture): Record<string, FixtureTensor> {
  return runModule(moduleFromFixture(f), f);
}

/**
 * Runs the fixture's inputs through `module` (built from the fixture, or from its ONNX model by
 * moduleFromOnnx); outputs are named as in the fixture.
 */
export function runModule(module: AnyModule, f: Fixture): Record<string, FixtureTensor> {
  const { input, hx, cx } = f.inputs;
  if (module instanceof RNN || module instanceof LSTM || module instanceof GRU) {
    if (f.packing) return runPacked(module, f);
    const [output, states] = runLayered(module, input, f);
    return { output: output as Tensor, ...states };
  }
  if (module instanceof LSTMCell) {
    const [h1, c1] = module.forward(input, hx && cx ? [hx, cx] : undefined);
    return { h1, c1 };
  }
  if (module instanceof GRUCell) return { h1: module.forward(input, hx) };
  return { h_prime: module.forward(input, hx) };
}
