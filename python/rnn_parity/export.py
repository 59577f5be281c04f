"""export_fixture: a fixture (and its verified ONNX model) from the caller's own torch module.

See docs/export-your-model.md. The module is run exactly as the generator runs the bundled cases
(forward.run_module), written by the same encoder (fixture_format) and exported by the same ONNX
code with the same attribute checks and onnxruntime verification (onnx_export), so the result is a
case like any other for ``npx rnn-parity check``.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pathlib
import tempfile
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import torch

from .errors import ExportError
from .export_args import prepare
from .export_folder import check_name, check_out, write_case
from .fixture_format import encode_fixture
from .forward import run_module
from .manifest import case_entry, sha256_bytes

# torch.manual_seed takes 64-bit seeds; the format's seed is an integer a JSON/JavaScript double holds exactly.
MAX_SEED = 2**53 - 1
# The seed recorded when torch's own is not known to the format (above MAX_SEED: torch picks a random
# 64-bit one in a process that never called torch.manual_seed).
UNKNOWN_SEED = -1


def export_fixture(
    module: torch.nn.Module,
    input: Any,
    hx: Any = None,
    *,
    out: str | os.PathLike[str],
    name: str,
    lengths: Any = None,
    enforce_sorted: bool | None = None,
    onnx: bool = True,
    seed: int | None = None,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Writes ``<out>/<dtype>/<name>.msgpack`` (and ``<out>/onnx/<name>.onnx``) and adds the case to
    ``<out>/manifest.json``; returns that manifest entry.

    ``module``: a torch.nn.RNN, LSTM, GRU, RNNCell, LSTMCell or GRUCell (float32 or float64, any
    device; left unchanged). ``input`` and ``hx`` as the module's forward takes them (for LSTMs ``hx`` is
    ``(h_0, c_0)``); ``input`` may be a PackedSequence, or a padded batch with ``lengths`` (and
    ``enforce_sorted``, default True as in pack_padded_sequence). Outputs are torch's, computed here on
    the CPU in eval mode. ``onnx``: also export the module to ONNX, check its attributes and verify it
    with onnxruntime against torch before anything is written. ``seed``: recorded as the fixture's
    seed (default: torch.initial_seed(), or -1 when it does not fit 53 bits). Raises ExportError
    naming the argument on bad input, OnnxExportError when no verified ONNX model can be made;
    either way nothing is written.
    """
    out_path = check_out(out)
    check_name(name)
    for flag, value in (("onnx", onnx), ("overwrite", overwrite)):
        if not isinstance(value, bool):
            raise ExportError(flag, f"expected True or False, got {type(value).__name__}")
    recorded_seed = _seed(seed)
    exporter = _onnx_exporter() if onnx else None
    prepared = prepare(module, input, hx, lengths, enforce_sorted)
    with _deterministic():
        try:
            outputs = run_module(prepared.module_name, prepared.module, prepared.inputs, prepared.enforce_sorted)
        except (RuntimeError, ValueError) as error:
            raise ExportError("input", f"torch.nn.{prepared.module_name} refused it: {_first_line(error)}") from None
        fixture_rel = f"{prepared.dtype}/{name}.msgpack"
        files = {fixture_rel: encode_fixture(
            name=name, module=prepared.module_name, config=prepared.config, dtype=prepared.dtype, seed=recorded_seed,
            state_dict=prepared.module.state_dict(), inputs=prepared.inputs, outputs=outputs,
            enforce_sorted=prepared.enforce_sorted,
        )}
        entry = case_entry(name=name, module=prepared.module_name, config=prepared.config, dtype=prepared.dtype,
                           file=fixture_rel, sha256=sha256_bytes(files[fixture_rel]), enforce_sorted=prepared.enforce_sorted)
        if exporter is not None:
            onnx_rel = f"onnx/{name}.onnx"
            with tempfile.TemporaryDirectory(prefix="rnn-parity-export-") as scratch, torch.no_grad():
                model_path = pathlib.Path(scratch) / "model.onnx"
                case = SimpleNamespace(name=name, enforce_sorted=prepared.enforce_sorted)
                info = exporter(prepared.module, case, dict(prepared.inputs), dict(outputs), model_path)
                files[onnx_rel] = model_path.read_bytes()
            entry["onnx"] = {"file": onnx_rel, "sha256": sha256_bytes(files[onnx_rel]), **info}
    write_case(out_path, entry, files, torch.__version__, overwrite)
    return entry


def _seed(seed: object) -> int:
    if seed is None:
        initial = torch.initial_seed()
        return initial if initial <= MAX_SEED else UNKNOWN_SEED
    if not isinstance(seed, int) or isinstance(seed, bool) or not -MAX_SEED <= seed <= MAX_SEED:
        raise ExportError("seed", f"expected an integer of magnitude at most 2^53 - 1, got {seed!r}")
    return seed


def _onnx_exporter():
    try:
        return importlib.import_module(f"{__package__}.onnx_export").export_case
    except ImportError as error:
        raise ExportError("onnx", f"onnx=True needs the onnx, onnxruntime and onnxscript packages ({error}); install "
                          "them (the versions in docs/export-your-model.md) or pass onnx=False") from None


@contextlib.contextmanager
def _deterministic() -> Iterator[None]:
    """One thread and deterministic algorithms, as the generator runs; the caller's settings come back."""
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
