/**
 * Builds an ONNX model of a torch.nn.RNN, LSTM or GRU from a state dict: one ONNX RNN/LSTM/GRU node
 * per layer, with W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H] = concat(bias_ih, bias_hh) per
 * direction (G gates). ONNX stacks the gates in another order than torch: LSTM i,o,f,c for torch's
 * i,f,g,o, GRU z,r,h for torch's r,z,n, so the gate blocks are permuted here; GRU gets
 * linear_before_reset = 1, which is torch's formula (the reset gate scales W_hn·h + b_hn). The
 * operator's Y is [S, D, N, H]; torch stacks directions on the feature axis, so each layer's Y goes
 * through Transpose(0, 2, 1, 3) and Reshape [0, 0, -1] to [S, N, D*H], the next layer's input and,
 * for the last layer, the graph output "output". Serialised with protobufjs and ONNX's own schema.
 */
import protobuf from "protobufjs";
import { ONNX_SCHEMA } from "../../src/core/onnx/onnx-schema.js";
import { layerSuffix } from "../../src/core/nn/parameters.js";
import { param, type WorkloadData } from "../data.js";
import { gateCount, layerInputSize, numDirections, type BenchModule, type Workload } from "../workloads.js";

/** Opset 17 has every operator used here in its current form (Reshape's shape as an input). */
export const ONNX_OPSET = 17;
const IR_VERSION = 8;

// TensorProto.DataType and AttributeProto.AttributeType codes from onnx.proto.
const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;
const ATTR_STRINGS = 8;

interface TensorInit {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

interface AttributeInit {
  name: string;
  type: number;
  i?: number;
  s?: Uint8Array;
  ints?: number[];
  strings?: Uint8Array[];
}

interface NodeInit {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeInit[];
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** raw_data is little-endian by ONNX's definition; typed arrays are little-endian on every Node platform. */
function floatTensor(name: string, dims: number[], values: Float32Array): TensorInit {
  return { name, dims, data_type: FLOAT, raw_data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

function int64Tensor(name: string, values: number[]): TensorInit {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return { name, dims: [values.length], data_type: INT64, raw_data: new Uint8Array(data.buffer) };
}

/** Concatenates same-shaped per-direction parameters along a new leading axis. */
function stackDirections(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Where ONNX's gate k comes from in torch's stacking: ONNX LSTM i,o,f,c = torch blocks 0,3,1,2;
 * ONNX GRU z,r,h = torch blocks 1,0,2.
 */
const ONNX_GATE_SOURCE: Record<BenchModule, readonly number[]> = { RNN: [0], LSTM: [0, 3, 1, 2], GRU: [1, 0, 2] };

/** A torch parameter with its leading (gates·H) axis re-stacked in ONNX's gate order. */
function onnxGateOrder(module: BenchModule, values: Float32Array, hidden: number): Float32Array {
  const order = ONNX_GATE_SOURCE[module];
  const block = values.length / order.length;
  if (block !== Math.floor(block) || block % hidden !== 0) throw new Error(`bench: a ${module} parameter of ${values.length} values is not ${order.length} gates of ${hidden} rows`);
  const out = new Float32Array(values.length);
  order.forEach((src, k) => out.set(values.subarray(src * block, (src + 1) * block), k * block));
  return out;
}

function valueInfo(name: string, shape: number[], elemType = FLOAT): object {
  return {
    name,
    type: { tensor_type: { elem_type: elemType, shape: { dim: shape.map((d) => ({ dim_value: d })) } } },
  };
}

/** RNN's activation is spelled out (its default is Tanh anyway); LSTM's and GRU's defaults are torch's. */
function operatorAttributes(module: BenchModule, directions: number): AttributeInit[] {
  if (module === "RNN") return [{ name: "activations", type: ATTR_STRINGS, strings: Array.from({ length: directions }, () => utf8("Tanh")) }];
  if (module === "GRU") return [{ name: "linear_before_reset", type: ATTR_INT, i: 1 }];
  return [];
}

/** The model as a protobufjs-ready plain object (field names as in onnx.proto). */
export function buildRnnModelObject(w: Workload, data: WorkloadData): object {
  const D = numDirections(w);
  const H = w.hiddenSize;
  const G = gateCount(w.module) * H;
  const gates = (key: string): Float32Array => onnxGateOrder(w.module, param(data, key), H);
  const initializer: TensorInit[] = [int64Tensor("merge_directions_shape", [0, 0, -1])];
  const node: NodeInit[] = [];
  let x = "input";
  for (let layer = 0; layer < w.numLayers; layer++) {
    const inSize = layerInputSize(w, layer);
    const dirs = Array.from({ length: D }, (_, d) => layerSuffix(layer, d));
    initializer.push(
      floatTensor(`W_l${layer}`, [D, G, inSize], stackDirections(dirs.map((s) => gates(`weight_ih${s}`)))),
      floatTensor(`R_l${layer}`, [D, G, H], stackDirections(dirs.map((s) => gates(`weight_hh${s}`)))),
      floatTensor(
        `B_l${layer}`,
        [D, 2 * G],
        stackDirections(dirs.flatMap((s) => [gates(`bias_ih${s}`), gates(`bias_hh${s}`)])),
      ),
    );
    const y = `Y_l${layer}`;
    const out = layer === w.numLayers - 1 ? "output" : `X_l${layer + 1}`;
    node.push(
      {
        name: `${w.module.toLowerCase()}_l${layer}`,
        op_type: w.module,
        // A padded batch passes its lengths to every layer (ONNX's sequence_lens, int32 [N]): the
        // operator then stops each sequence at its length, starts its reverse direction there and
        // writes zeros past it, which is what pad_packed_sequence returns.
        input: [x, `W_l${layer}`, `R_l${layer}`, `B_l${layer}`, ...(w.lengths === null ? [] : ["lengths"])],
        output: [y],
        attribute: [
          { name: "hidden_size", type: ATTR_INT, i: H },
          { name: "direction", type: ATTR_STRING, s: utf8(w.bidirectional ? "bidirectional" : "forward") },
          ...operatorAttributes(w.module, D),
        ],
      },
      { name: `transpose_l${layer}`, op_type: "Transpose", input: [y], output: [`${y}_t`], attribute: [{ name: "perm", type: ATTR_INTS, ints: [0, 2, 1, 3] }] },
      { name: `reshape_l${layer}`, op_type: "Reshape", input: [`${y}_t`, "merge_directions_shape"], output: [out], attribute: [] },
    );
    x = out;
  }
  return {
    ir_version: IR_VERSION,
    producer_name: "rnn-parity-bench",
    opset_import: [{ domain: "", version: ONNX_OPSET }],
    graph: {
      name: w.module.toLowerCase(),
      node,
      initializer,
      input: [
        valueInfo("input", [w.seqLen, w.batch, w.inputSize]),
        ...(w.lengths === null ? [] : [valueInfo("lengths", [w.batch], INT32)]),
      ],
      output: [valueInfo("output", [w.seqLen, w.batch, D * H])],
    },
  };
}

let modelType: protobuf.Type | undefined;

/** Serialised ModelProto bytes; fromObject checks every field against ONNX's schema before encoding. */
export function buildRnnModel(w: Workload, data: WorkloadData): Uint8Array {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA).lookupType("onnx.ModelProto");
  const obj = buildRnnModelObject(w, data);
  const invalid = modelType.verify(obj);
  if (invalid !== null) throw new Error(`bench: the ONNX model does not fit onnx.proto: ${invalid}`);
  return modelType.encode(modelType.fromObject(obj)).finish();
}
