"""Command-line form of export_fixture (docs/export-your-model.md).

    python node_modules/rnn-parity/python/export_fixture.py MODULE --input FILE --out DIR --name NAME [options]

MODULE is the recurrent layer, given as one of
  FILE.pt                  torch.save(module) of a torch.nn.RNN/LSTM/GRU/RNNCell/LSTMCell/GRUCell, loaded
                           with torch.load(weights_only=True) (those six classes allowed, no other code runs)
  PACKAGE.MODULE:NAME      an importable Python module's attribute: an nn.Module, or a callable that
  FILE.py:NAME             returns one when called with no arguments (your model class or factory)
then --state-dict FILE loads trained weights into it (torch.save(model.state_dict())), and --submodule PATH
picks the recurrent layer inside a larger model (e.g. encoder.lstm). Tensors are torch.save files.
Exit status: 0 written; 2 bad arguments or input (one line naming it, nothing written); 1 no verified ONNX model.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import pathlib
import sys
from typing import Any

from .errors import ExportError, OnnxExportError

PROG = "export_fixture.py"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: ANN201 - argparse's signature
        """One line, exit 2 (argparse's default prints the whole usage first)."""
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n", 3)[3], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module", metavar="MODULE", help="FILE.pt, PACKAGE.MODULE:NAME or FILE.py:NAME (see below)")
    parser.add_argument("--input", required=True, metavar="FILE", help="torch.save of the input tensor (padded with --lengths)")
    parser.add_argument("--hx", metavar="FILE", help="torch.save of h_0, or of the tuple (h_0, c_0) for LSTMs")
    parser.add_argument("--lengths", metavar="N,N,...|FILE", help="packed sequence: the lengths, comma-separated or a torch.save file")
    parser.add_argument("--no-enforce-sorted", dest="enforce_sorted", action="store_false", default=None,
                        help="with --lengths: lengths in any order (pack_padded_sequence's enforce_sorted=False)")
    parser.add_argument("--out", required=True, metavar="DIR", help="fixtures folder (created; the case is added to its manifest.json)")
    parser.add_argument("--name", required=True, help="case name: the file stem, unique in the folder")
    parser.add_argument("--state-dict", metavar="FILE", help="torch.save(model.state_dict()) to load into MODULE")
    parser.add_argument("--submodule", metavar="PATH", help="dotted path to the recurrent layer inside MODULE, e.g. encoder.lstm")
    parser.add_argument("--seed", type=int, help="recorded as the fixture's seed (default: torch.initial_seed())")
    parser.add_argument("--no-onnx", dest="onnx", action="store_false", help="write the fixture without an ONNX model")
    parser.add_argument("--overwrite", action="store_true", help="replace a case of the same name")
    return parser


def main(argv: list[str] | None = None, prog: str = PROG) -> int:
    args = _parser(prog).parse_args(argv)
    try:
        import torch  # noqa: PLC0415 - after argparse, so --help is fast

        from .export import export_fixture  # noqa: PLC0415

        module = _load_module(args.module, torch)
        if args.state_dict is not None:
            # Into the whole model, as it was saved; --submodule then picks the layer.
            state = _load_tensors(torch, args.state_dict, "--state-dict")
            try:
                module.load_state_dict(state)
            except (RuntimeError, TypeError, AttributeError) as error:
                raise ExportError("--state-dict", f"{args.state_dict}: {' '.join(str(error).split())[:300]}") from None
        module = _submodule(module, args.submodule, args.module)
        entry = export_fixture(
            module,
            _load_tensors(torch, args.input, "--input"),
            None if args.hx is None else _load_tensors(torch, args.hx, "--hx"),
            out=args.out, name=args.name, lengths=_lengths(torch, args.lengths), enforce_sorted=args.enforce_sorted,
            onnx=args.onnx, seed=args.seed, overwrite=args.overwrite,
        )
    except ExportError as error:
        print(f"{prog}: {_cli_name(error)}", file=sys.stderr)
        return 2
    except OnnxExportError as error:
        print(f"{prog}: ONNX export: {_first_line(error)} (nothing written; --no-onnx writes the fixture alone)", file=sys.stderr)
        return 1
    onnx = entry.get("onnx")
    how = f" and {onnx['file']} ({onnx['exporter']}, {onnx['graph']}, verified with onnxruntime)" if onnx else ""
    print(f"{prog}: wrote {entry['file']}{how} into {args.out}; check with: npx rnn-parity check {args.out}")
    return 0


def _cli_name(error: ExportError) -> str:
    """The argument as the command line spells it (export_fixture's names are the Python ones)."""
    flags = {"module": "MODULE", "input": "--input", "hx": "--hx", "hx[0]": "--hx (h_0)", "hx[1]": "--hx (c_0)",
             "lengths": "--lengths", "enforce_sorted": "--no-enforce-sorted", "out": "--out", "name": "--name",
             "seed": "--seed", "onnx": "--no-onnx"}
    return f"{flags.get(error.argument, error.argument)}: {error.problem}"


def _load_module(spec: str, torch: Any) -> Any:
    if ":" not in spec or spec.endswith((".pt", ".pth")):
        path = pathlib.Path(spec)
        if not path.is_file():
            raise ExportError("module", f"{spec}: no such file (give FILE.pt, PACKAGE.MODULE:NAME or FILE.py:NAME)")
        classes = [torch.nn.RNN, torch.nn.LSTM, torch.nn.GRU, torch.nn.RNNCell, torch.nn.LSTMCell, torch.nn.GRUCell]
        try:
            with torch.serialization.safe_globals(classes):
                return torch.load(path, map_location="cpu", weights_only=True)
        except Exception as error:  # noqa: BLE001 - any unpickling failure is this argument's
            raise ExportError("module", f"{spec}: torch.load(weights_only=True) cannot read it ({_first_line(error)}); "
                              "a model of your own class loads through PACKAGE.MODULE:NAME or FILE.py:NAME") from None
    where, _, attr = spec.rpartition(":")
    try:
        if where.endswith(".py"):
            location = importlib.util.spec_from_file_location(pathlib.Path(where).stem, where)
            if location is None or location.loader is None or not pathlib.Path(where).is_file():
                raise ExportError("module", f"{where}: no such Python file")
            code = importlib.util.module_from_spec(location)
            sys.path.insert(0, str(pathlib.Path(where).resolve().parent))
            location.loader.exec_module(code)
        else:
            code = importlib.import_module(where)
    except ExportError:
        raise
    except Exception as error:  # noqa: BLE001 - the user's code failed to import
        raise ExportError("module", f"{spec}: importing {where} failed: {type(error).__name__}: {_first_line(error)}") from None
    if not hasattr(code, attr):
        raise ExportError("module", f"{spec}: {where} has no attribute {attr!r}")
    value = getattr(code, attr)
    if isinstance(value, torch.nn.Module) or not callable(value):
        return value
    try:
        return value()
    except Exception as error:  # noqa: BLE001 - the user's factory failed
        raise ExportError("module", f"{spec}: calling {attr}() failed: {type(error).__name__}: {_first_line(error)}") from None


def _submodule(module: Any, path: str | None, spec: str) -> Any:
    if path is None:
        return module
    try:
        return module.get_submodule(path)
    except AttributeError as error:
        raise ExportError("--submodule", f"{path}: not a submodule of {spec} ({_first_line(error)})") from None


def _load_tensors(torch: Any, file: str, flag: str) -> Any:
    try:
        return torch.load(file, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise ExportError(flag, f"{file}: no such file") from None
    except Exception as error:  # noqa: BLE001 - any unpickling failure is this argument's
        raise ExportError(flag, f"{file}: torch.load(weights_only=True) cannot read it ({_first_line(error)})") from None


def _lengths(torch: Any, value: str | None) -> Any:
    if value is None:
        return None
    if pathlib.Path(value).is_file():
        return _load_tensors(torch, value, "--lengths")
    try:
        return [int(v) for v in value.split(",")]
    except ValueError:
        raise ExportError("lengths", f"{value!r}: expected comma-separated integers or a torch.save file") from None


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
