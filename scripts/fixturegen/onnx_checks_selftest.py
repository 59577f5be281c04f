"""Proves onnx_checks refuses every attribute it claims to check, before any graph is trusted.

Run by the generator before its first case (so ``npm run fixtures`` and ``--verify`` both prove
it), and standalone: ``python -m fixturegen.onnx_checks_selftest``. It exports one small GRU and
one small LSTM with the TorchScript exporter, asserts the unmodified graphs pass, then applies one
realistic export bug at a time (GRU linear_before_reset=0 as pytorch/pytorch#189225, a clip, a
coupled input/forget gate, peepholes, a wrong hidden_size or direction, layout=1, ONNX's other
activations, sequence_lens where it does not belong or missing where it does, an operator node in a
graph that should be decomposed) and requires each to be refused.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable

import onnx
import torch
from onnx import helper

from rnn_parity.onnx_checks import GraphAttributeError, GraphKindError, check_graph
from rnn_parity.onnx_plans import TORCHSCRIPT
from rnn_parity.onnx_torch import torch_export

Mutation = Callable[[onnx.ModelProto, onnx.NodeProto], None]


def _set(name: str, value) -> Mutation:
    def mutate(_model: onnx.ModelProto, node: onnx.NodeProto) -> None:
        for i, a in enumerate(node.attribute):
            if a.name == name:
                del node.attribute[i]
                break
        node.attribute.append(helper.make_attribute(name, value))
    return mutate


def _drop(name: str) -> Mutation:
    def mutate(_model: onnx.ModelProto, node: onnx.NodeProto) -> None:
        for i, a in enumerate(node.attribute):
            if a.name == name:
                del node.attribute[i]
                return
    return mutate


def _input(slot: int, value: str) -> Mutation:
    def mutate(_model: onnx.ModelProto, node: onnx.NodeProto) -> None:
        while len(node.input) <= slot:
            node.input.append("")
        node.input[slot] = value
    return mutate


def _export(module: torch.nn.Module, state: list[str], outputs: list[str]) -> onnx.ModelProto:
    torch.manual_seed(0)
    inputs = {"input": torch.randn(4, 2, 3)}
    dirs = 2 if module.bidirectional else 1
    for name in state:
        inputs[name] = torch.randn(dirs * module.num_layers, 2, module.hidden_size)
    return torch_export(TORCHSCRIPT, module, inputs, outputs, None)


def run() -> int:
    """Returns how many mutations were refused; raises AssertionError if one is not."""
    gru = torch.nn.GRU(3, 5, bidirectional=True).eval()
    lstm = torch.nn.LSTM(3, 5, num_layers=2).eval()
    graphs = {
        "GRU": (gru, "onnx.GRU", _export(gru, ["hx"], ["output", "h_n"])),
        "LSTM": (lstm, "onnx.LSTM", _export(lstm, ["hx", "cx"], ["output", "h_n", "c_n"])),
    }
    mutations: list[tuple[str, str, Mutation]] = [
        ("GRU", "linear_before_reset=0 (pytorch/pytorch#189225)", _set("linear_before_reset", 0)),
        ("GRU", "no linear_before_reset (ONNX's default 0)", _drop("linear_before_reset")),
        ("GRU", "direction forward on a bidirectional module", _set("direction", "forward")),
        ("GRU", "activations Tanh, Tanh", _set("activations", ["Tanh", "Tanh", "Tanh", "Tanh"])),
        ("LSTM", "clip", _set("clip", 50.0)),
        ("LSTM", "input_forget=1", _set("input_forget", 1)),
        ("LSTM", "peepholes", _input(7, "P")),
        ("LSTM", "hidden_size of a projection", _set("hidden_size", 3)),
        ("LSTM", "layout=1", _set("layout", 1)),
        ("LSTM", "activation_alpha", _set("activation_alpha", [1.0])),
        ("LSTM", "sequence_lens on an unpacked case", _input(4, "lengths")),
    ]
    for kind, (module, graph, model) in graphs.items():
        check_graph(model, graph, module, packed=False)  # the unmodified export is accepted
    refused = 0
    for kind, what, mutate in mutations:
        module, graph, model = graphs[kind]
        changed = copy.deepcopy(model)
        mutate(changed, next(n for n in changed.graph.node if n.op_type == kind))
        try:
            check_graph(changed, graph, module, packed=False)
        except GraphAttributeError:
            refused += 1
            continue
        raise AssertionError(f"onnx_checks accepted a {kind} graph with {what}")
    module, graph, model = graphs["LSTM"]
    for label, call in (("a packed case without sequence_lens", lambda: check_graph(model, graph, module, packed=True)),
                        ("an LSTM node in a graph meant to be decomposed", lambda: check_graph(model, "decomposed", module, False))):
        try:
            call()
        except (GraphAttributeError, GraphKindError):
            refused += 1
            continue
        raise AssertionError(f"onnx_checks accepted {label}")
    return refused


def main() -> int:
    torch.set_num_threads(1)
    print(f"onnx_checks refused all {run()} broken graphs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
