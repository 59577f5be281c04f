"""Exports one fixture case to ONNX and proves onnxruntime reproduces PyTorch on it.

Path per case (measured on torch 2.13.0, onnx 1.23.2, onnxscript 0.7.2, onnxruntime 1.31.1):

* nn.RNN, float32 -> TorchScript exporter (``dynamo=False``): the only torch path that emits ONNX's
  RNN operator (the dynamo exporter unrolls nn.RNN into MatMul/Add/Tanh).
* nn.RNN, float64 -> dynamo exporter with ``optimize=False``: onnxruntime registers its CPU RNN
  kernel for float only, so an RNN-operator graph cannot run in double. ``optimize=False`` keeps the
  weights as initializers under torch's names; the optimizer would pre-transpose them into
  anonymous constants, and for RNNCell without hx would fold weight_hh away entirely.
* nn.RNNCell -> dynamo exporter with ``optimize=False`` (there is no ONNX cell operator; both torch
  paths emit Gemm/Add/Tanh, and dynamo is torch's supported one).

If that path cannot export the case, or onnxruntime cannot load or run the result, the case's graph
is built with onnx.helper from the same weights (onnx_graphs.py) and the returned fields say so.
A graph that runs but disagrees with PyTorch is an error, never a reason to fall back.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import pathlib
import warnings
from typing import Any, Protocol

import numpy as np
import onnx
import onnxruntime as ort
import torch

# The dynamo exporter warns once per torchvision op that torchvision is absent; these models use none.
logging.getLogger("torch.onnx._internal.exporter._registration").setLevel(logging.ERROR)

from .onnx_graphs import OPSET, decomposed_graph, rnn_op_graph
from .onnx_weights import assert_same_state_dict, state_dict_from_onnx

TORCHSCRIPT = "torch.onnx-torchscript"
DYNAMO = "torch.onnx-dynamo"
HELPER = "onnx.helper"


class OnnxExportError(RuntimeError):
    pass


class NamedCase(Protocol):
    """What the exporter needs of a case: its name, for messages (fixturegen.cases.Case has it)."""

    @property
    def name(self) -> str: ...


def export_case(
    module: torch.nn.Module,
    case: NamedCase,
    inputs: dict[str, torch.Tensor],
    expected: dict[str, torch.Tensor],
    out_path: pathlib.Path,
) -> dict[str, Any]:
    """Writes ``out_path`` and returns the manifest's onnx fields (without file/sha256)."""
    name = case.name
    module.eval()
    dtype = next(module.parameters()).dtype
    if isinstance(module, torch.nn.RNN):
        plans = [(TORCHSCRIPT, "onnx.RNN"), (HELPER, "onnx.RNN"), (HELPER, "decomposed")]
        if dtype == torch.float64:
            plans = [(DYNAMO, "decomposed"), (HELPER, "decomposed")]
    elif isinstance(module, torch.nn.RNNCell):
        plans = [(DYNAMO, "decomposed"), (HELPER, "decomposed")]
    else:
        raise OnnxExportError(f"{name}: no ONNX export for {type(module).__name__}")

    failures: list[str] = []
    for exporter, graph in plans:
        try:
            model = _build(exporter, graph, module, inputs, expected)
            _normalize(model)
            data = model.SerializeToString()
            actual = _run(data, inputs, expected)
        except OnnxExportError:
            raise
        except Exception as error:  # noqa: BLE001 - any export/runtime failure moves to the next plan
            failures.append(f"{exporter} ({graph}): {type(error).__name__}: {_first_line(error)}")
            continue
        _check_outputs(name, exporter, actual, expected)
        assert_same_state_dict(state_dict_from_onnx(model), module.state_dict(), f"{name} ({exporter})")
        _write_atomically(out_path, data)
        fields: dict[str, Any] = {"exporter": exporter, "opset": OPSET, "graph": graph,
                  "weights": "onnx-rnn-inputs" if graph == "onnx.RNN" else "torch-initializers"}
        if failures:
            fields["note"] = "fallback after: " + "; ".join(failures)
        return fields
    raise OnnxExportError(f"{name}: no ONNX model could be built: " + "; ".join(failures))


def _build(
    exporter: str,
    graph: str,
    module: torch.nn.Module,
    inputs: dict[str, torch.Tensor],
    expected: dict[str, torch.Tensor],
) -> onnx.ModelProto:
    if exporter == HELPER:
        return rnn_op_graph(module, inputs, expected) if graph == "onnx.RNN" else decomposed_graph(module, inputs, expected)
    args = tuple(inputs[k] for k in ("input", "hx") if k in inputs)
    names = dict(input_names=[k for k in ("input", "hx") if k in inputs], output_names=list(expected))
    # torch.onnx prints progress and warns (legacy path, tracer booleans); the returned dict is the record.
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        if exporter == TORCHSCRIPT:
            buffer = io.BytesIO()
            torch.onnx.export(module, args, buffer, dynamo=False, opset_version=OPSET, do_constant_folding=True, **names)
            model = onnx.load_from_string(buffer.getvalue())
            _name_rnn_weights(model)
            return model
        program = torch.onnx.export(module, args, dynamo=True, optimize=False, opset_version=OPSET,
                                    external_data=False, verbose=False, **names)
        return program.model_proto


def _name_rnn_weights(model: onnx.ModelProto) -> None:
    """Renames the tracer's numbered W/R/B initializers (onnx::RNN_78) to W_l{k}, R_l{k}, B_l{k}."""
    renames: dict[str, str] = {}
    for k, node in enumerate(n for n in model.graph.node if n.op_type == "RNN"):
        for slot, letter in ((1, "W"), (2, "R"), (3, "B")):
            if len(node.input) > slot and node.input[slot]:
                renames[node.input[slot]] = f"{letter}_l{k}"
    for tensor in model.graph.initializer:
        tensor.name = renames.get(tensor.name, tensor.name)
    for node in model.graph.node:
        for i, value in enumerate(node.input):
            node.input[i] = renames.get(value, value)


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
