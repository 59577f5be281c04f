"""Runs a torch recurrent module the way the fixture format records it (docs/fixture-format.md).

Shared by the fixture generator (scripts/fixturegen) and export_fixture: the only code that turns a
module and its inputs into the outputs a fixture stores, so both write the same tensors under the
same names and order.
"""

from __future__ import annotations

import warnings

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

MODULE_CLASSES: dict[str, type[torch.nn.Module]] = {
    "RNN": torch.nn.RNN, "RNNCell": torch.nn.RNNCell, "LSTM": torch.nn.LSTM,
    "LSTMCell": torch.nn.LSTMCell, "GRU": torch.nn.GRU, "GRUCell": torch.nn.GRUCell,
}
SEQUENCE_MODULES = ("RNN", "LSTM", "GRU")
TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}
# The integer tensors of packed cases; every other tensor has the module's dtype.
INT64_TENSORS = ("lengths", "batch_sizes", "sorted_indices", "unsorted_indices", "output_lengths")


def config_of(module_name: str, module: torch.nn.Module) -> dict:
    """torch's constructor keyword arguments, every key present, in the constructor's order."""
    config: dict = {"input_size": module.input_size, "hidden_size": module.hidden_size}
    if module_name in SEQUENCE_MODULES:
        config["num_layers"] = module.num_layers
        if module_name == "RNN":
            config["nonlinearity"] = module.nonlinearity
        config.update(bias=bool(module.bias), batch_first=bool(module.batch_first), dropout=float(module.dropout),
                      bidirectional=bool(module.bidirectional))
        if module_name == "LSTM":
            config["proj_size"] = module.proj_size
        return config
    config["bias"] = bool(module.bias)
    if module_name == "RNNCell":
        config["nonlinearity"] = module.nonlinearity
    return config


def run_module(module_name: str, module: torch.nn.Module, inputs: dict[str, torch.Tensor],
               enforce_sorted: bool | None = None) -> dict[str, torch.Tensor]:
    """The fixture's outputs, in the format's order, under no_grad.

    ``inputs`` holds ``input`` and, when given, ``hx`` (and ``cx`` for LSTMs) and ``lengths`` (packed
    cases: ``input`` is then the padded batch, run through pack_padded_sequence with
    ``enforce_sorted``, the module and pad_packed_sequence).
    """
    with torch.no_grad(), warnings.catch_warnings():
        # torch's note that oneDNN lacks projections and its default kernel runs instead
        warnings.filterwarnings("ignore", message="LSTM with projections is not supported with oneDNN")
        if "lengths" in inputs:
            return _packed_forward(module_name, module, inputs, bool(enforce_sorted))
        return _forward(module_name, module, inputs)


def _state(inputs: dict[str, torch.Tensor]):
    if "hx" not in inputs:
        return None
    return (inputs["hx"], inputs["cx"]) if "cx" in inputs else inputs["hx"]


def _forward(module_name: str, module: torch.nn.Module, inputs: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    state = _state(inputs)
    result = module(inputs["input"]) if state is None else module(inputs["input"], state)
    if module_name == "RNNCell":
        return {"h_prime": result}
    if module_name == "GRUCell":
        return {"h1": result}
    if module_name == "LSTMCell":
        return {"h1": result[0], "c1": result[1]}
    output, h = result
    if module_name == "LSTM":
        return {"output": output, "h_n": h[0], "c_n": h[1]}
    return {"output": output, "h_n": h}


def _packed_forward(module_name: str, module: torch.nn.Module, inputs: dict[str, torch.Tensor],
                    enforce_sorted: bool) -> dict[str, torch.Tensor]:
    batch_first = module.batch_first
    packed = pack_padded_sequence(inputs["input"], inputs["lengths"], batch_first=batch_first,
                                  enforce_sorted=enforce_sorted)
    state = _state(inputs)
    result, h = module(packed) if state is None else module(packed, state)
    padded, out_lengths = pad_packed_sequence(result, batch_first=batch_first)
    outputs = {"output": padded, "output_data": result.data, "batch_sizes": result.batch_sizes}
    if not enforce_sorted:
        outputs["sorted_indices"] = result.sorted_indices
        outputs["unsorted_indices"] = result.unsorted_indices
    elif result.sorted_indices is not None:
        raise AssertionError("enforce_sorted=True but torch returned sorted_indices")
    outputs["output_lengths"] = out_lengths.to(torch.int64)
    if module_name == "LSTM":
        outputs["h_n"], outputs["c_n"] = h
    else:
        outputs["h_n"] = h
    return outputs
