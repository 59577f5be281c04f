"""The two torch.onnx paths, called the same way for every module (and packed cases).

* TorchScript (``dynamo=False``): emits ONNX's RNN/LSTM/GRU operators; the tracer's numbered
  W/R/B initializers (``onnx::LSTM_78``) are renamed to ``W_l{k}``, ``R_l{k}``, ``B_l{k}``.
* dynamo (``dynamo=True, optimize=False``): ``optimize=False`` keeps the weights as initializers
  under torch's names (the optimizer pre-transposes them into anonymous constants and, for a cell
  without hx, folds weight_hh away).

Packed cases are exported through a wrapper that does what the fixture did: pack_padded_sequence
(lengths from the int32 graph input), the module, pad_packed_sequence.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings
from collections.abc import Iterator

import onnx
import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .onnx_graphs import OPSET
from .onnx_plans import TORCHSCRIPT


class PackedWrapper(torch.nn.Module):
    """forward(input, [hx, [cx]], lengths) -> (padded output, h_n, [c_n]), as the fixture ran it."""

    def __init__(self, module: torch.nn.Module, names: list[str], enforce_sorted: bool) -> None:
        super().__init__()
        self.module, self.names, self.enforce_sorted = module, names, enforce_sorted

    def forward(self, *args: torch.Tensor):
        given = dict(zip(self.names, args))
        batch_first = self.module.batch_first
        packed = pack_padded_sequence(given["input"], given["lengths"].to(torch.int64), batch_first=batch_first,
                                      enforce_sorted=self.enforce_sorted)
        state = None
        if "hx" in given:
            state = (given["hx"], given["cx"]) if "cx" in given else given["hx"]
        result, h = self.module(packed) if state is None else self.module(packed, state)
        output, _ = pad_packed_sequence(result, batch_first=batch_first)
        return (output, *h) if isinstance(h, tuple) else (output, h)


def torch_export(exporter: str, module: torch.nn.Module, inputs: dict[str, torch.Tensor], output_names: list[str],
                 enforce_sorted: bool | None) -> onnx.ModelProto:
    names = list(inputs)
    if "lengths" in inputs:
        target: torch.nn.Module = PackedWrapper(module, names, bool(enforce_sorted)).eval()
        args: tuple = tuple(inputs.values())
    else:
        target = module
        state = [inputs[k] for k in ("hx", "cx") if k in inputs]
        args = (inputs["input"],) + ((tuple(state),) if len(state) == 2 else tuple(state))
    kwargs = dict(input_names=names, output_names=output_names, opset_version=OPSET)
    # torch.onnx prints progress and warns (legacy path, tracer booleans, C++ shape-inference notes
    # on fd 2 for PadPacked); the manifest is the record, and failures still raise.
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), _quiet_fd2():
        warnings.simplefilter("ignore")
        if exporter == TORCHSCRIPT:
            buffer = io.BytesIO()
            torch.onnx.export(target, args, buffer, dynamo=False, do_constant_folding=True, **kwargs)
            model = onnx.load_from_string(buffer.getvalue())
            name_recurrent_weights(model)
            return model
        program = torch.onnx.export(target, args, dynamo=True, optimize=False, external_data=False, verbose=False, **kwargs)
        return program.model_proto


@contextlib.contextmanager
def _quiet_fd2() -> Iterator[None]:
    """Discards what C++ code writes to file descriptor 2 meanwhile (Python's stderr is flushed first)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def name_recurrent_weights(model: onnx.ModelProto) -> None:
    """Renames the tracer's numbered W/R/B initializers (onnx::RNN_78) to W_l{k}, R_l{k}, B_l{k}."""
    renames: dict[str, str] = {}
    for k, node in enumerate(n for n in model.graph.node if n.op_type in ("RNN", "LSTM", "GRU")):
        for slot, letter in ((1, "W"), (2, "R"), (3, "B")):
            if len(node.input) > slot and node.input[slot]:
                renames[node.input[slot]] = f"{letter}_l{k}"
    for tensor in model.graph.initializer:
        tensor.name = renames.get(tensor.name, tensor.name)
    for node in model.graph.node:
        for i, value in enumerate(node.input):
            node.input[i] = renames.get(value, value)
