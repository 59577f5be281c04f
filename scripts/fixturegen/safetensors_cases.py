"""Writes .safetensors files with the real `safetensors` package, for loadSafetensors' tests.

    python -m fixturegen.safetensors_cases --out ../test/data/safetensors
    python -m fixturegen.safetensors_cases --check ../test/data/safetensors

Each case is a seeded torch module saved as users do (`safetensors.torch.save_file(m.state_dict(),
path)`), next to `<name>.msgpack` holding torch's own reference: module, config, dtype, the same
state_dict as fixture tensors (docs/fixture-format.md), an input and torch's output for it. One
more file holds float16 weights, which the reader must refuse in one line. Output is deterministic on
one machine; `--check` lets torch's `output` move within assert_close's tolerance (another CPU).
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import msgpack
import torch
from safetensors.torch import save_file

from . import folder_check_selftest
from .folder_check import check_folder
from rnn_parity.fixture_format import decode_tensor, encode_tensor

FORMAT = "rnn-parity-safetensors-case"
VERSION = 1

# name -> (module, config, dtype)
CASES: dict[str, tuple[str, dict[str, object], torch.dtype]] = {
    "LSTM-bidir-L2-proj2-float32": (
        "LSTM",
        {"input_size": 3, "hidden_size": 4, "num_layers": 2, "bias": True, "batch_first": False,
         "dropout": 0.0, "bidirectional": True, "proj_size": 2},
        torch.float32,
    ),
    "GRU-batchfirst-L1-float64": (
        "GRU",
        {"input_size": 2, "hidden_size": 3, "num_layers": 1, "bias": True, "batch_first": True,
         "dropout": 0.0, "bidirectional": False},
        torch.float64,
    ),
    "RNN-nobias-relu-float32": (
        "RNN",
        {"input_size": 2, "hidden_size": 3, "num_layers": 1, "nonlinearity": "relu", "bias": False,
         "batch_first": False, "dropout": 0.0, "bidirectional": False},
        torch.float32,
    ),
}


def build_case(name: str, seed: int) -> tuple[dict[str, torch.Tensor], bytes]:
    module_name, config, dtype = CASES[name]
    torch.manual_seed(seed)
    module = getattr(torch.nn, module_name)(**config).to(dtype)
    batch_first = bool(config["batch_first"])
    shape = (2, 3, config["input_size"]) if batch_first else (3, 2, config["input_size"])
    x = torch.randn(*shape, dtype=dtype)
    with torch.no_grad():
        output = module(x)[0]
    sd = module.state_dict()
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "name": name,
        "module": module_name,
        "config": config,
        "dtype": str(dtype).removeprefix("torch."),
        "torch_version": torch.__version__,
        "state_dict": {k: encode_tensor(v) for k, v in sd.items()},
        "input": encode_tensor(x),
        "output": encode_tensor(output),
    }
    return dict(sd), msgpack.packb(doc, use_bin_type=True)


def write_all(out: pathlib.Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for seed, name in enumerate(CASES):
        sd, reference = build_case(name, seed)
        save_file(sd, str(out / f"{name}.safetensors"))
        (out / f"{name}.msgpack").write_bytes(reference)
    torch.manual_seed(99)
    half = {k: v.half() for k, v in torch.nn.GRU(2, 3).state_dict().items()}
    save_file(half, str(out / "GRU-float16.safetensors"))


def accept(name: str, committed: bytes, fresh: bytes) -> str | None:
    """A reference whose torch output moved within assert_close's defaults (another CPU's kernels sum
    in another order, as with the fixtures: docs/fixture-format.md) still agrees; its weights and
    input, and every .safetensors file, must be bit-identical."""
    if not name.endswith(".msgpack"):
        return None
    old, new = msgpack.unpackb(committed, raw=False), msgpack.unpackb(fresh, raw=False)
    if {k: v for k, v in old.items() if k != "output"} != {k: v for k, v in new.items() if k != "output"}:
        return None
    actual, expected = decode_tensor(new["output"]), decode_tensor(old["output"])
    try:
        torch.testing.assert_close(actual, expected)
    except AssertionError:
        return None
    return f"output within assert_close tolerance of this torch's (max abs diff {(actual - expected).abs().max().item():.3g}), all else bit-identical"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fixturegen.safetensors_cases", description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", type=pathlib.Path, help="write the files into this folder")
    group.add_argument("--check", type=pathlib.Path, help="exit 1 unless the folder equals a fresh build")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    if args.out is not None:
        write_all(args.out)
        print(f"wrote {args.out} ({len(CASES)} cases and a float16 file, torch {torch.__version__})", file=sys.stderr)
        return 0
    folder_check_selftest.check()
    return check_folder(args.check, write_all, accept)


if __name__ == "__main__":
    sys.exit(main())
