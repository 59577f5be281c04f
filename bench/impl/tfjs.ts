/**
 * TensorFlow.js on its pure-JS "cpu" backend. The recurrence is written with tf ops in the same
 * formulation as torch and our kernel: one matMul projects all time steps' inputs (bias_ih + bias_hh
 * folded in), then per step h = tanh(xProj[t] + h·W_hhᵀ). tf.layers.simpleRNN would be less faithful:
 * it has a single bias and projects the input one step at a time inside its loop.
 */
import * as tf from "@tensorflow/tfjs";
import { layerSuffix } from "../../src/nn/parameters.js";
import { param, type WorkloadData } from "../data.js";
import { layerInputSize, numDirections, type Workload } from "../workloads.js";
import type { Implementation, Runner } from "./types.js";

let backendReady: Promise<void> | undefined;

/**
 * Production mode skips tfjs's debug checks (the fair setting for timing) and, as a side effect,
 * silences the "install tfjs-node" banner, which tfjs prints through its own warn() unless PROD is set.
 */
function ensureCpuBackend(): Promise<void> {
  backendReady ??= (async () => {
    tf.enableProdMode();
    const ok = await tf.setBackend("cpu");
    if (!ok) throw new Error("bench: tfjs could not initialise its cpu backend");
    await tf.ready();
  })();
  return backendReady;
}

interface DirectionWeights {
  readonly wIh: tf.Tensor2D; // [H, I], used transposed
  readonly wHh: tf.Tensor2D; // [H, H], used transposed
  readonly bias: tf.Tensor1D; // bias_ih + bias_hh
  readonly reverse: boolean;
}

function loadDirection(w: Workload, data: WorkloadData, layer: number, direction: number): DirectionWeights {
  const s = layerSuffix(layer, direction);
  const H = w.hiddenSize;
  const inSize = layerInputSize(w, layer);
  return {
    wIh: tf.tensor2d(param(data, `weight_ih${s}`), [H, inSize]),
    wHh: tf.tensor2d(param(data, `weight_hh${s}`), [H, H]),
    bias: tf.tidy(() => tf.add<tf.Tensor1D>(tf.tensor1d(param(data, `bias_ih${s}`)), tf.tensor1d(param(data, `bias_hh${s}`)))),
    reverse: direction === 1,
  };
}

/** One direction of one layer over the whole sequence: x [S, N, I] -> [S, N, H]. */
function runDirection(x: tf.Tensor3D, d: DirectionWeights, hidden: number): tf.Tensor3D {
  const [S, N, I] = x.shape;
  const proj = tf.add(tf.matMul(tf.reshape(x, [S * N, I]), d.wIh, false, true), d.bias);
  const steps = tf.unstack(tf.reshape(proj, [S, N, hidden])) as tf.Tensor2D[];
  const outputs: tf.Tensor2D[] = new Array<tf.Tensor2D>(S);
  let h: tf.Tensor2D = tf.zeros([N, hidden]);
  for (let i = 0; i < S; i++) {
    const t = d.reverse ? S - 1 - i : i;
    const step = steps[t];
    if (step === undefined) throw new Error("bench: tfjs unstack returned too few steps");
    h = tf.tanh(tf.add<tf.Tensor2D>(step, tf.matMul(h, d.wHh, false, true)));
    outputs[t] = h;
  }
  return tf.stack(outputs) as tf.Tensor3D;
}

export const tfjsImplementation: Implementation = {
  name: "tfjs",
  version: tf.version.tfjs,
  async prepare(w, data): Promise<Runner> {
    await ensureCpuBackend();
    const layers: DirectionWeights[][] = [];
    for (let layer = 0; layer < w.numLayers; layer++) {
      const dirs: DirectionWeights[] = [];
      for (let direction = 0; direction < numDirections(w); direction++) dirs.push(loadDirection(w, data, layer, direction));
      layers.push(dirs);
    }
    const input = tf.tensor3d(data.input.data as Float32Array, [w.seqLen, w.batch, w.inputSize]);
    return {
      forward(): Float32Array {
        // tidy frees every intermediate of the pass; only the returned output survives, and it is
        // disposed once its values are read, so repeated calls do not grow tfjs's memory.
        const output = tf.tidy(() => {
          let x: tf.Tensor3D = input;
          for (const dirs of layers) {
            const outs = dirs.map((d) => runDirection(x, d, w.hiddenSize));
            x = outs.length === 1 ? (outs[0] as tf.Tensor3D) : tf.concat(outs, 2);
          }
          return x;
        });
        const values = output.dataSync();
        output.dispose();
        if (!(values instanceof Float32Array)) throw new Error("bench: tfjs returned non-float32 output");
        return values;
      },
      dispose(): void {
        input.dispose();
        for (const dirs of layers) for (const d of dirs) tf.dispose([d.wIh, d.wHh, d.bias]);
      },
    };
  },
};
