"""Decomposed ONNX graphs for LSTM, GRU (and packed RNN) and their cells, built with onnx.helper.

Used where no torch exporter gives a graph onnxruntime can run and verify: float64 LSTM/GRU
(onnxruntime's CPU LSTM/GRU kernels are float-only), LSTM with proj_size (torch refuses to export
it, and ONNX's LSTM has no projection), float64 packed cases. The arithmetic is written from torch's
documented update rules, so onnxruntime computes them independently of torch's kernels:

    LSTM   gates = x W_ih^T + b_ih + h W_hh^T + b_hh, split i, f, g, o
           c' = sigmoid(f) c + sigmoid(i) tanh(g);  h' = sigmoid(o) tanh(c')  [then h' W_hr^T]
    GRU    r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr);  z likewise
           n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn));  h' = (h - n) z + n
    RNN    h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)

Weights are initializers under the state_dict's names, untransposed (Gemm transB=1). Packed cases
take ``lengths`` (int32, the caller's batch order) and mask each step: a sequence's state is held
(Where) once t >= its length, its output rows are zeros there, and the reverse direction, run from
the padded end, only starts changing at the sequence's own last step. Masking needs no sorting,
so hx and h_n stay in the caller's order, as torch returns them.
"""

from __future__ import annotations

import torch

from .onnx_graphs import _ACTIVATION, _Builder, _finish_rnn, _suffix, _time_major_inputs

_GATES = {"LSTM": 4, "GRU": 3, "RNN": 1, "LSTMCell": 4, "GRUCell": 3}


def decomposed_sequence_graph(module: torch.nn.Module, inputs: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]):
    """nn.LSTM / nn.GRU / nn.RNN unrolled over time (``lengths`` in inputs: masked, packed)."""
    b = _Builder()
    for name, tensor in module.state_dict().items():
        b.weight(name, tensor)
    kind = type(module).__name__
    x_t = inputs["input"]
    unbatched = x_t.dim() == 2
    dirs = 2 if module.bidirectional else 1
    proj = getattr(module, "proj_size", 0)
    h_size = proj or module.hidden_size
    graph_inputs = {k: v for k, v in inputs.items() if k != "cx"}
    x, hx = _time_major_inputs(b, module, graph_inputs)
    cx = None
    if "cx" in inputs:
        cx = b.op("Unsqueeze", ["cx", b.ints([1])]) if unbatched else "cx"
    seq = x_t.shape[0] if unbatched or not module.batch_first else x_t.shape[1]
    batch = 1 if unbatched else x_t.shape[0 if module.batch_first else 1]
    masks = _masks(b, seq) if "lengths" in inputs else None
    steps = [b.op("Gather", [x, b.scalar_index(t)], axis=0) for t in range(seq)]
    zeros_out = b.zeros([batch, h_size], x_t.dtype) if masks else None
    finals_h, finals_c = [], []
    for k in range(module.num_layers):
        per_dir = []
        for d in range(dirs):
            index, sfx = k * dirs + d, f"_l{k}{_suffix(d)}"
            h = b.op("Gather", [hx, b.scalar_index(index)], axis=0) if hx else b.zeros([batch, h_size], x_t.dtype)
            c = None
            if kind == "LSTM":
                c = b.op("Gather", [cx, b.scalar_index(index)], axis=0) if cx else b.zeros([batch, module.hidden_size], x_t.dtype)
            outs: list[str] = [""] * seq
            for t in (range(seq) if d == 0 else reversed(range(seq))):
                h_new, c_new = _cell(b, kind, module, steps[t], h, c, sfx)
                if masks:
                    outs[t] = b.op("Where", [masks[t], h_new, zeros_out])
                    h = b.op("Where", [masks[t], h_new, h])
                    c = b.op("Where", [masks[t], c_new, c]) if c else None
                else:
                    outs[t], h, c = h_new, h_new, c_new
            per_dir.append(outs)
            finals_h.append(h)
            finals_c.append(c)
        steps = [b.op("Concat", [o[t] for o in per_dir], axis=1) if dirs == 2 else per_dir[0][t] for t in range(seq)]
    output = b.op("Concat", [b.op("Unsqueeze", [s, b.ints([0])]) for s in steps], axis=0)

    def stack(finals: list[str]) -> str:
        return b.op("Concat", [b.op("Unsqueeze", [v, b.ints([0])]) for v in finals], axis=0)

    _finish_rnn(b, module, output, stack(finals_h), unbatched)
    if kind == "LSTM":
        c_n = stack(finals_c)
        b.op("Identity", [b.op("Squeeze", [c_n, b.ints([1])]) if unbatched else c_n], out="c_n")
    return b.model(inputs, expected)


def decomposed_cell_graph(module: torch.nn.Module, inputs: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]):
    """nn.LSTMCell / nn.GRUCell as one step."""
    b = _Builder()
    for name, tensor in module.state_dict().items():
        b.weight(name, tensor)
    kind = type(module).__name__
    x_t = inputs["input"]
    unbatched = x_t.dim() == 1
    batch = 1 if unbatched else x_t.shape[0]

    def batched(name: str) -> str:
        return b.op("Unsqueeze", [name, b.ints([0])]) if unbatched else name

    x = batched("input")
    h = batched("hx") if "hx" in inputs else b.zeros([batch, module.hidden_size], x_t.dtype)
    c = None
    if kind == "LSTMCell":
        c = batched("cx") if "cx" in inputs else b.zeros([batch, module.hidden_size], x_t.dtype)
    h1, c1 = _cell(b, kind, module, x, h, c, "")
    for value, name in ((h1, "h1"), (c1, "c1")):
        if value is not None:
            b.op("Identity", [b.op("Squeeze", [value, b.ints([0])]) if unbatched else value], out=name)
    return b.model(inputs, expected)


def _masks(b: _Builder, seq: int) -> list[str]:
    """mask[t] = (t < lengths) as [batch, 1] booleans."""
    import numpy as np  # noqa: PLC0415
    from onnx import numpy_helper  # noqa: PLC0415

    out = []
    for t in range(seq):
        step = b.op("Constant", [], value=numpy_helper.from_array(np.array(t, dtype=np.int32)))
        out.append(b.op("Unsqueeze", [b.op("Less", [step, "lengths"]), b.ints([1])]))
    return out


def _gemm(b: _Builder, module: torch.nn.Module, inp: str, kind: str, sfx: str) -> str:
    args = [inp, f"weight_{kind}{sfx}"] + ([f"bias_{kind}{sfx}"] if module.bias else [])
    return b.op("Gemm", args, transB=1)


def _cell(b: _Builder, kind: str, module: torch.nn.Module, x: str, h: str, c: str | None, sfx: str) -> tuple[str, str | None]:
    """One step of the module's update rule; returns (h', c') (c' None but for LSTM)."""
    if kind == "RNN":
        act = _ACTIVATION[module.nonlinearity][0]
        return b.op(act, [b.op("Add", [_gemm(b, module, x, "ih", sfx), _gemm(b, module, h, "hh", sfx)])]), None
    n = _GATES[kind]
    gi = b.op("Split", [_gemm(b, module, x, "ih", sfx)], n_out=n, axis=1, num_outputs=n)
    gh = b.op("Split", [_gemm(b, module, h, "hh", sfx)], n_out=n, axis=1, num_outputs=n)
    if kind in ("LSTM", "LSTMCell"):
        i, f, g, o = (b.op("Add", [gi[j], gh[j]]) for j in range(4))
        c_new = b.op("Add", [b.op("Mul", [b.op("Sigmoid", [f]), c]), b.op("Mul", [b.op("Sigmoid", [i]), b.op("Tanh", [g])])])
        h_new = b.op("Mul", [b.op("Sigmoid", [o]), b.op("Tanh", [c_new])])
        if getattr(module, "proj_size", 0):
            h_new = b.op("Gemm", [h_new, f"weight_hr{sfx}"], transB=1)
        return h_new, c_new
    r = b.op("Sigmoid", [b.op("Add", [gi[0], gh[0]])])
    z = b.op("Sigmoid", [b.op("Add", [gi[1], gh[1]])])
    new = b.op("Tanh", [b.op("Add", [gi[2], b.op("Mul", [r, gh[2]])])])
    return b.op("Add", [b.op("Mul", [b.op("Sub", [h, new]), z]), new]), None
