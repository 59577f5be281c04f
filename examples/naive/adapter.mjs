// A from-scratch implementation of torch's recurrent layers as a newcomer would write it: plain
// loops over the state dict with the formulas of torch's docs, one sequence at a time, everything
// in float64 and rounded to float32 only at the end. Check it (docs/adapters.md):
//   npx rnn-parity check --impl examples/naive/adapter.mjs   (all 608 bundled cases pass, float32 and float64)
import { PackedSequence, Tensor } from "rnn-parity";

const sigmoid = (x) => 1 / (1 + Math.exp(-x));
const GATES = { RNN: 1, LSTM: 4, GRU: 3 };

// W x + b, W row-major [rows, x.length].
function affine(W, b, x, rows) {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = b ? b[r] : 0;
    for (let k = 0; k < x.length; k++) s += W[r * x.length + k] * x[k];
    y[r] = s;
  }
  return y;
}

// One time step. p: the weights of one layer and direction; h, c: the state (c only for LSTM).
function step(kind, p, x, h, c, H, nonlinearity) {
  const gi = affine(p.wih, p.bih, x, GATES[kind] * H);
  const gh = affine(p.whh, p.bhh, h, GATES[kind] * H);
  const h1 = new Float64Array(H), c1 = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    if (kind === "RNN") {
      const z = gi[j] + gh[j];
      h1[j] = nonlinearity === "relu" ? Math.max(0, z) : Math.tanh(z);
    } else if (kind === "LSTM") {
      // torch's gate order in weight_ih / weight_hh: input, forget, cell (g), output.
      const i = sigmoid(gi[j] + gh[j]), f = sigmoid(gi[H + j] + gh[H + j]);
      const g = Math.tanh(gi[2 * H + j] + gh[2 * H + j]), o = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
      c1[j] = f * c[j] + i * g;
      h1[j] = o * Math.tanh(c1[j]);
    } else {
      // torch's GRU (gates r, z, n): r multiplies (W_hn h + b_hn), not h.
      const r = sigmoid(gi[j] + gh[j]), z = sigmoid(gi[H + j] + gh[H + j]);
      const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
      h1[j] = (1 - z) * n + z * h[j];
    }
  }
  // LSTM with proj_size: h = W_hr h, W_hr [proj_size, H].
  return { h: p.whr ? affine(p.whr, null, h1, p.whr.length / H) : h1, c: c1 };
}

function weights(sd, suffix, cfg) {
  const get = (name) => sd[name + suffix]?.data ?? null;
  return { wih: get("weight_ih"), whh: get("weight_hh"), bih: cfg.bias ? get("bias_ih") : null, bhh: cfg.bias ? get("bias_hh") : null, whr: get("weight_hr") };
}

const row = (data, index, width) => Float64Array.from(data.subarray(index * width, (index + 1) * width));
const result = (values, shape, dtype) => new Tensor(dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values), shape);

// nn.RNN / nn.LSTM / nn.GRU: forward(input, hx?) -> [output, h_n], LSTM: forward(input, [h0, c0]?) -> [output, [h_n, c_n]].
function sequence(kind, cfg, dtype, sd, input, state) {
  const L = cfg.num_layers, D = cfg.bidirectional ? 2 : 1, H = cfg.hidden_size, P = cfg.proj_size || H;
  const [h0, c0] = kind === "LSTM" ? (state ?? []) : [state];
  const packed = "batchSizes" in input, I = cfg.input_size;
  // seqs[b][t]: the input row of sequence b at time t (for a PackedSequence, b in its sorted order).
  let seqs, B, T;
  if (packed) {
    B = input.batchSizes[0];
    seqs = Array.from({ length: B }, () => []);
    let offset = 0;
    for (const n of input.batchSizes) for (let b = 0; b < n; b++) seqs[b].push(row(input.data.data, offset++, I));
  } else {
    const unbatched = input.shape.length === 2;
    B = unbatched ? 1 : input.shape[cfg.batch_first ? 0 : 1];
    T = input.shape[unbatched || !cfg.batch_first ? 0 : 1];
    seqs = Array.from({ length: B }, (_, b) =>
      Array.from({ length: T }, (_, t) => row(input.data, unbatched ? t : cfg.batch_first ? b * T + t : t * B + b, I)),
    );
  }
  // torch takes h0 in the caller's batch order and returns h_n in it too.
  const caller = (b) => (packed && input.sortedIndices ? input.sortedIndices[b] : b);
  const hN = new Float64Array(L * D * B * P), cN = new Float64Array(L * D * B * H);
  for (let l = 0; l < L; l++) {
    const next = seqs.map((s) => s.map(() => new Float64Array(D * P)));
    for (let d = 0; d < D; d++) {
      const p = weights(sd, `_l${l}${d ? "_reverse" : ""}`, cfg), k = l * D + d;
      for (let b = 0; b < B; b++) {
        const at = k * B + caller(b);
        let h = h0 ? row(h0.data, at, P) : new Float64Array(P);
        let c = c0 ? row(c0.data, at, H) : new Float64Array(H);
        const len = seqs[b].length;
        for (let s = 0; s < len; s++) {
          const t = d ? len - 1 - s : s;
          ({ h, c } = step(kind, p, seqs[b][t], h, c, H, cfg.nonlinearity));
          next[b][t].set(h, d * P);
        }
        hN.set(h, at * P);
        cN.set(c, at * H);
      }
    }
    seqs = next; // dropout between layers is a training-time thing: none in eval
  }
  let output;
  if (packed) {
    const flat = [];
    for (let t = 0; t < input.batchSizes.length; t++) for (let b = 0; b < input.batchSizes[t]; b++) flat.push(...seqs[b][t]);
    output = new PackedSequence(result(flat, [flat.length / (D * P), D * P], dtype), input.batchSizes, input.sortedIndices, input.unsortedIndices);
  } else {
    const unbatched = input.shape.length === 2, flat = [];
    if (cfg.batch_first || unbatched) for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) flat.push(...seqs[b][t]);
    else for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) flat.push(...seqs[b][t]);
    output = result(flat, unbatched ? [T, D * P] : cfg.batch_first ? [B, T, D * P] : [T, B, D * P], dtype);
  }
  const stateShape = (n) => (packed || input.shape.length === 3 ? [L * D, B, n] : [L * D, n]);
  const hOut = result(hN, stateShape(P), dtype);
  return kind === "LSTM" ? [output, [hOut, result(cN, stateShape(H), dtype)]] : [output, hOut];
}

// nn.RNNCell / nn.LSTMCell / nn.GRUCell: forward(input, hx?) -> h1, LSTMCell: forward(input, [hx, cx]?) -> [h1, c1].
function cell(kind, cfg, dtype, sd, input, state) {
  const H = cfg.hidden_size, I = cfg.input_size, batched = input.shape.length === 2, B = batched ? input.shape[0] : 1;
  const [hx, cx] = kind === "LSTM" ? (state ?? []) : [state];
  const p = weights(sd, "", cfg), hs = [], cs = [];
  for (let b = 0; b < B; b++) {
    const h = hx ? row(hx.data, b, H) : new Float64Array(H), c = cx ? row(cx.data, b, H) : new Float64Array(H);
    const out = step(kind, p, row(input.data, b, I), h, c, H, cfg.nonlinearity);
    hs.push(...out.h);
    cs.push(...out.c);
  }
  const shape = batched ? [B, H] : [H];
  return kind === "LSTM" ? [result(hs, shape, dtype), result(cs, shape, dtype)] : result(hs, shape, dtype);
}

export default {
  name: "naive-js",
  version: "1.0.0",
  create({ module, config, dtype }) {
    const kind = module.replace("Cell", "");
    const run = module.endsWith("Cell") ? cell : sequence;
    let sd;
    return {
      loadStateDict(stateDict) {
        sd = stateDict;
      },
      forward: (input, state) => run(kind, config, dtype, sd, input, state),
    };
  },
};
