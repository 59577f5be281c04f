"""Measures what torch's ONNX exporters do with LSTM and GRU; docs/onnx-exporters.md quotes it.

Usage: python -m fixturegen.onnx_exporters   (from scripts/, or with it on PYTHONPATH; ~1 minute)

1. GRU through the dynamo exporter (the default path, and the one pytorch/pytorch#189225 and
   microsoft/onnxscript#2852 report emits linear_before_reset=0): the attribute on every GRU node
   and onnxruntime's max |ORT - torch|, over bias x bidirectional x num_layers x batch_first x h0.
2. The same graphs with linear_before_reset rewritten to 0 (what the bug produced): the error it
   gives, and that onnx_checks refuses them.
3. The TorchScript exporter's linear_before_reset, for comparison.
4. LSTM with proj_size through both exporters; float64 LSTM/GRU operator graphs in onnxruntime;
   packed sequences through both exporters.
Nothing here writes a fixture; it prints a report.
"""

from __future__ import annotations

import itertools
import logging

import numpy as np
import onnx
import onnxruntime as ort
import torch

from rnn_parity.onnx_checks import GraphAttributeError, check_graph
from rnn_parity.onnx_plans import DYNAMO, TORCHSCRIPT
from rnn_parity.onnx_torch import torch_export

logging.getLogger("torch.onnx._internal.exporter._registration").setLevel(logging.ERROR)


def _session(model: onnx.ModelProto) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.log_severity_level = 4
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def _max_error(model: onnx.ModelProto, inputs: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> float:
    feeds = {k: v.numpy() for k, v in inputs.items()}
    got = _session(model).run(list(expected), feeds)
    return max(float(np.abs(g.astype(np.float64) - e.double().numpy()).max()) for g, e in zip(got, expected.values()))


def _gru_case(bias: bool, bidirectional: bool, num_layers: int, batch_first: bool, h0: bool, seed: int):
    torch.manual_seed(seed)
    module = torch.nn.GRU(4, 6, num_layers=num_layers, bias=bias, batch_first=batch_first, bidirectional=bidirectional).eval()
    x = torch.randn((3, 5, 4) if batch_first else (5, 3, 4)) * 2
    inputs = {"input": x}
    if h0:
        inputs["hx"] = torch.randn(num_layers * (2 if bidirectional else 1), 3, 6)
    with torch.no_grad():
        output, h_n = module(*inputs.values())
    return module, inputs, {"output": output, "h_n": h_n}


def _lbr(model: onnx.ModelProto) -> list[int]:
    return [next((a.i for a in n.attribute if a.name == "linear_before_reset"), 0) for n in model.graph.node if n.op_type == "GRU"]


def measure_gru() -> None:
    seen: dict[str, set[int]] = {DYNAMO: set(), TORCHSCRIPT: set()}
    worst = {DYNAMO: 0.0, TORCHSCRIPT: 0.0, "lbr0": 0.0}
    best_lbr0 = float("inf")
    refused = configs = 0
    for seed, (bias, bidir, layers, bf, h0) in enumerate(itertools.product((True, False), (False, True), (1, 2), (False, True), (True, False))):
        module, inputs, expected = _gru_case(bias, bidir, layers, bf, h0, seed)
        configs += 1
        for exporter in (DYNAMO, TORCHSCRIPT):
            model = torch_export(exporter, module, inputs, list(expected), None)
            seen[exporter].update(_lbr(model))
            worst[exporter] = max(worst[exporter], _max_error(model, inputs, expected))
            if exporter == DYNAMO:
                for node in (n for n in model.graph.node if n.op_type == "GRU"):
                    for a in node.attribute:
                        if a.name == "linear_before_reset":
                            a.i = 0
                error = _max_error(model, inputs, expected)
                worst["lbr0"] = max(worst["lbr0"], error)
                best_lbr0 = min(best_lbr0, error)
                try:
                    check_graph(model, "onnx.GRU", module, packed=False)
                except GraphAttributeError:
                    refused += 1
    print(f"GRU, {configs} configs (bias x bidirectional x num_layers 1,2 x batch_first x h0), float32:")
    for exporter in (DYNAMO, TORCHSCRIPT):
        print(f"  {exporter}: linear_before_reset values {sorted(seen[exporter])}, max |ORT - torch| {worst[exporter]:.3e}")
    print(f"  dynamo graphs rewritten to linear_before_reset=0: max |ORT - torch| from {best_lbr0:.3e} to {worst['lbr0']:.3e} "
          f"per config; refused by onnx_checks: {refused}/{configs}")


def _try(label: str, fn) -> None:
    try:
        print(f"  {label}: {fn()}")
    except Exception as error:  # noqa: BLE001 - the failure is the measurement
        print(f"  {label}: {type(error).__name__}: {str(error).strip().splitlines()[0][:300]}")


def measure_lstm_proj() -> None:
    for with_state in (True, False):
        _lstm_proj(with_state)


def _lstm_proj(with_state: bool) -> None:
    torch.manual_seed(1)
    module = torch.nn.LSTM(4, 6, proj_size=3).eval()
    inputs = {"input": torch.randn(5, 3, 4)}
    if with_state:
        inputs.update(hx=torch.randn(1, 3, 3), cx=torch.randn(1, 3, 6))
    with torch.no_grad():
        output, (h_n, c_n) = module(inputs["input"], *([(inputs["hx"], inputs["cx"])] if with_state else []))
    expected = {"output": output, "h_n": h_n, "c_n": c_n}
    print(f"LSTM(4, 6, proj_size=3), float32, {'h0/c0 given' if with_state else 'no h0/c0'}:")
    if with_state:
        _try("TorchScript", lambda: torch_export(TORCHSCRIPT, module, inputs, list(expected), None))

    def dynamo() -> str:
        model = torch_export(DYNAMO, module, inputs, list(expected), None)
        node = next(n for n in model.graph.node if n.op_type == "LSTM")
        hidden = next(a.i for a in node.attribute if a.name == "hidden_size")
        has_hr = any(t.name.startswith("weight_hr") for t in model.graph.initializer)
        try:
            ran = f"onnxruntime max |ORT - torch| {_max_error(model, inputs, expected):.3e}"
        except Exception as error:  # noqa: BLE001
            ran = f"onnxruntime fails: {str(error).strip().splitlines()[0][:300]}"
        return f"LSTM node hidden_size={hidden} (module: 6), weight_hr in graph: {has_hr}; {ran}"

    _try("dynamo", dynamo)


def measure_float64_and_packed() -> None:
    print("float64 operator graphs (dynamo export, onnxruntime CPU):")
    for cls in (torch.nn.LSTM, torch.nn.GRU):
        module = cls(4, 6, dtype=torch.float64).eval()
        inputs = {"input": torch.randn(5, 3, 4, dtype=torch.float64)}
        names = ["output", "h_n", "c_n"] if cls is torch.nn.LSTM else ["output", "h_n"]
        with torch.no_grad():
            result = module(inputs["input"])
        flat = [result[0], *result[1]] if cls is torch.nn.LSTM else list(result)
        _try(cls.__name__, lambda: f"max error {_max_error(torch_export(DYNAMO, module, inputs, names, None), inputs, dict(zip(names, flat))):.3e}")
    print("packed (pack_padded_sequence -> GRU -> pad_packed_sequence), float32:")
    module = torch.nn.GRU(4, 6, bidirectional=True).eval()
    inputs = {"input": torch.randn(6, 3, 4), "lengths": torch.tensor([4, 6, 1], dtype=torch.int32)}
    for exporter in (TORCHSCRIPT, DYNAMO):
        def run(exporter: str = exporter) -> str:
            model = torch_export(exporter, module, inputs, ["output", "h_n"], False)
            check_graph(model, "onnx.GRU", module, packed=True)
            return "exports with sequence_lens; attributes pass onnx_checks"
        _try(exporter, run)


def main() -> None:
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, onnxruntime {ort.__version__}")
    measure_gru()
    measure_lstm_proj()
    measure_float64_and_packed()


if __name__ == "__main__":
    main()
