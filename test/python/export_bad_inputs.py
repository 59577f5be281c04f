"""Bad input to export_fixture, one call per case, in one process (test/export-fixture.test.ts).

    python export_bad_inputs.py ROOT       (python/ of the repository on PYTHONPATH)

Each case runs against its own folder under ROOT (some prepared with a valid export first) and
records what was raised and whether the folder's files stayed byte-identical. Prints a JSON list
of {"case", "error", "message", "unchanged"}. The expected argument per case is the test's.
"""

from __future__ import annotations

import json
import pathlib
import sys
from collections.abc import Callable

import torch
from rnn_parity import export_fixture
from torch.nn.utils.rnn import pack_sequence


class Wrapper(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = torch.nn.LSTM(4, 6)

    def forward(self, x):  # noqa: ANN001, ANN201
        return self.encoder(x)


class Tweaked(torch.nn.GRU):
    def forward(self, x, hx=None):  # noqa: ANN001, ANN201
        return super().forward(x * 2, hx)


def ort_off_by_one(call: Callable[[], object]) -> object:
    """Runs ``call`` with onnxruntime's results all moved by 1: the verification must refuse the model."""
    from rnn_parity import onnx_export  # noqa: PLC0415

    real = onnx_export._run
    onnx_export._run = lambda data, inputs, expected: {k: v.numpy() + 1 for k, v in expected.items()}
    try:
        return call()
    finally:
        onnx_export._run = real


def tree(folder: pathlib.Path) -> dict[str, bytes]:
    if folder.is_file():
        return {"": folder.read_bytes()}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


def main(root: pathlib.Path) -> None:
    torch.manual_seed(0)
    lstm, gru, cell = torch.nn.LSTM(4, 6), torch.nn.GRU(4, 6), torch.nn.GRUCell(4, 6)
    x = torch.randn(5, 3, 4)
    state = (torch.zeros(1, 3, 6), torch.zeros(1, 3, 6))

    def run(out: pathlib.Path, module=lstm, input=x, hx=None, **kwargs):  # noqa: ANN001, ANN202
        return export_fixture(module, input, hx, out=out, name=kwargs.pop("name", "case"), onnx=kwargs.pop("onnx", False), **kwargs)

    cases: dict[str, Callable[[pathlib.Path], object]] = {
        "module is not a torch module": lambda d: run(d, module="lstm"),
        "module wraps an LSTM": lambda d: run(d, module=Wrapper()),
        "module is a Linear": lambda d: run(d, module=torch.nn.Linear(4, 6)),
        "module overrides forward": lambda d: run(d, module=Tweaked(4, 6)),
        "module is float16": lambda d: run(d, module=torch.nn.GRU(4, 6).half(), input=x.half()),
        "input is a list": lambda d: run(d, input=x.tolist()),
        "input has another dtype": lambda d: run(d, input=x.double()),
        "input has the wrong feature size": lambda d: run(d, input=torch.randn(5, 3, 7)),
        "input has four dimensions": lambda d: run(d, input=torch.randn(2, 5, 3, 4)),
        "input holds NaN": lambda d: run(d, input=torch.full((5, 3, 4), float("nan"))),
        "input is empty": lambda d: run(d, input=torch.randn(0, 3, 4)),
        "input is a PackedSequence for a cell": lambda d: run(d, module=cell, input=pack_sequence([torch.randn(2, 4)])),
        "hx has the wrong shape": lambda d: run(d, module=gru, hx=torch.zeros(1, 3, 5)),
        "hx of an LSTM is one tensor": lambda d: run(d, hx=torch.zeros(1, 3, 6)),
        "hx of a GRU is a tuple": lambda d: run(d, module=gru, hx=state),
        "c_0 has the wrong batch": lambda d: run(d, hx=(torch.zeros(1, 3, 6), torch.zeros(1, 2, 6))),
        "lengths with a cell": lambda d: run(d, module=cell, input=torch.randn(3, 4), lengths=[1, 1, 1]),
        "lengths not sorted": lambda d: run(d, lengths=[2, 5, 4]),
        "lengths for another batch": lambda d: run(d, lengths=[5, 4]),
        "lengths beyond the input": lambda d: run(d, lengths=[6, 4, 2]),
        "lengths are floats": lambda d: run(d, lengths=torch.tensor([5.0, 4.0, 2.0])),
        "enforce_sorted without lengths": lambda d: run(d, enforce_sorted=False),
        "out is a file": lambda d: run(d / "file.txt"),
        "out is below a file": lambda d: run(d / "file.txt" / "fixtures"),
        "out holds other files": lambda d: run(d),
        "name has a slash": lambda d: run(d, name="a/b"),
        "name is empty": lambda d: run(d, name=""),
        "name is taken": lambda d: run(d, name="taken"),
        "seed is too large": lambda d: run(d, seed=2**60),
        "onnx is not a bool": lambda d: run(d, onnx="yes"),
        "onnxruntime disagrees with torch": lambda d: ort_off_by_one(lambda: run(d, module=gru, name="new", onnx=True)),
    }
    prepare: dict[str, Callable[[pathlib.Path], None]] = {
        "out is a file": lambda d: (d / "file.txt").write_text("x"),
        "out is below a file": lambda d: (d / "file.txt").write_text("x"),
        "out holds other files": lambda d: (d / "notes.txt").write_text("mine"),
        "name is taken": lambda d: export_fixture(gru, x, out=d, name="taken", onnx=False),
        "onnxruntime disagrees with torch": lambda d: export_fixture(gru, x, out=d, name="taken", onnx=False),
    }
    results = []
    for index, (label, call) in enumerate(cases.items()):
        folder = root / f"case{index}"
        if label in prepare:
            folder.mkdir(parents=True)
            prepare[label](folder)
        before = tree(folder)
        try:
            call(folder)
            error, message = None, ""
        except Exception as raised:  # noqa: BLE001 - the test says which type it wanted
            error, message = type(raised).__name__, str(raised)
        results.append({"case": label, "error": error, "message": message, "unchanged": tree(folder) == before,
                        "exists": folder.exists()})
    print(json.dumps(results))


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
