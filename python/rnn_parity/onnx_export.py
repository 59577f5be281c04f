"""Exports one fixture case to ONNX and proves onnxruntime reproduces PyTorch on it.

Path per case (measured on torch 2.13.0, onnx 1.23.2, onnxscript 0.7.2, onnxruntime 1.31.1; the
reasons are in docs/onnx-exporters.md and each manifest entry's ``note``):

* float32 RNN, LSTM (proj_size 0), GRU, packed or not -> TorchScript exporter (``dynamo=False``):
  the path that emits ONNX's RNN/LSTM/GRU operators (with ``sequence_lens`` for packed cases).
* float64 RNN -> dynamo exporter, decomposed (onnxruntime's CPU RNN kernel is float-only).
* float64 LSTM/GRU, any LSTM with proj_size, float64 packed cases -> decomposed graph built with
  onnx.helper (onnx_decomposed.py): both torch paths emit the LSTM/GRU operator, which onnxruntime
  cannot run in double, and torch refuses (TorchScript) or silently mis-exports (dynamo) proj_size.
* RNNCell, LSTMCell, GRUCell -> dynamo exporter with ``optimize=False`` (no ONNX cell operator).

Every graph's recurrent nodes are checked against the module (onnx_checks.py) before it runs. If a
path cannot export the case, builds a graph of another kind, or onnxruntime cannot run it, the next
plan is tried and the returned fields say so. A graph that runs but disagrees with PyTorch, or whose
attributes are not the module's, is an error, never a reason to fall back.
"""

from __future__ import annotations

import logging
import os
import pathlib
from typing import Any, Protocol

import numpy as np
import onnx
import onnxruntime as ort
import torch

# The dynamo exporter warns once per torchvision op that torchvision is absent; these models use none.
logging.getLogger("torch.onnx._internal.exporter._registration").setLevel(logging.ERROR)

from .errors import OnnxExportError
from .onnx_checks import GraphAttributeError, check_graph
from .onnx_decomposed import decomposed_cell_graph, decomposed_sequence_graph
from .onnx_graphs import OPSET, decomposed_graph, rnn_op_graph
from .onnx_op_graphs import gated_op_graph
from .onnx_plans import DYNAMO, HELPER, TORCHSCRIPT, plans_for  # noqa: F401 - DYNAMO/TORCHSCRIPT re-exported
from .onnx_torch import torch_export
from .onnx_weights import assert_same_state_dict, state_dict_from_onnx

ONNX_OUTPUTS = ("output", "h_n", "c_n", "h_prime", "h1", "c1")


class NamedCase(Protocol):
    """What the exporter needs of a case (fixturegen.cases.Case has it; packed/enforce_sorted are
    read with getattr, so a bare namespace with a name is an ordinary case)."""

    @property
    def name(self) -> str: ...


def export_case(
    module: torch.nn.Module,
    case: NamedCase,
    inputs: dict[str, torch.Tensor],
    expected: dict[str, torch.Tensor],
    out_path: pathlib.Path,
) -> dict[str, Any]:
    """Writes ``out_path`` and returns the manifest's onnx fields (without file/sha256).

    ``inputs``/``expected`` are the fixture's; the graph takes ``lengths`` as int32 (ONNX's
    sequence_lens type) and produces only the outputs ONNX can (no PackedSequence parts).
    """
    name = case.name
    module.eval()
    packed = "lengths" in inputs
    inputs = {k: (v.to(torch.int32) if k == "lengths" else v) for k, v in inputs.items()}
    expected = {k: v for k, v in expected.items() if k in ONNX_OUTPUTS}
    plans, why = plans_for(module, packed)

    failures: list[str] = []
    for exporter, graph in plans:
        try:
            model = _build(exporter, graph, module, inputs, expected, getattr(case, "enforce_sorted", None))
            _normalize(model)
            check_graph(model, graph, module, packed)
            data = model.SerializeToString()
            actual = _run(data, inputs, expected)
        except (OnnxExportError, GraphAttributeError) as error:
            raise OnnxExportError(f"{name}: {exporter} ({graph}): {error}") from None
        except Exception as error:  # noqa: BLE001 - any export/runtime failure moves to the next plan
            failures.append(f"{exporter} ({graph}): {type(error).__name__}: {_first_line(error)}")
            continue
        _check_outputs(name, exporter, actual, expected)
        assert_same_state_dict(state_dict_from_onnx(model), module.state_dict(), f"{name} ({exporter})")
        _write_atomically(out_path, data)
        fields: dict[str, Any] = {"exporter": exporter, "opset": OPSET, "graph": graph,
                                  "weights": "torch-initializers" if graph == "decomposed" else "onnx-rnn-inputs"}
        notes = ([why] if why else []) + (["fallback after: " + "; ".join(failures)] if failures else [])
        if notes:
            fields["note"] = " ".join(notes)
        return fields
    raise OnnxExportError(f"{name}: no ONNX model could be built: " + "; ".join(failures))


def _build(
    exporter: str,
    graph: str,
    module: torch.nn.Module,
    inputs: dict[str, torch.Tensor],
    expected: dict[str, torch.Tensor],
    enforce_sorted: bool | None,
) -> onnx.ModelProto:
    if exporter != HELPER:
        return torch_export(exporter, module, inputs, list(expected), enforce_sorted)
    if graph == "onnx.RNN":
        return rnn_op_graph(module, inputs, expected)
    if graph in ("onnx.LSTM", "onnx.GRU"):
        return gated_op_graph(module, inputs, expected)
    if isinstance(module, (torch.nn.LSTMCell, torch.nn.GRUCell)):
        return decomposed_cell_graph(module, inputs, expected)
    if isinstance(module, (torch.nn.LSTM, torch.nn.GRU)) or "lengths" in inputs:
        return decomposed_sequence_graph(module, inputs, expected)
    return decomposed_graph(module, inputs, expected)


def _normalize(model: onnx.ModelProto) -> None:
    """Drops what is not the computation: doc strings and metadata (dynamo's carry stack traces with
    absolute paths), so the same case always serializes to the same bytes."""
    model.doc_string = ""
    del model.metadata_props[:]
    if model.functions or any(n.domain not in ("", "ai.onnx") for n in model.graph.node):
        raise ValueError("graph uses local functions or a non-default domain")
    graphs = [model.graph] + [a.g for n in model.graph.node for a in n.attribute if a.HasField("g")]
    for graph in graphs:
        graph.doc_string = ""
        del graph.metadata_props[:]
        for node in graph.node:
            node.doc_string = ""
            del node.metadata_props[:]
            for attribute in node.attribute:
                attribute.doc_string = ""
        for group in (graph.input, graph.output, graph.value_info):
            for value in group:
                value.doc_string = ""
                del value.metadata_props[:]
        for tensor in graph.initializer:
            tensor.doc_string = ""
            del tensor.metadata_props[:]
            if tensor.data_location == onnx.TensorProto.EXTERNAL:
                raise ValueError(f"initializer {tensor.name} uses external data")
    onnx.checker.check_model(model, full_check=True)


def _run(data: bytes, inputs: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> dict[str, np.ndarray]:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    graph_inputs = sorted(i.name for i in session.get_inputs())
    if graph_inputs != sorted(inputs):
        raise ValueError(f"graph inputs {graph_inputs} != case inputs {sorted(inputs)}")
    names = list(expected)
    results = session.run(names, {k: v.detach().cpu().numpy() for k, v in inputs.items()})
    return dict(zip(names, results))


def _check_outputs(name: str, exporter: str, actual: dict[str, np.ndarray], expected: dict[str, torch.Tensor]) -> None:
    for tensor, want in expected.items():
        got = torch.from_numpy(np.ascontiguousarray(actual[tensor]))
        where = f"{name}: onnxruntime output {tensor!r} ({exporter} graph)"
        if got.shape != want.shape or got.dtype != want.dtype:
            raise OnnxExportError(f"{where} is {got.dtype}{list(got.shape)}, PyTorch gave {want.dtype}{list(want.shape)}")
        try:
            torch.testing.assert_close(got, want.detach())
        except AssertionError as error:
            diff = (got.double() - want.detach().double()).abs().max().item()
            raise OnnxExportError(f"{where} does not match PyTorch, max |ORT - torch| = {diff:.3e}\n{error}") from None


def max_abs_diff(out_path: pathlib.Path, inputs: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> float:
    """Largest |ORT - torch| over all outputs of a written model (for reports)."""
    actual = _run(out_path.read_bytes(), inputs, expected)
    return max(float(np.abs(actual[k].astype(np.float64) - v.detach().double().numpy()).max()) for k, v in expected.items())


def _write_atomically(path: pathlib.Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else ""
