"""manifest.json (docs/fixture-format.md): its entries, its text, and file hashes.

Shared by the generator, which writes a whole manifest at once, and export_fixture, which merges
one entry into a folder's manifest.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
from typing import Any

MANIFEST_FORMAT = "rnn-parity-manifest"
MANIFEST_VERSION = 2
MANIFEST_NAME = "manifest.json"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: pathlib.Path) -> str:
    return sha256_bytes(path.read_bytes())


def case_entry(*, name: str, module: str, config: dict[str, Any], dtype: str, file: str, sha256: str,
               enforce_sorted: bool | None = None) -> dict[str, Any]:
    """A manifest case without its ``onnx`` part; ``enforce_sorted`` is given exactly for packed cases."""
    return {
        "name": name,
        "module": module,
        "config": dict(config),
        **({"packing": {"enforce_sorted": bool(enforce_sorted)}} if enforce_sorted is not None else {}),
        "dtype": dtype,
        "file": file,
        "sha256": sha256,
    }


def manifest_doc(torch_version: str, cases: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "torch_version": torch_version,
        "cases": sorted(cases, key=lambda e: e["file"]),
    }


def manifest_json(manifest: dict[str, Any]) -> str:
    # sort_keys + fixed indent: the text depends only on the content, never on dict order.
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
