"""Models a user would check, each exported with one export_fixture call (test/export-fixture.test.ts).

    python export_models.py OUT SAVED      (python/ of the repository or the package on PYTHONPATH)

Writes into OUT: an LSTM trained for a few SGD steps, a randomly initialised bidirectional GRU, two
packed cases (a PackedSequence from pack_sequence, and a padded batch with lengths), an LSTM with a
projection, a float64 LSTMCell, a case replaced by another (overwrite=True), and one of them again
over itself. Saves into SAVED what the command-line test exports: a whole nn.RNN (torch.save), its
input and h_0, an input of the wrong feature size, and a model of its own class (mymodel.py) with a
state_dict (seq2seq.pt) and an input for its encoder. Prints, as JSON,
{"seconds": {name: export time}, "overwrite_replaced": bool, "overwrite_identical": bool}.
"""

from __future__ import annotations

import json
import pathlib
import sys
import time

import torch
from rnn_parity import export_fixture
from torch.nn.utils.rnn import pack_sequence


MODEL_SOURCE = """
import torch


class Seq2Seq(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = torch.nn.GRU(3, 4, batch_first=True, bidirectional=True)
        self.head = torch.nn.Linear(8, 2)
"""


def trained_lstm() -> torch.nn.LSTM:
    """A few SGD steps on a toy task (predict the running sum of the inputs), so the weights are
    not torch's initialisation."""
    lstm = torch.nn.LSTM(4, 8, num_layers=2, batch_first=True)
    head = torch.nn.Linear(8, 1)
    optimizer = torch.optim.SGD([*lstm.parameters(), *head.parameters()], lr=0.1)
    for _ in range(20):
        x = torch.randn(16, 7, 4)
        optimizer.zero_grad()
        out, _ = lstm(x)
        loss = torch.nn.functional.mse_loss(head(out).squeeze(-1), x.sum(-1).cumsum(1))
        loss.backward()
        optimizer.step()
    return lstm


def main(out: str, saved: str) -> None:
    torch.manual_seed(0)
    seconds: dict[str, float] = {}

    def export(name: str, *args, **kwargs) -> None:
        started = time.perf_counter()
        export_fixture(*args, out=out, name=name, **kwargs)
        seconds[name] = round(time.perf_counter() - started, 3)

    export("trained-lstm", trained_lstm(), torch.randn(3, 7, 4), (torch.randn(2, 3, 8), torch.randn(2, 3, 8)))
    export("random-gru", torch.nn.GRU(5, 6, bidirectional=True), torch.randn(9, 2, 5))
    export("packed-lstm", torch.nn.LSTM(3, 5), pack_sequence([torch.randn(n, 3) for n in (4, 7, 2)], enforce_sorted=False))
    padded = (torch.nn.GRU(3, 4, num_layers=2, batch_first=True), torch.randn(3, 6, 3))
    export("padded-gru", *padded, lengths=[6, 5, 2])
    export("proj-lstm", torch.nn.LSTM(4, 6, proj_size=3), torch.randn(5, 2, 4))
    export("cell-lstm-f64", torch.nn.LSTMCell(3, 4, dtype=torch.float64), torch.randn(2, 3, dtype=torch.float64))

    # A case replaced: first without ONNX, then with another input and ONNX (overwrite=True).
    small = torch.nn.GRU(2, 3)
    export("replaced", small, torch.randn(4, 1, 2), onnx=False)
    first = (pathlib.Path(out) / "float32" / "replaced.msgpack").read_bytes()
    export_fixture(small, torch.randn(3, 2, 2), out=out, name="replaced", overwrite=True)
    replaced = (pathlib.Path(out) / "float32" / "replaced.msgpack").read_bytes() != first
    # The same export again, over the first: the same bytes (export is deterministic), nothing else moved.
    before = {p: p.read_bytes() for p in pathlib.Path(out).rglob("*") if p.is_file()}
    export_fixture(*padded, lengths=[6, 5, 2], out=out, name="padded-gru", overwrite=True)
    after = {p: p.read_bytes() for p in pathlib.Path(out).rglob("*") if p.is_file()}

    saved_dir = pathlib.Path(saved)
    saved_dir.mkdir(parents=True, exist_ok=True)
    torch.save(torch.nn.RNN(4, 5, nonlinearity="relu"), saved_dir / "rnn.pt")
    torch.save(torch.randn(6, 2, 4), saved_dir / "input.pt")
    torch.save(torch.randn(1, 2, 5), saved_dir / "h0.pt")
    torch.save(torch.randn(6, 2, 3), saved_dir / "input-wrong-size.pt")
    # A model of the user's own class, saved as a state_dict: the command line builds it from its
    # source file, loads the weights and picks its encoder.
    (saved_dir / "mymodel.py").write_text(MODEL_SOURCE)
    namespace: dict = {}
    exec(MODEL_SOURCE, namespace)  # noqa: S102 - the same class the command line will import
    torch.save(namespace["Seq2Seq"]().state_dict(), saved_dir / "seq2seq.pt")
    torch.save(torch.randn(2, 5, 3), saved_dir / "encoder-input.pt")
    print(json.dumps({"seconds": seconds, "overwrite_replaced": replaced, "overwrite_identical": before == after}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
