"""Reads a recurrent module's state_dict back out of an ONNX graph.

This is the Python statement of the rules in docs/fixture-format.md ("ONNX models"), which the
TypeScript loader implements too. onnx_export.py runs it on every graph it writes and requires
the result to equal ``module.state_dict()`` bit for bit, so the documented rules cannot drift
from what the generator actually emits.
"""

from __future__ import annotations

import re

import onnx
import torch
from onnx import numpy_helper

_TORCH_KEY = re.compile(r"^(weight|bias)_(ih|hh|hr)(_l\d+(_reverse)?)?$")
_RECURRENT_OPS = ("RNN", "LSTM", "GRU")
# ONNX stacks gates in its own order; entry j is the ONNX block that holds torch's gate j.
# LSTM: torch i, f, g, o; ONNX i, o, f, c.  GRU: torch r, z, n; ONNX z, r, h.
TORCH_GATE_FROM_ONNX = {"RNN": (0,), "LSTM": (0, 2, 3, 1), "GRU": (1, 0, 2)}


class OnnxWeightsError(ValueError):
    pass


def state_dict_from_onnx(model: onnx.ModelProto) -> dict[str, torch.Tensor]:
    initializers = {t.name: t for t in model.graph.initializer}
    rnn_nodes = [n for n in model.graph.node if n.op_type in _RECURRENT_OPS and n.domain in ("", "ai.onnx")]
    if rnn_nodes:
        return _from_rnn_nodes(rnn_nodes, initializers)
    return {
        name: torch.from_numpy(numpy_helper.to_array(t).copy())
        for name, t in initializers.items()
        if _TORCH_KEY.match(name)
    }


def _from_rnn_nodes(nodes: list[onnx.NodeProto], initializers: dict[str, onnx.TensorProto]) -> dict[str, torch.Tensor]:
    def tensor(node: onnx.NodeProto, slot: int, what: str) -> torch.Tensor | None:
        name = node.input[slot] if len(node.input) > slot else ""
        if name == "":
            return None
        if name not in initializers:
            raise OnnxWeightsError(f"RNN node {node.name!r}: input {what} ({name!r}) is not an initializer")
        return torch.from_numpy(numpy_helper.to_array(initializers[name]).copy())

    sd: dict[str, torch.Tensor] = {}
    for k, node in enumerate(nodes):
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        direction = attrs.get("direction", b"forward").decode()
        if direction not in ("forward", "bidirectional"):
            raise OnnxWeightsError(f"{node.op_type} node {node.name!r}: direction {direction!r} has no torch equivalent")
        hidden = attrs["hidden_size"]
        order = TORCH_GATE_FROM_ONNX[node.op_type]
        gates = len(order)
        w, r, b = tensor(node, 1, "W"), tensor(node, 2, "R"), tensor(node, 3, "B")
        if w is None or r is None:
            raise OnnxWeightsError(f"{node.op_type} node {node.name!r}: W and R are required")
        dirs = 2 if direction == "bidirectional" else 1
        if (w.shape[:2] != (dirs, gates * hidden) or r.shape != (dirs, gates * hidden, hidden)
                or (b is not None and b.shape != (dirs, 2 * gates * hidden))):
            raise OnnxWeightsError(f"{node.op_type} node {node.name!r}: W/R/B shapes do not match direction {direction!r}")

        def torch_gates(t: torch.Tensor) -> torch.Tensor:
            """[gates*H, ...] in ONNX's gate order -> the same rows in torch's."""
            return torch.cat([t[j * hidden:(j + 1) * hidden] for j in order])

        for d in range(dirs):
            suffix = f"_l{k}" + ("_reverse" if d == 1 else "")
            sd[f"weight_ih{suffix}"] = torch_gates(w[d]).clone()
            sd[f"weight_hh{suffix}"] = torch_gates(r[d]).clone()
            if b is not None:
                sd[f"bias_ih{suffix}"] = torch_gates(b[d, :gates * hidden]).clone()
                sd[f"bias_hh{suffix}"] = torch_gates(b[d, gates * hidden:]).clone()
    return sd


def assert_same_state_dict(actual: dict[str, torch.Tensor], expected: dict[str, torch.Tensor], where: str) -> None:
    """Bit-for-bit equality: same keys, dtypes, shapes and IEEE 754 bit patterns."""
    if sorted(actual) != sorted(expected):
        raise OnnxWeightsError(f"{where}: weights in the ONNX graph {sorted(actual)} != state_dict keys {sorted(expected)}")
    for key, want in expected.items():
        got = actual[key]
        if got.dtype != want.dtype or got.shape != want.shape:
            raise OnnxWeightsError(f"{where}: {key} is {got.dtype}{list(got.shape)}, state_dict has {want.dtype}{list(want.shape)}")
        bits = torch.int32 if want.dtype == torch.float32 else torch.int64
        if not torch.equal(got.contiguous().view(bits), want.detach().contiguous().view(bits)):
            raise OnnxWeightsError(f"{where}: {key} differs from the state_dict")
