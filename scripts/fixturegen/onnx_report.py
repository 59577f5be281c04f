"""Worst onnxruntime-vs-torch error per module, dtype and kind over a generated fixtures folder.

Usage: python -m fixturegen.onnx_report [FIXTURES_DIR]   (default ../fixtures; from scripts/)

Runs every case's .onnx with onnxruntime (CPU, one thread) on the fixture's inputs and compares
with the fixture's outputs as generation did. Prints, per group, the max |ORT - torch| and the
worst headroom (1 - max |a - e| / (atol + rtol |e|), assert_close's default tolerances). For packed
cases it also checks what docs/fixture-format.md states: past each length both torch's padded
output and onnxruntime's are exactly +0.0 (no -0.0, no NaN).
"""

from __future__ import annotations

import json
import pathlib
import sys

import numpy as np
import onnxruntime as ort
import torch

from rnn_parity.fixture_format import decode_fixture, decode_tensor

_TOL = {"float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def _session(path: pathlib.Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    return ort.InferenceSession(path.read_bytes(), options, providers=["CPUExecutionProvider"])


def _padding_ok(output: np.ndarray, lengths: list[int], batch_first: bool) -> bool:
    for b, n in enumerate(lengths):
        tail = output[b, n:] if batch_first else output[n:, b]
        if tail.size and not (np.all(tail == 0) and not np.any(np.signbit(tail))):
            return False
    return True


def main(argv: list[str]) -> int:
    root = pathlib.Path(argv[0] if argv else "../fixtures")
    manifest = json.loads((root / "manifest.json").read_text())
    groups: dict[tuple[str, str, str], list[float]] = {}
    padding_problems: list[str] = []
    for case in manifest["cases"]:
        doc = decode_fixture((root / case["file"]).read_bytes())
        inputs = {k: decode_tensor(v) for k, v in doc["inputs"].items()}
        session = _session(root / case["onnx"]["file"])
        feeds = {k: (v.to(torch.int32) if k == "lengths" else v).numpy() for k, v in inputs.items()}
        names = [o.name for o in session.get_outputs()]
        got = dict(zip(names, session.run(names, feeds)))
        rtol, atol = _TOL[case["dtype"]]
        kind = "packed" if "packing" in doc else "ordinary"
        key = (case["module"], case["dtype"], kind)
        diff, headroom = 0.0, 1.0
        for name, value in got.items():
            want = decode_tensor(doc["outputs"][name]).double().numpy()
            err = np.abs(value.astype(np.float64) - want)
            diff = max(diff, float(err.max()))
            headroom = min(headroom, 1.0 - float((err / (atol + rtol * np.abs(want))).max()))
        entry = groups.setdefault(key, [0.0, 1.0, 0])
        entry[0], entry[1], entry[2] = max(entry[0], diff), min(entry[1], headroom), entry[2] + 1
        if kind == "packed":
            lengths = inputs["lengths"].tolist()
            batch_first = case["config"]["batch_first"]
            torch_out = decode_tensor(doc["outputs"]["output"]).numpy()
            if not (_padding_ok(got["output"], lengths, batch_first) and _padding_ok(torch_out, lengths, batch_first)):
                padding_problems.append(case["name"])
    print("| module | dtype | kind | cases | max abs diff ORT vs torch | worst headroom |")
    print("|---|---|---|---|---|---|")
    for (module, dtype, kind), (diff, headroom, n) in sorted(groups.items()):
        shown = ">99.9%" if headroom > 0.999 else f"{100 * headroom:.1f}%"
        print(f"| {module} | {dtype} | {kind} | {n} | {diff:.3g} | {shown} |")
    print(f"packed cases whose padding is not exactly +0.0 in torch or onnxruntime: {padding_problems or 'none'}")
    return 1 if padding_problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
