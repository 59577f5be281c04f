"""Smoke test of onnx_export on representative configs, independent of the fixture generator.

Usage: python -m fixturegen.onnx_smoke [--all-plans]   (from scripts/, or with it on PYTHONPATH)
Exports each config of every module (float32 and float64; a few packed cases built by the
generator's own code) to a temporary directory twice, checks the bytes are identical, and prints
the path taken and the largest |ORT - torch| per module/dtype. With --all-plans it also runs the
onnx.helper graphs (operator and decomposed, attributes checked) on every config, so the fallbacks
are tested even though torch.onnx currently handles every case.
"""

from __future__ import annotations

import pathlib
import sys
import tempfile
import time
from types import SimpleNamespace

import torch

from rnn_parity import onnx_export
from rnn_parity.onnx_checks import check_graph
from rnn_parity.onnx_weights import assert_same_state_dict, state_dict_from_onnx

CELL = [dict(nonlinearity=n, bias=b, batched=bt, hx=h) for n in ("tanh", "relu") for b in (True, False)
        for bt in (True, False) for h in (True, False)]
LSTM_CELL = [dict(bias=b, batched=bt, hx=h) for b in (True, False) for bt in (True, False) for h in (True, False)]
LSTM = [dict(num_layers=1), dict(num_layers=2, bidirectional=True, hx=True), dict(num_layers=2, batch_first=True, proj_size=2),
        dict(num_layers=1, bias=False, bidirectional=True, proj_size=3, hx=True), dict(num_layers=2, batched=False, hx=True),
        dict(num_layers=2, batched=False, bidirectional=True, batch_first=True)]
GRU = [{k: v for k, v in c.items() if k != "proj_size"} for c in LSTM]
RNN = [dict(num_layers=1), dict(num_layers=2, bidirectional=True), dict(num_layers=3, nonlinearity="relu", hx=True),
       dict(num_layers=2, batch_first=True, hx=True), dict(num_layers=2, bidirectional=True, batch_first=True, hx=True),
       dict(num_layers=1, bias=False, bidirectional=True), dict(num_layers=2, batched=False, hx=True),
       dict(num_layers=2, batched=False, bidirectional=True, batch_first=True), dict(num_layers=3, bidirectional=True,
       nonlinearity="relu", bias=False, hx=True)]


def make(kind: str, cfg: dict, dtype: torch.dtype, seed: int):
    torch.manual_seed(seed)
    cfg = dict(cfg)
    batched, hx = cfg.pop("batched", True), cfg.pop("hx", False)
    inp, hid, batch, seq = 3, 4, 2, 5
    lead = [batch] if batched else []
    module = getattr(torch.nn, kind)(inp, hid, **cfg).to(dtype)
    if kind.endswith("Cell"):
        inputs = {"input": torch.randn(*lead, inp, dtype=dtype)}
        if hx:
            inputs["hx"] = torch.randn(*lead, hid, dtype=dtype)
            if kind == "LSTMCell":
                inputs["cx"] = torch.randn(*lead, hid, dtype=dtype)
    else:
        shape = ([batch, seq] if module.batch_first else [seq, batch]) if batched else [seq]
        inputs = {"input": torch.randn(*shape, inp, dtype=dtype)}
        if hx:
            layers = module.num_layers * (2 if module.bidirectional else 1)
            inputs["hx"] = torch.randn(layers, *lead, getattr(module, "proj_size", 0) or hid, dtype=dtype)
            if kind == "LSTM":
                inputs["cx"] = torch.randn(layers, *lead, hid, dtype=dtype)
    module.eval()
    state = [inputs[k] for k in ("hx", "cx") if k in inputs]
    with torch.no_grad():
        out = module(inputs["input"], *([tuple(state)] if len(state) == 2 else state))
    if kind == "RNNCell":
        expected = {"h_prime": out}
    elif kind == "GRUCell":
        expected = {"h1": out}
    elif kind == "LSTMCell":
        expected = {"h1": out[0], "c1": out[1]}
    elif kind == "LSTM":
        expected = {"output": out[0], "h_n": out[1][0], "c_n": out[1][1]}
    else:
        expected = {"output": out[0], "h_n": out[1]}
    name = f"{kind}-{'-'.join(f'{k}={v}' for k, v in sorted(cfg.items()))}-batched={batched}-hx={hx}-{str(dtype)[6:]}"
    return module, SimpleNamespace(name=name), inputs, expected


PACKED = [dict(module="RNN", nonlinearity="relu", bidirectional=True, num_layers=2, enforce_sorted=False, hx=True),
          dict(module="LSTM", proj_size=0, batch_first=True, enforce_sorted=True, hx=False),
          dict(module="LSTM", proj_size=2, bidirectional=True, enforce_sorted=False, hx=True),
          dict(module="GRU", bidirectional=True, batch_first=True, num_layers=2, enforce_sorted=False, hx=True)]


def packed_smoke(tmp: str, all_plans: bool, worst: dict, paths: dict) -> None:
    """Packed cases built by the generator's own code; the masked onnx.helper graph also in float32."""
    from .build import build_case  # noqa: PLC0415
    from .cases import seq_case  # noqa: PLC0415

    for dtype in ("float32", "float64"):
        for i, cfg in enumerate(PACKED):
            cfg = dict(cfg)
            module_name, sort, hx = cfg.pop("module"), cfg.pop("enforce_sorted"), cfg.pop("hx")
            lengths = (5, 3, 3, 1) if sort else (3, 1, 5, 3)
            opts = dict(input_size=3, hidden_size=4, num_layers=1, bias=True, batch_first=False, bidirectional=False)
            case = seq_case(module_name, f"smoke-packed-{i}", dtype, **{**opts, **cfg}, has_hx=hx, seq_len=5,
                            batch=len(lengths), lengths=lengths, enforce_sorted=sort)
            built = build_case(case)
            out = pathlib.Path(tmp, "p.onnx")
            fields = onnx_export.export_case(built.module, case, dict(built.inputs), dict(built.outputs), out)
            key = (f"{module_name} packed", dtype, fields["exporter"], fields["graph"])
            paths.setdefault(key, set()).add(fields["opset"])
            inputs = {k: (v.to(torch.int32) if k == "lengths" else v) for k, v in built.inputs.items()}
            expected = {k: v for k, v in built.outputs.items() if k in onnx_export.ONNX_OUTPUTS}
            worst[key] = max(worst.get(key, 0.0), onnx_export.max_abs_diff(out, inputs, expected))
            graphs = ["decomposed"] + ([fields["graph"]] if module_name != "RNN" else [])
            for graph in graphs if all_plans and fields["exporter"] != onnx_export.HELPER else []:
                model = onnx_export._build(onnx_export.HELPER, graph, built.module, inputs, expected, sort)
                onnx_export._normalize(model)
                check_graph(model, graph, built.module, packed=True)
                actual = onnx_export._run(model.SerializeToString(), inputs, expected)
                onnx_export._check_outputs(case.name, f"helper {graph}", actual, expected)
                assert_same_state_dict(state_dict_from_onnx(model), built.module.state_dict(), case.name)
                hkey = (f"{module_name} packed", dtype, onnx_export.HELPER, graph)
                paths.setdefault(hkey, set()).add(onnx_export.OPSET)
                worst[hkey] = max(worst.get(hkey, 0.0), max(
                    float(abs(actual[k].astype("float64") - v.double().numpy()).max()) for k, v in expected.items()))


def main() -> None:
    all_plans = "--all-plans" in sys.argv
    torch.set_num_threads(1)
    worst: dict[tuple, float] = {}
    paths: dict[tuple, set] = {}
    start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        seed = 0
        for kind, configs in (("RNNCell", CELL), ("RNN", RNN), ("LSTMCell", LSTM_CELL), ("GRUCell", LSTM_CELL),
                              ("LSTM", LSTM), ("GRU", GRU)):
            for dtype in (torch.float32, torch.float64):
                for cfg in configs:
                    seed += 1
                    module, case, inputs, expected = make(kind, cfg, dtype, seed)
                    a, b = pathlib.Path(tmp, "a.onnx"), pathlib.Path(tmp, "b.onnx")
                    fields = onnx_export.export_case(module, case, inputs, expected, a)
                    onnx_export.export_case(module, case, inputs, expected, b)
                    if a.read_bytes() != b.read_bytes():
                        raise SystemExit(f"{case.name}: two exports differ")
                    key = (kind, str(dtype)[6:], fields["exporter"], fields["graph"])
                    paths.setdefault(key, set()).add(fields["opset"])
                    if "fallback" in fields.get("note", ""):
                        print("NOTE", case.name, fields["note"])
                    d = onnx_export.max_abs_diff(a, inputs, expected)
                    worst[key] = max(worst.get(key, 0.0), d)
                    if all_plans:
                        op = f"onnx.{kind}" if kind in ("RNN", "LSTM", "GRU") and not getattr(module, "proj_size", 0) else None
                        graphs = ["decomposed"] + ([op] if op and dtype == torch.float32 else [])
                        for graph in graphs:
                            model = onnx_export._build(onnx_export.HELPER, graph, module, inputs, expected, None)
                            onnx_export._normalize(model)
                            check_graph(model, graph, module, packed=False)
                            data = model.SerializeToString()
                            actual = onnx_export._run(data, inputs, expected)
                            onnx_export._check_outputs(case.name, f"helper {graph}", actual, expected)
                            assert_same_state_dict(state_dict_from_onnx(model), module.state_dict(), case.name)
                            hkey = (kind, str(dtype)[6:], onnx_export.HELPER, graph)
                            paths.setdefault(hkey, set()).add(onnx_export.OPSET)
                            worst[hkey] = max(worst.get(hkey, 0.0), max(
                                float((torch.from_numpy(actual[k]).double() - v.double()).abs().max()) for k, v in expected.items()))
        packed_smoke(tmp, all_plans, worst, paths)
    for key in sorted(worst):
        print(f"{' '.join(key):60s} opset {sorted(paths[key])} max|ORT-torch| {worst[key]:.3e}")
    print(f"ok in {time.time() - start:.1f}s")


if __name__ == "__main__":
    main()
