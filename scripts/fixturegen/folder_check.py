"""`--check FOLDER` for the small generators whose output is a flat folder (rounding, safetensors):
the folder must equal a fresh build byte for byte, no file missing and none extra."""

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
