"""`--check` and `--out` for the small generators. A flat folder (rounding, safetensors) must equal
a fresh build byte for byte, no file missing and none extra, except where its generator says how a
file may differ and still agree (torch's outputs vary in their last bits between CPUs, as the
fixtures' do: `accept`); a single file (compare_cases, torch_errors) must equal it exactly, and is
replaced atomically."""

from __future__ import annotations

import pathlib
import sys
import tempfile
from typing import Callable, Optional

# (file name, committed bytes, fresh bytes) -> None when they do not agree, else a note saying how they do.
Accept = Callable[[str, bytes, bytes], Optional[str]]


def check_folder(folder: pathlib.Path, write_all: Callable[[pathlib.Path], None], accept: Accept | None = None) -> int:
    """0 when `folder` agrees with what `write_all` writes into an empty folder, else 1 with one line naming the files.

    Agrees: the same names, each file byte-identical or, when it is not, accepted by `accept`, whose
    notes are printed (so a check that passed on anything but identical bytes says why)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = pathlib.Path(tmp)
        write_all(fresh)
        names = sorted(p.name for p in fresh.iterdir())
        committed = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        bad: list[str] = []
        notes: list[str] = []
        for n in names:
            if n not in committed:
                bad.append(n)
                continue
            old, new = (folder / n).read_bytes(), (fresh / n).read_bytes()
            if old == new:
                continue
            note = accept(n, old, new) if accept is not None else None
            if note is None:
                bad.append(n)
            else:
                notes.append(f"{n}: {note}")
        bad += [n for n in committed if n not in names]
        if bad:
            print(f"{folder}: differs from a fresh build: {', '.join(bad)}", file=sys.stderr)
            return 1
    for note in notes:
        print(f"{folder}/{note}", file=sys.stderr)
    print(f"{folder}: up to date" if not notes else f"{folder}: agrees with a fresh build ({len(notes)} files not byte-identical, as above)", file=sys.stderr)
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
