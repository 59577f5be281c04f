"""Builds a case's torch module and inputs and runs it: the only place reference values come from."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .cases import Case

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}
_CLASSES = {
    "RNN": torch.nn.RNN, "RNNCell": torch.nn.RNNCell, "LSTM": torch.nn.LSTM,
    "LSTMCell": torch.nn.LSTMCell, "GRU": torch.nn.GRU, "GRUCell": torch.nn.GRUCell,
}
# What the saturating cases promise (docs/fixture-format.md): some layer-0 pre-activation beyond it.
SATURATION = 10.0


def configure_torch() -> None:
    """Settings that make every run of the generator produce the same bits on one machine."""
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    torch.set_default_dtype(torch.float32)


@dataclass
class Built:
    module: torch.nn.Module
    inputs: dict[str, torch.Tensor]
    outputs: dict[str, torch.Tensor]


def build_module(case: Case) -> torch.nn.Module:
    # dtype= initialises the parameters directly in the case's dtype, so float64 weights are
    # genuinely float64 draws rather than widened float32 values.
    module = _CLASSES[case.module](**case.config, dtype=TORCH_DTYPES[case.dtype])
    if case.weight_scale != 1.0:
        with torch.no_grad():
            for p in module.parameters():
                p.mul_(case.weight_scale)
    return module.eval()


def build_case(case: Case) -> Built:
    """Seeds torch, builds the module, draws the inputs and runs forward under no_grad.

    Draw order (part of the format, since it fixes every value): parameters, input, hx, cx.
    """
    dtype = TORCH_DTYPES[case.dtype]
    torch.manual_seed(case.seed)
    module = build_module(case)
    inputs = {"input": torch.randn(case.input_shape, dtype=dtype) * case.input_scale}
    if case.has_hx:
        assert case.hx_shape is not None
        inputs["hx"] = torch.randn(case.hx_shape, dtype=dtype) * case.hx_scale
    if case.has_cx:
        assert case.cx_shape is not None
        inputs["cx"] = torch.randn(case.cx_shape, dtype=dtype) * case.hx_scale
    if case.packed:
        inputs["lengths"] = torch.tensor(case.lengths, dtype=torch.int64)
    with torch.no_grad(), warnings.catch_warnings():
        # torch's note that oneDNN lacks projections and its default kernel runs instead
        warnings.filterwarnings("ignore", message="LSTM with projections is not supported with oneDNN")
        outputs = _packed_forward(case, module, inputs) if case.packed else _forward(case, module, inputs)
    if case.weight_scale != 1.0:
        _check_saturation(case, module, inputs["input"])
    for name, tensor in {**inputs, **outputs}.items():
        want = torch.int64 if name in ("lengths", "batch_sizes", "sorted_indices", "unsorted_indices", "output_lengths") else dtype
        if tensor.dtype != want:
            raise AssertionError(f"{case.name}: {name} has dtype {tensor.dtype}, expected {want}")
    return Built(module=module, inputs=inputs, outputs=outputs)


def _state(case: Case, inputs: dict[str, torch.Tensor]):
    if not case.has_hx:
        return None
    return (inputs["hx"], inputs["cx"]) if case.has_cx else inputs["hx"]


def _forward(case: Case, module: torch.nn.Module, inputs: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    state = _state(case, inputs)
    result = module(inputs["input"]) if state is None else module(inputs["input"], state)
    if case.module == "RNNCell":
        return {"h_prime": result}
    if case.module == "GRUCell":
        return {"h1": result}
    if case.module == "LSTMCell":
        return {"h1": result[0], "c1": result[1]}
    output, h = result
    if case.module == "LSTM":
        return {"output": output, "h_n": h[0], "c_n": h[1]}
    return {"output": output, "h_n": h}


def _packed_forward(case: Case, module: torch.nn.Module, inputs: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    batch_first = case.config["batch_first"]
    packed = pack_padded_sequence(inputs["input"], inputs["lengths"], batch_first=batch_first,
                                  enforce_sorted=bool(case.enforce_sorted))
    state = _state(case, inputs)
    result, h = module(packed) if state is None else module(packed, state)
    padded, out_lengths = pad_packed_sequence(result, batch_first=batch_first)
    outputs = {"output": padded, "output_data": result.data, "batch_sizes": result.batch_sizes}
    if not case.enforce_sorted:
        outputs["sorted_indices"] = result.sorted_indices
        outputs["unsorted_indices"] = result.unsorted_indices
    elif result.sorted_indices is not None:
        raise AssertionError(f"{case.name}: enforce_sorted=True but torch returned sorted_indices")
    outputs["output_lengths"] = out_lengths.to(torch.int64)
    if case.module == "LSTM":
        outputs["h_n"], outputs["c_n"] = h
    else:
        outputs["h_n"] = h
    return outputs


def _check_saturation(case: Case, module: torch.nn.Module, x: torch.Tensor) -> None:
    """The saturating cases must really saturate: some layer-0 pre-activation x W_ih^T + b_ih
    beyond SATURATION (recurrent terms only add to it)."""
    weight = module.weight_ih_l0
    pre = x @ weight.T + (module.bias_ih_l0 if case.config["bias"] else 0)
    if pre.abs().max().item() <= SATURATION:
        raise AssertionError(f"{case.name}: max |pre-activation| {pre.abs().max().item():.2f} <= {SATURATION}")
