"""Encodes and decodes the msgpack fixture format described in docs/fixture-format.md.

The one writer of fixture files: the generator (scripts/fixturegen) and export_fixture both call
encode_fixture, so a user's export is byte-for-byte the format the bundled fixtures are.
"""

from __future__ import annotations

from typing import Any

import msgpack
import numpy as np
import torch

FIXTURE_FORMAT = "rnn-parity-fixture"
FIXTURE_VERSION = 2

# Explicit little-endian dtypes: the bytes on disk do not depend on the host's byte order.
# int64 (format v2) holds the packed cases' lengths, batch_sizes and indices.
_NUMPY_DTYPES = {"float32": np.dtype("<f4"), "float64": np.dtype("<f8"), "int64": np.dtype("<i8")}
_DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64"}


def encode_tensor(t: torch.Tensor) -> dict[str, Any]:
    dtype = _DTYPE_NAMES[t.dtype]
    array = t.detach().cpu().contiguous().numpy().astype(_NUMPY_DTYPES[dtype], copy=False)
    return {"dtype": dtype, "shape": list(t.shape), "data": array.tobytes(order="C")}


def decode_tensor(m: dict[str, Any]) -> torch.Tensor:
    array = np.frombuffer(m["data"], dtype=_NUMPY_DTYPES[m["dtype"]]).reshape(m["shape"])
    return torch.from_numpy(array.copy())


def encode_fixture(
    *,
    name: str,
    module: str,
    config: dict[str, Any],
    dtype: str,
    seed: int,
    state_dict: dict[str, torch.Tensor],
    inputs: dict[str, torch.Tensor],
    outputs: dict[str, torch.Tensor],
    enforce_sorted: bool | None = None,
) -> bytes:
    """One fixture file. ``enforce_sorted`` is given exactly for packed cases; ``inputs`` and
    ``outputs`` are written in the order given (the format's: input, hx, cx, lengths; outputs as
    forward.run_module returns them)."""
    # Key order is part of the format (the doc lists it); dicts keep insertion order.
    doc = {
        "format": FIXTURE_FORMAT,
        "version": FIXTURE_VERSION,
        "name": name,
        "module": module,
        "config": dict(config),
        "dtype": dtype,
        "seed": seed,
        "torch_version": torch.__version__,
        **({"packing": {"enforce_sorted": bool(enforce_sorted)}} if enforce_sorted is not None else {}),
        "state_dict": {k: encode_tensor(v) for k, v in state_dict.items()},
        "inputs": {k: encode_tensor(v) for k, v in inputs.items()},
        "outputs": {k: encode_tensor(v) for k, v in outputs.items()},
    }
    return msgpack.packb(doc, use_bin_type=True)


def decode_fixture(data: bytes) -> dict[str, Any]:
    """The raw map, tensors left as maps; used by verify to compare field by field."""
    return msgpack.unpackb(data, raw=False, strict_map_key=True)
