/**
 * TensorFlow.js, on its pure-JS "cpu" backend (`tfjs`) and on its WebAssembly backend
 * (`tfjs-wasm`, @tensorflow/tfjs-backend-wasm, one thread, the SIMD build it picks where the
 * engine validates SIMD; its .wasm files ship inside the npm package). The recurrence is written with tf ops in the same
 * formulation as torch and our kernels: one matMul projects all time steps' inputs, then per step
 * the recurrent product and the gate arithmetic of the module:
 * - RNN: h = tanh(xProj[t] + h·W_hhᵀ), both biases folded into xProj;
 * - LSTM: [i, f, g, o] = xProj[t] + h·W_hhᵀ (both biases in xProj), c = σf·c + σi·tanh g, h = σo·tanh c;
 * - GRU: xProj carries b_ih, hProj = h·W_hhᵀ + b_hh (it must stay apart: the reset gate scales it),
 *   r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n), h = (1 - z)·n + z·h.
 * tf.layers.simpleRNN/lstm/gru would be less faithful: one bias, Keras's gate order and, for GRU,
 * reset_after semantics that differ from torch's by default.
 *
 * A padded batch (workload.lengths) runs with a mask instead of packing, as Keras does: at step t
 * the rows with t >= length keep their state (tf.where, so the kept values are exact) and output
 * zeros. Because the state of a row is still its initial zeros until its first valid step, the
 * reverse direction starts each sequence at its own last step, as torch's packed kernels do.
 * Masking still computes every padded row, which is what a tfjs user pays.
 */
import * as tf from "@tensorflow/tfjs";
import { setThreadsCount, version_wasm } from "@tensorflow/tfjs-backend-wasm";
import { layerSuffix } from "../../src/core/nn/parameters.js";
import { param, type WorkloadData } from "../data.js";
import { gateCount, layerInputSize, numDirections, type BenchModule, type Workload } from "../workloads.js";
import type { Implementation, Runner } from "./types.js";

type Backend = "cpu" | "wasm";

/**
 * Production mode skips tfjs's debug checks (the fair setting for timing) and, as a side effect,
 * silences the "install tfjs-node" banner, which tfjs prints through its own warn() unless PROD is set.
 * The wasm backend runs one thread (the others here are single-threaded too); it must be told
 * before it initialises.
 */
async function useBackend(backend: Backend): Promise<void> {
  if (tf.getBackend() === backend) return;
  tf.enableProdMode();
  if (backend === "wasm") setThreadsCount(1);
  const ok = await tf.setBackend(backend);
  if (!ok) throw new Error(`bench: tfjs could not initialise its ${backend} backend`);
  await tf.ready();
}

interface DirectionWeights {
  readonly module: BenchModule;
  readonly wIh: tf.Tensor2D; // [G·H, I], used transposed
  readonly wHh: tf.Tensor2D; // [G·H, H], used transposed
  readonly inputBias: tf.Tensor1D; // added to the input projection: bias_ih + bias_hh, or bias_ih alone for GRU
  readonly hiddenBias: tf.Tensor1D | null; // GRU's bias_hh, added to the recurrent product
  readonly reverse: boolean;
}

function loadDirection(w: Workload, data: WorkloadData, layer: number, direction: number): DirectionWeights {
  const s = layerSuffix(layer, direction);
  const H = w.hiddenSize;
  const G = gateCount(w.module) * H;
  const inSize = layerInputSize(w, layer);
  const gru = w.module === "GRU";
  return {
    module: w.module,
    wIh: tf.tensor2d(param(data, `weight_ih${s}`), [G, inSize]),
    wHh: tf.tensor2d(param(data, `weight_hh${s}`), [G, H]),
    inputBias: gru
      ? tf.tensor1d(param(data, `bias_ih${s}`))
      : tf.tidy(() => tf.add<tf.Tensor1D>(tf.tensor1d(param(data, `bias_ih${s}`)), tf.tensor1d(param(data, `bias_hh${s}`)))),
    hiddenBias: gru ? tf.tensor1d(param(data, `bias_hh${s}`)) : null,
    reverse: direction === 1,
  };
}

interface State {
  h: tf.Tensor2D;
  c: tf.Tensor2D | null;
}

/** One time step of the module's recurrence on a projected input row block x [N, G·H]. */
function step(d: DirectionWeights, x: tf.Tensor2D, s: State): State {
  const hh = tf.matMul(s.h, d.wHh, false, true);
  switch (d.module) {
    case "RNN":
      return { h: tf.tanh(tf.add<tf.Tensor2D>(x, hh)), c: null };
    case "LSTM": {
      const [i, f, g, o] = tf.split(tf.add<tf.Tensor2D>(x, hh), 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const c = tf.add<tf.Tensor2D>(tf.mul(tf.sigmoid(f), s.c as tf.Tensor2D), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      return { h: tf.mul(tf.sigmoid(o), tf.tanh(c)), c };
    }
    case "GRU": {
      const [xr, xz, xn] = tf.split(x, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const [hr, hz, hn] = tf.split(tf.add<tf.Tensor2D>(hh, d.hiddenBias as tf.Tensor1D), 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const r = tf.sigmoid(tf.add<tf.Tensor2D>(xr, hr));
      const z = tf.sigmoid(tf.add<tf.Tensor2D>(xz, hz));
      const n = tf.tanh(tf.add<tf.Tensor2D>(xn, tf.mul(r, hn)));
      return { h: tf.add<tf.Tensor2D>(tf.mul(tf.sub(1, z), n), tf.mul(z, s.h)), c: null };
    }
  }
}

/** step, for a padded batch: rows whose sequence has ended (mask false) keep their state. */
function maskedStep(d: DirectionWeights, x: tf.Tensor2D, s: State, mask: tf.Tensor2D): State {
  const next = step(d, x, s);
  return { h: tf.where(mask, next.h, s.h), c: next.c === null ? null : tf.where(mask, next.c, s.c as tf.Tensor2D) };
}

/** One direction of one layer over the whole sequence: x [S, N, I] -> [S, N, H]; masks[t] [N, 1] bool for a padded batch. */
function runDirection(x: tf.Tensor3D, d: DirectionWeights, hidden: number, masks: tf.Tensor2D[] | null): tf.Tensor3D {
  const [S, N, I] = x.shape;
  const G = d.wIh.shape[0];
  const proj = tf.add(tf.matMul(tf.reshape(x, [S * N, I]), d.wIh, false, true), d.inputBias);
  const steps = tf.unstack(tf.reshape(proj, [S, N, G])) as tf.Tensor2D[];
  const outputs: tf.Tensor2D[] = new Array<tf.Tensor2D>(S);
  let state: State = { h: tf.zeros([N, hidden]), c: d.module === "LSTM" ? tf.zeros([N, hidden]) : null };
  for (let i = 0; i < S; i++) {
    const t = d.reverse ? S - 1 - i : i;
    const xt = steps[t];
    if (xt === undefined) throw new Error("bench: tfjs unstack returned too few steps");
    const mask = masks?.[t];
    if (mask === undefined) {
      state = step(d, xt, state);
      outputs[t] = state.h;
    } else {
      state = maskedStep(d, xt, state, mask);
      outputs[t] = tf.where(mask, state.h, tf.zerosLike(state.h));
    }
  }
  return tf.stack(outputs) as tf.Tensor3D;
}

/** masks[t] [N, 1]: true where t < lengths[b]. */
function stepMasks(w: Workload): tf.Tensor2D[] | null {
  const lengths = w.lengths;
  if (lengths === null) return null;
  return Array.from({ length: w.seqLen }, (_, t) => tf.tensor2d(lengths.map((l) => (t < l ? 1 : 0)), [w.batch, 1], "bool"));
}

function tfjsBuild(name: "tfjs" | "tfjs-wasm", backend: Backend): Implementation {
  return {
  name,
  version: backend === "wasm" ? version_wasm : tf.version.tfjs,
  async prepare(w, data): Promise<Runner> {
    await useBackend(backend);
    const layers: DirectionWeights[][] = [];
    for (let layer = 0; layer < w.numLayers; layer++) {
      const dirs: DirectionWeights[] = [];
      for (let direction = 0; direction < numDirections(w); direction++) dirs.push(loadDirection(w, data, layer, direction));
      layers.push(dirs);
    }
    const input = tf.tensor3d(data.input.data as Float32Array, [w.seqLen, w.batch, w.inputSize]);
    const masks = stepMasks(w);
    return {
      activate: () => useBackend(backend),
      forward(): Float32Array {
        // tidy frees every intermediate of the pass; only the returned output survives, and it is
        // disposed once its values are read, so repeated calls do not grow tfjs's memory.
        const output = tf.tidy(() => {
          let x: tf.Tensor3D = input;
          for (const dirs of layers) {
            const outs = dirs.map((d) => runDirection(x, d, w.hiddenSize, masks));
            x = outs.length === 1 ? (outs[0] as tf.Tensor3D) : tf.concat(outs, 2);
          }
          return x;
        });
        const values = output.dataSync();
        output.dispose();
        if (!(values instanceof Float32Array)) throw new Error(`bench: ${name} returned non-float32 output`);
        return values;
      },
      dispose(): void {
        input.dispose();
        if (masks !== null) tf.dispose(masks);
        for (const dirs of layers) for (const d of dirs) tf.dispose([d.wIh, d.wHh, d.inputBias, ...(d.hiddenBias === null ? [] : [d.hiddenBias])]);
      },
    };
  },
  };
}

export const tfjsImplementation: Implementation = tfjsBuild("tfjs", "cpu");
export const tfjsWasmImplementation: Implementation = tfjsBuild("tfjs-wasm", "wasm");
