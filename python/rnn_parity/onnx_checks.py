"""Asserts what an ONNX graph claims about itself before onnxruntime's verdict is trusted.

onnxruntime agreeing with torch on one input is strong evidence, but an attribute that happens
not to matter for that input (a clip larger than any value, linear_before_reset on a GRU whose
recurrent bias is zero, a direction attribute misread) would pass it and still ship a graph that
is not torch's module. So every recurrent node is checked against the module: op type, count,
hidden_size, direction, layout, clip, input_forget, peepholes, activations, GRU's
linear_before_reset == 1 (the dynamo exporter once emitted 0: pytorch/pytorch#189225,
microsoft/onnxscript#2852; docs/onnx-exporters.md), sequence_lens present exactly for packed
cases. A decomposed graph must contain no recurrent node at all.
"""

from __future__ import annotations

import onnx
import torch

RECURRENT_OPS = ("RNN", "LSTM", "GRU")
GRAPH_OPS = {"onnx.RNN": "RNN", "onnx.LSTM": "LSTM", "onnx.GRU": "GRU"}
_DEFAULT_ACTIVATIONS = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"]}
_KNOWN = {"hidden_size", "direction", "layout", "activations", "linear_before_reset", "input_forget",
          "clip", "activation_alpha", "activation_beta"}


class GraphAttributeError(ValueError):
    """The graph is not the module it was built from (never a reason to try another exporter)."""


class GraphKindError(ValueError):
    """The graph is not of the kind the plan asked for (the next plan may be tried)."""


def check_graph(model: onnx.ModelProto, graph: str, module: torch.nn.Module, packed: bool) -> None:
    nodes = [n for n in model.graph.node if n.op_type in RECURRENT_OPS]
    if graph == "decomposed":
        if nodes:
            raise GraphKindError(f"asked for a decomposed graph, got {sorted({n.op_type for n in nodes})} nodes")
        return
    op = GRAPH_OPS[graph]
    if any(n.op_type != op for n in nodes) or len(nodes) != module.num_layers:
        raise GraphKindError(f"expected {module.num_layers} {op} node(s), got {[n.op_type for n in nodes]}")
    dirs = 2 if module.bidirectional else 1
    for node in nodes:
        _check_node(node, op, module, dirs, packed)


def _check_node(node: onnx.NodeProto, op: str, module: torch.nn.Module, dirs: int, packed: bool) -> None:
    where = f"{op} node {node.name!r}"
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}

    def fail(what: str) -> None:
        raise GraphAttributeError(f"{where}: {what}")

    unknown = sorted(set(attrs) - _KNOWN)
    if unknown:
        fail(f"unexpected attributes {unknown}")
    if attrs.get("hidden_size") != module.hidden_size:
        fail(f"hidden_size {attrs.get('hidden_size')} != the module's {module.hidden_size}")
    direction = attrs.get("direction", b"forward").decode()
    if direction != ("bidirectional" if dirs == 2 else "forward"):
        fail(f"direction {direction!r} for a module with bidirectional={module.bidirectional}")
    if attrs.get("layout", 0) != 0:
        fail(f"layout {attrs['layout']} (onnxruntime's CPU kernels and this format use layout 0)")
    if "clip" in attrs:
        fail(f"clip {attrs['clip']} (torch does not clip)")
    if "activation_alpha" in attrs or "activation_beta" in attrs:
        fail("activation_alpha/beta set (torch's activations take no parameters)")
    if attrs.get("input_forget", 0) != 0:
        fail("input_forget=1 couples the input and forget gates; torch does not")
    if op == "LSTM" and len(node.input) > 7 and node.input[7]:
        fail("peephole input P is set; torch's LSTM has no peepholes")
    if op == "RNN":
        wanted = [{"tanh": "Tanh", "relu": "Relu"}[module.nonlinearity]] * dirs
    else:
        wanted = _DEFAULT_ACTIVATIONS[op] * dirs
    if "activations" in attrs and [a.decode() for a in attrs["activations"]] != wanted:
        fail(f"activations {[a.decode() for a in attrs['activations']]} != torch's {wanted}")
    if op == "RNN" and "activations" not in attrs and wanted[0] != "Tanh":
        fail("no activations attribute (ONNX's default Tanh) on a relu RNN")
    if op == "GRU" and attrs.get("linear_before_reset", 0) != 1:
        fail(f"linear_before_reset={attrs.get('linear_before_reset', 0)}: ONNX applies the reset gate before the "
             "recurrent product, torch after it (pytorch/pytorch#189225); this graph is not torch's GRU")
    has_lengths = len(node.input) > 4 and node.input[4] != ""
    if has_lengths != packed:
        fail("sequence_lens " + ("missing in a packed case" if packed else "set in a case without lengths"))
