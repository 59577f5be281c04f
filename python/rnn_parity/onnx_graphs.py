"""ONNX graphs built with onnx.helper from a module's PyTorch weights.

Used only when torch.onnx cannot export a case, or onnxruntime cannot run what it exported
(onnx_export.py decides). Two graph kinds, matching what torch.onnx itself produces:

* ``rnn_op_graph``: ONNX's RNN operator, one node per layer, weights as the node's W/R/B inputs
  (the layout documented in docs/fixture-format.md, "ONNX models").
* ``decomposed_graph``: Gemm/Add/Tanh|Relu unrolled over time, weights as initializers under
  torch's state_dict names. onnxruntime registers its CPU RNN kernel for float only, so this is
  the kind that runs in float64.

Shapes are static (those of the case's inputs): the graphs are oracles for one fixture, not
general-purpose models.
"""

from __future__ import annotations

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

OPSET = 20
_ELEM = {torch.float32: TensorProto.FLOAT, torch.float64: TensorProto.DOUBLE, torch.int32: TensorProto.INT32}
_ACTIVATION = {"tanh": ("Tanh", "Tanh"), "relu": ("Relu", "Relu")}  # (ONNX op, RNN activation)


class _Builder:
    """Collects nodes with deterministic, sequential value names."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0

    def op(self, op_type: str, inputs: list[str], n_out: int = 1, out: str | None = None, **attrs):
        outputs = []
        for _ in range(n_out):
            self._count += 1
            outputs.append(f"{op_type.lower()}_{self._count}")
        if out is not None:
            outputs[0] = out
        self.nodes.append(helper.make_node(op_type, inputs, outputs, name=f"n{len(self.nodes)}", **attrs))
        return outputs[0] if n_out == 1 else outputs

    def ints(self, values: list[int]) -> str:
        return self.op("Constant", [], value=numpy_helper.from_array(np.array(values, dtype=np.int64)))

    def scalar_index(self, value: int) -> str:
        return self.op("Constant", [], value=numpy_helper.from_array(np.array(value, dtype=np.int64)))

    def zeros(self, shape: list[int], dtype: torch.dtype) -> str:
        array = np.zeros(shape, dtype=torch.empty((), dtype=dtype).numpy().dtype)
        return self.op("Constant", [], value=numpy_helper.from_array(array))

    def weight(self, name: str, tensor: torch.Tensor) -> str:
        self.initializers.append(numpy_helper.from_array(tensor.detach().cpu().numpy(), name))
        return name

    def model(self, inputs: dict[str, torch.Tensor], outputs: dict[str, torch.Tensor]) -> onnx.ModelProto:
        def info(name: str, t: torch.Tensor) -> onnx.ValueInfoProto:
            return helper.make_tensor_value_info(name, _ELEM[t.dtype], list(t.shape))

        graph = helper.make_graph(
            self.nodes,
            "main_graph",
            [info(k, v) for k, v in inputs.items()],
            [info(k, v) for k, v in outputs.items()],
            self.initializers,
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="rnn-parity")
        model.ir_version = 10
        onnx.checker.check_model(model, full_check=True)
        return model


def _suffix(direction: int) -> str:
    return "_reverse" if direction == 1 else ""


def _time_major_inputs(b: _Builder, module: torch.nn.RNN, inputs: dict[str, torch.Tensor]) -> tuple[str, str | None]:
    """The graph's `input` and optional `hx` as batched, time-major values: [seq, batch, input] and
    [layers*dirs, batch, hidden]. Unbatched input gets a batch of one; batch_first is transposed
    (onnxruntime's CPU RNN kernel rejects layout=1, and the decomposed graph indexes time on axis 0)."""
    x, hx = "input", "hx" if "hx" in inputs else None
    if inputs["input"].dim() == 2:
        x = b.op("Unsqueeze", [x, b.ints([1])])
        hx = hx and b.op("Unsqueeze", [hx, b.ints([1])])
    elif module.batch_first:
        x = b.op("Transpose", [x], perm=[1, 0, 2])
    return x, hx


def rnn_op_graph(module: torch.nn.RNN, inputs: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]):
    """nn.RNN as one ONNX RNN node per layer (layout 0, batch-first handled by Transpose)."""
    b = _Builder()
    sd = module.state_dict()
    dirs = 2 if module.bidirectional else 1
    unbatched = inputs["input"].dim() == 2
    x, hx = _time_major_inputs(b, module, inputs)
    finals = []
    for k in range(module.num_layers):
        def stacked(kind: str) -> torch.Tensor:
            return torch.stack([sd[f"{kind}_l{k}{_suffix(d)}"] for d in range(dirs)])

        w = b.weight(f"W_l{k}", stacked("weight_ih"))
        r = b.weight(f"R_l{k}", stacked("weight_hh"))
        bias = b.weight(f"B_l{k}", torch.cat([stacked("bias_ih"), stacked("bias_hh")], dim=1)) if module.bias else ""
        h0 = b.op("Slice", [hx, b.ints([k * dirs]), b.ints([(k + 1) * dirs]), b.ints([0])]) if hx else ""
        y, y_h = b.op(
            "RNN", [x, w, r, bias, "", h0], n_out=2, hidden_size=module.hidden_size,
            direction="bidirectional" if dirs == 2 else "forward",
            activations=[_ACTIVATION[module.nonlinearity][1]] * dirs,
        )
        # Y is [seq, num_directions, batch, hidden]; torch's layer output is [seq, batch, dirs*hidden].
        x = b.op("Reshape", [b.op("Transpose", [y], perm=[0, 2, 1, 3]), b.ints([0, 0, -1])])
        finals.append(y_h)
    h_n = b.op("Concat", finals, axis=0) if len(finals) > 1 else finals[0]
    _finish_rnn(b, module, x, h_n, unbatched)
    return b.model(inputs, expected)


def decomposed_graph(module: torch.nn.Module, inputs: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]):
    """nn.RNN or nn.RNNCell as Gemm/Add/activation, weights as initializers under torch's names."""
    b = _Builder()
    for name, tensor in module.state_dict().items():
        b.weight(name, tensor)
    if isinstance(module, torch.nn.RNNCell):
        _cell_body(b, module, inputs)
    else:
        _rnn_body(b, module, inputs)
    return b.model(inputs, expected)


def _step(b: _Builder, module: torch.nn.Module, x: str, h: str, suffix: str) -> str:
    """h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), the update of torch's RNN docs."""
    def gemm(inp: str, kind: str) -> str:
        args = [inp, f"weight_{kind}{suffix}"] + ([f"bias_{kind}{suffix}"] if module.bias else [])
        return b.op("Gemm", args, transB=1)

    return b.op(_ACTIVATION[module.nonlinearity][0], [b.op("Add", [gemm(x, "ih"), gemm(h, "hh")])])


def _cell_body(b: _Builder, module: torch.nn.RNNCell, inputs: dict[str, torch.Tensor]) -> None:
    x_t = inputs["input"]
    unbatched = x_t.dim() == 1
    x = b.op("Unsqueeze", ["input", b.ints([0])]) if unbatched else "input"
    batch = 1 if unbatched else x_t.shape[0]
    if "hx" in inputs:
        h = b.op("Unsqueeze", ["hx", b.ints([0])]) if unbatched else "hx"
    else:
        h = b.zeros([batch, module.hidden_size], x_t.dtype)
    h_new = _step(b, module, x, h, "")
    if unbatched:
        h_new = b.op("Squeeze", [h_new, b.ints([0])])
    b.op("Identity", [h_new], out="h_prime")


def _rnn_body(b: _Builder, module: torch.nn.RNN, inputs: dict[str, torch.Tensor]) -> None:
    x_t = inputs["input"]
    unbatched = x_t.dim() == 2
    dirs = 2 if module.bidirectional else 1
    x, hx = _time_major_inputs(b, module, inputs)
    seq = x_t.shape[0] if unbatched or not module.batch_first else x_t.shape[1]
    batch = 1 if unbatched else x_t.shape[0 if module.batch_first else 1]
    steps = [b.op("Gather", [x, b.scalar_index(t)], axis=0) for t in range(seq)]  # each [batch, input]
    finals = []
    for k in range(module.num_layers):
        per_dir = []
        for d in range(dirs):
            index = k * dirs + d
            h = b.op("Gather", [hx, b.scalar_index(index)], axis=0) if hx else b.zeros([batch, module.hidden_size], x_t.dtype)
            outs: list[str] = [""] * seq
            for t in (range(seq) if d == 0 else reversed(range(seq))):
                h = _step(b, module, steps[t], h, f"_l{k}{_suffix(d)}")
                outs[t] = h
            per_dir.append(outs)
            finals.append(h)
        steps = [b.op("Concat", [o[t] for o in per_dir], axis=1) if dirs == 2 else per_dir[0][t] for t in range(seq)]
    output = b.op("Concat", [b.op("Unsqueeze", [s, b.ints([0])]) for s in steps], axis=0)
    h_n = b.op("Concat", [b.op("Unsqueeze", [h, b.ints([0])]) for h in finals], axis=0)
    _finish_rnn(b, module, output, h_n, unbatched)


def _finish_rnn(b: _Builder, module: torch.nn.RNN, output: str, h_n: str, unbatched: bool) -> None:
    """From [seq, batch, ...] back to torch's layout, named like the fixture's outputs."""
    if unbatched:
        output = b.op("Squeeze", [output, b.ints([1])])
        h_n = b.op("Squeeze", [h_n, b.ints([1])])
    elif module.batch_first:
        output = b.op("Transpose", [output], perm=[1, 0, 2])
    b.op("Identity", [output], out="output")
    b.op("Identity", [h_n], out="h_n")
