"""Builds a case's torch module and inputs and runs it: the only place reference values come from."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .cases import Case

TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}


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
    cls = {"RNN": torch.nn.RNN, "RNNCell": torch.nn.RNNCell}[case.module]
    # dtype= initialises the parameters directly in the case's dtype, so float64 weights are
    # genuinely float64 draws rather than widened float32 values.
    module = cls(**case.config, dtype=TORCH_DTYPES[case.dtype])
    return module.eval()


def build_case(case: Case) -> Built:
    """Seeds torch, builds the module, draws the inputs and runs forward under no_grad."""
    dtype = TORCH_DTYPES[case.dtype]
    torch.manual_seed(case.seed)
    module = build_module(case)
    inputs = {"input": torch.randn(case.input_shape, dtype=dtype) * case.input_scale}
    if case.has_hx:
        assert case.hx_shape is not None
        inputs["hx"] = torch.randn(case.hx_shape, dtype=dtype) * case.hx_scale
    with torch.no_grad():
        args = [inputs["input"]] + ([inputs["hx"]] if case.has_hx else [])
        result = module(*args)
    if case.module == "RNN":
        output, h_n = result
        outputs = {"output": output, "h_n": h_n}
    else:
        outputs = {"h_prime": result}
    for name, tensor in {**inputs, **outputs}.items():
        if tensor.dtype != dtype:
            raise AssertionError(f"{case.name}: {name} has dtype {tensor.dtype}, expected {dtype}")
    return Built(module=module, inputs=inputs, outputs=outputs)
