// @tensorflow/tfjs layers (tf.layers.simpleRNN, lstm, gru; bidirectional; stacked for num_layers)
// with torch's weights mapped in, on tfjs's pure-JS "cpu" backend (TFJS_BACKEND=wasm for
// @tensorflow/tfjs-backend-wasm). Check it (docs/conformance-tfjs.md):
//   npx rnn-parity check --impl examples/tfjs/adapter.mjs --expectations examples/tfjs/expectations.json
import * as tf from "@tensorflow/tfjs";
import { PackedSequence, Tensor, padPackedSequence } from "rnn-parity";

// PROD silences tfjs's "install tfjs-node" banner on stderr (backend_util.warn); no numeric effect.
tf.enableProdMode();
const BACKEND = process.env.TFJS_BACKEND ?? "cpu";
if (BACKEND === "wasm") await import("@tensorflow/tfjs-backend-wasm");
if (!(await tf.setBackend(BACKEND))) throw new Error(`tfjs backend ${BACKEND} did not initialize`);

const LAYERS = { RNN: tf.layers.simpleRNN, LSTM: tf.layers.lstm, GRU: tf.layers.gru };

function supports({ module, config, dtype }) {
  if (dtype !== "float32") return "tfjs has no float64 tensors (float32, int32, bool, complex64, string only)";
  if (module.startsWith("GRU")) {
    return "torch's GRU is Keras's reset_after=true (r multiplies W_hn h + b_hn, with a separate recurrent bias); tfjs-layers 4.22 GRUCell throws on resetAfter and computes only the reset-before form";
  }
  if (config.proj_size) return "tf.layers.lstm has no projection (torch's proj_size / weight_hr)";
  return true;
}

// torch's [G*H, in] weights -> Keras's [in, G*H] kernels. LSTM gate orders agree (torch i,f,g,o is
// Keras i,f,c,o); Keras has one bias: torch's b_ih + b_hh (summed in float32). GRU: Keras's gates
// are z, r, h where torch's are r, z, n, and its one bias is added before the reset gate, so torch's
// b_hn (inside r * (W_hn h + b_hn)) can only be moved outside it. That is as close as tfjs gets to
// torch's GRU, and not close enough: supports() refuses GRU (test/examples.test.ts measures it fail).
function kerasWeights(kind, sd, suffix, bias) {
  const t = (name) => tf.tensor(sd[name + suffix].data, sd[name + suffix].shape, "float32");
  const gates = (x) => (kind === "GRU" ? tf.concat(((r, z, n) => [z, r, n])(...tf.split(x, 3, 0)), 0) : x);
  const w = [gates(t("weight_ih")).transpose(), gates(t("weight_hh")).transpose()];
  return bias ? [...w, gates(t("bias_ih").add(t("bias_hh")))] : w;
}

// One torch layer (both directions) as a built tfjs layer with torch's weights.
function tfLayer(kind, cfg, sd, l, inputSize) {
  const make = () =>
    LAYERS[kind]({
      units: cfg.hidden_size,
      useBias: cfg.bias,
      returnSequences: true,
      returnState: true,
      // torch's weights replace these; zeros also skip the orthogonal initializer (slow, and it warns on stderr).
      kernelInitializer: "zeros",
      recurrentInitializer: "zeros",
      // A Keras default that differs from torch: LSTM's and GRU's recurrentActivation is hardSigmoid.
      ...(kind === "RNN" ? { activation: cfg.nonlinearity } : { recurrentActivation: "sigmoid" }),
    });
  const layer = cfg.bidirectional ? tf.layers.bidirectional({ layer: make(), mergeMode: "concat" }) : make();
  layer.apply(tf.input({ shape: [null, inputSize] })); // builds the weights (symbolic: nothing computed)
  const suffix = (d) => `_l${l}${d ? "_reverse" : ""}`;
  const weights = (d) => kerasWeights(kind, sd, suffix(d), cfg.bias);
  layer.setWeights([...weights(0), ...(cfg.bidirectional ? weights(1) : [])]);
  return layer;
}

const toTf = (t) => tf.tensor(t.data, t.shape, "float32");
const toOurs = (t) => new Tensor(t.dataSync().slice(), t.shape);

// nn.RNN / nn.LSTM: forward(input, hx?) -> [output, h_n], LSTM: forward(input, [h0, c0]?) -> [output, [h_n, c_n]].
function sequence(kind, cfg, sd, input, state) {
  const L = cfg.num_layers, D = cfg.bidirectional ? 2 : 1, nStates = kind === "LSTM" ? 2 : 1;
  const packed = input instanceof PackedSequence || "batchSizes" in input;
  const unbatched = !packed && input.shape.length === 2;
  return tf.tidy(() => {
    // tfjs is batch-major: [B, T, F]. Packed input becomes padded + a mask (Keras keeps the state
    // through masked steps; the backward layer reverses input and mask, so padding is skipped).
    let x, mask;
    if (packed) {
      const [padded, lens] = padPackedSequence(input, { batchFirst: true });
      x = toTf(padded);
      mask = tf.tensor2d(lens.map((n) => Array.from({ length: padded.shape[1] }, (_, t) => t < n)), undefined, "bool");
    } else {
      x = toTf(input);
      if (unbatched) x = x.expandDims(0);
      else if (!cfg.batch_first) x = x.transpose([1, 0, 2]);
    }
    // torch's h0 [L*D, B, H] -> one [B, H] per layer and direction.
    const init = (state ? (kind === "LSTM" ? state : [state]) : []).map((s) => {
      const t = toTf(s);
      return tf.unstack(unbatched ? t.expandDims(1) : t);
    });
    const hN = [], cN = [];
    for (let l = 0; l < L; l++) {
      const layer = tfLayer(kind, cfg, sd, l, x.shape[2]);
      const initialState = [];
      for (let d = 0; d < D; d++) for (const s of init) initialState.push(s[l * D + d]);
      const [out, ...states] = layer.apply(x, { ...(init.length ? { initialState } : {}), ...(mask ? { mask } : {}) });
      for (let d = 0; d < D; d++) {
        hN.push(states[d * nStates]);
        if (kind === "LSTM") cN.push(states[d * nStates + 1]);
      }
      x = out;
    }
    let output;
    if (packed) {
      // Back to torch's packed layout: rows of step t for the sorted sequences still running.
      const [, T, F] = x.shape, padded = x.dataSync(), rows = [];
      for (let t = 0; t < input.batchSizes.length; t++) {
        for (let b = 0; b < input.batchSizes[t]; b++) {
          const src = input.sortedIndices ? input.sortedIndices[b] : b;
          rows.push(padded.subarray((src * T + t) * F, (src * T + t + 1) * F));
        }
      }
      const data = new Float32Array(rows.length * F);
      rows.forEach((r, i) => data.set(r, i * F));
      output = new PackedSequence(new Tensor(data, [rows.length, F]), input.batchSizes, input.sortedIndices, input.unsortedIndices);
    } else {
      output = toOurs(unbatched ? x.squeeze([0]) : cfg.batch_first ? x : x.transpose([1, 0, 2]));
    }
    const stack = (hs) => toOurs(unbatched ? tf.stack(hs).squeeze([1]) : tf.stack(hs));
    return kind === "LSTM" ? [output, [stack(hN), stack(cN)]] : [output, stack(hN)];
  });
}

// A cell is one step of its layer: RNNCell(input, hx) is RNN over a length-1 sequence.
function cell(kind, cfg, sd, input, state) {
  const seqCfg = { ...cfg, num_layers: 1, bidirectional: false, batch_first: true };
  const batched = input.shape.length === 2;
  const asSeq = (t) => new Tensor(t.data, batched ? [t.shape[0], 1, t.shape[1]] : [1, t.shape[0]]);
  const asState = (t) => new Tensor(t.data, [1, ...t.shape]);
  const states = state && (kind === "LSTM" ? [asState(state[0]), asState(state[1])] : asState(state));
  const layerSd = Object.fromEntries(Object.entries(sd).map(([k, v]) => [`${k}_l0`, v]));
  const [, hs] = sequence(kind, seqCfg, layerSd, asSeq(input), states);
  const drop = (t) => new Tensor(t.data, t.shape.slice(1));
  return kind === "LSTM" ? [drop(hs[0]), drop(hs[1])] : drop(hs);
}

export default {
  name: "tfjs-layers",
  version: `${tf.version.tfjs}+${BACKEND}`,
  supports,
  create({ module, config }) {
    const kind = module.replace("Cell", "");
    let sd;
    return {
      loadStateDict(stateDict) {
        sd = stateDict;
      },
      forward: (input, state) => (module.endsWith("Cell") ? cell : sequence)(kind, config, sd, input, state),
    };
  },
};
