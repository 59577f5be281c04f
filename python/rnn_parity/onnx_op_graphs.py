"""ONNX's LSTM and GRU operators built with onnx.helper from a module's weights (float32 only).

The fallback of the TorchScript exporter for float32 LSTM/GRU, packed or not (onnx_plans.py; no
case needs it today, ``python -m fixturegen.onnx_smoke --all-plans`` keeps it working). One node per
layer, laid out as docs/fixture-format.md ("onnx-rnn-inputs") says: W/R/B with the gates permuted
into ONNX's order, ``sequence_lens`` from the ``lengths`` input for packed cases, GRU
``linear_before_reset=1`` (torch's formula), layout 0 with Transposes for batch_first.
"""

from __future__ import annotations

import torch

from .onnx_graphs import _Builder, _finish_rnn, _suffix, _time_major_inputs

# ONNX block j holds torch gate ONNX_FROM_TORCH[j]: LSTM i, o, f, c <- torch i, f, g, o; GRU z, r, h <- r, z, n.
ONNX_FROM_TORCH = {"LSTM": (0, 3, 1, 2), "GRU": (1, 0, 2)}


def gated_op_graph(module: torch.nn.Module, inputs: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]):
    kind = type(module).__name__
    order = ONNX_FROM_TORCH[kind]
    b = _Builder()
    sd = module.state_dict()
    dirs = 2 if module.bidirectional else 1
    hidden = module.hidden_size
    unbatched = inputs["input"].dim() == 2
    x, hx = _time_major_inputs(b, module, {k: v for k, v in inputs.items() if k != "cx"})
    cx = None
    if "cx" in inputs:
        cx = b.op("Unsqueeze", ["cx", b.ints([1])]) if unbatched else "cx"
    lengths = "lengths" if "lengths" in inputs else ""

    def onnx_gates(t: torch.Tensor) -> torch.Tensor:
        return torch.cat([t[j * hidden:(j + 1) * hidden] for j in order])

    finals_h, finals_c = [], []
    for k in range(module.num_layers):
        def stacked(key: str) -> torch.Tensor:
            return torch.stack([onnx_gates(sd[f"{key}_l{k}{_suffix(d)}"]) for d in range(dirs)])

        w = b.weight(f"W_l{k}", stacked("weight_ih"))
        r = b.weight(f"R_l{k}", stacked("weight_hh"))
        bias = b.weight(f"B_l{k}", torch.cat([stacked("bias_ih"), stacked("bias_hh")], dim=1)) if module.bias else ""

        def layer_slice(state: str | None) -> str:
            return b.op("Slice", [state, b.ints([k * dirs]), b.ints([(k + 1) * dirs]), b.ints([0])]) if state else ""

        attrs = dict(hidden_size=hidden, direction="bidirectional" if dirs == 2 else "forward")
        node_inputs = [x, w, r, bias, lengths, layer_slice(hx)]
        if kind == "LSTM":
            y, y_h, y_c = b.op("LSTM", node_inputs + [layer_slice(cx)], n_out=3, **attrs)
            finals_c.append(y_c)
        else:
            y, y_h = b.op("GRU", node_inputs, n_out=2, linear_before_reset=1, **attrs)
        # Y is [seq, num_directions, batch, hidden]; the next layer reads [seq, batch, dirs*hidden].
        x = b.op("Reshape", [b.op("Transpose", [y], perm=[0, 2, 1, 3]), b.ints([0, 0, -1])])
        finals_h.append(y_h)

    def concat(values: list[str]) -> str:
        return b.op("Concat", values, axis=0) if len(values) > 1 else values[0]

    _finish_rnn(b, module, x, concat(finals_h), unbatched)
    if kind == "LSTM":
        c_n = concat(finals_c)
        b.op("Identity", [b.op("Squeeze", [c_n, b.ints([1])]) if unbatched else c_n], out="c_n")
    return b.model(inputs, expected)
