"""`--check` and `--out` for the small generators. A flat folder (rounding, safetensors) must equal
a fresh build byte for byte, no file missing and none extra; a single file (compare_cases,
torch_errors) likewise, and is replaced atomically."""

from __future__ import annotations

import pathlib
import sys
import tempfile
from typing import Callable


def check_folder(folder: pathlib.Path, write_all: Callable[[pathlib.Path], None]) -> int:
    """0 when `folder` equals what `write_all` writes into an empty folder, else 1 with one line naming the files."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = pathlib.Path(tmp)
        write_all(fresh)
        names = sorted(p.name for p in fresh.iterdir())
        committed = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        bad = [n for n in names if n not in committed or (folder / n).read_bytes() != (fresh / n).read_bytes()]
        bad += [n for n in committed if n not in names]
        if bad:
            print(f"{folder}: differs from a fresh build: {', '.join(bad)}", file=sys.stderr)
            return 1
    print(f"{folder}: up to date", file=sys.stderr)
    return 0


def check_file(path: pathlib.Path, data: bytes, source: str) -> int:
    """0 when `path` holds exactly `data`, else 1 with one line saying what it should agree with."""
    if not path.is_file() or path.read_bytes() != data:
        print(f"{path}: differs from what {source} produces now", file=sys.stderr)
        return 1
    print(f"{path}: up to date", file=sys.stderr)
    return 0


def write_file(path: pathlib.Path, data: bytes) -> None:
    """Writes next to `path`, then renames: the old file stays until the new one is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
