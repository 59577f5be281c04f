"""Builds a case's torch module and inputs and runs it: the only place reference values come from.

Running the module, and encoding the result, is the shipped package's (python/rnn_parity forward
and fixture_format), which export_fixture runs too; this module adds what only the generator does:
seeding and drawing the weights and inputs of a matrix case.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from rnn_parity.fixture_format import encode_fixture
from rnn_parity.forward import INT64_TENSORS, MODULE_CLASSES, TORCH_DTYPES, run_module

from .cases import Case

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
    module = MODULE_CLASSES[case.module](**case.config, dtype=TORCH_DTYPES[case.dtype])
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
    try:
        outputs = run_module(case.module, module, inputs, case.enforce_sorted)
    except AssertionError as error:
        raise AssertionError(f"{case.name}: {error}") from None
    if case.weight_scale != 1.0:
        _check_saturation(case, module, inputs["input"])
    for name, tensor in {**inputs, **outputs}.items():
        want = torch.int64 if name in INT64_TENSORS else dtype
        if tensor.dtype != want:
            raise AssertionError(f"{case.name}: {name} has dtype {tensor.dtype}, expected {want}")
    return Built(module=module, inputs=inputs, outputs=outputs)


def fixture_bytes(case: Case, built: Built) -> bytes:
    return encode_fixture(
        name=case.name, module=case.module, config=case.config, dtype=case.dtype, seed=case.seed,
        state_dict=built.module.state_dict(),
        inputs={k: built.inputs[k] for k in case.input_names},
        outputs={k: built.outputs[k] for k in case.output_names},
        enforce_sorted=case.enforce_sorted if case.packed else None,
    )


def _check_saturation(case: Case, module: torch.nn.Module, x: torch.Tensor) -> None:
    """The saturating cases must really saturate: some layer-0 pre-activation x W_ih^T + b_ih
    beyond SATURATION (recurrent terms only add to it)."""
    weight = module.weight_ih_l0
    pre = x @ weight.T + (module.bias_ih_l0 if case.config["bias"] else 0)
    if pre.abs().max().item() <= SATURATION:
        raise AssertionError(f"{case.name}: max |pre-activation| {pre.abs().max().item():.2f} <= {SATURATION}")
