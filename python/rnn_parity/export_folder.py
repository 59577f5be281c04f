"""Adds one case to a fixtures folder: its files and its entry in manifest.json, all or nothing.

Everything is computed before this runs; here the folder is locked (flock on the folder itself,
where the platform has it, so two exports into one folder merge instead of losing an entry), the
manifest re-read, collisions refused, each file written under a temporary dot-name (which readers
skip) and renamed into place, and the manifest replaced last, by rename. An export that fails
before the renames leaves the folder as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import re
from collections.abc import Iterator
from typing import Any

from .errors import ExportError
from .manifest import MANIFEST_FORMAT, MANIFEST_NAME, MANIFEST_VERSION, manifest_doc, manifest_json

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; concurrent exports into one folder are then the caller's care
    fcntl = None  # type: ignore[assignment]

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+=-]{0,199}$")


def check_name(name: object) -> str:
    if not isinstance(name, str):
        raise ExportError("name", f"expected a string, got {type(name).__name__}")
    if not NAME.match(name) or name.endswith((".msgpack", ".onnx")):
        raise ExportError("name", f"{name!r}: use letters, digits and . _ + = - (at most 200, not starting with . or -, "
                          "no extension); it is the case name and the file stem")
    return name


def check_out(out: object) -> pathlib.Path:
    if not isinstance(out, (str, os.PathLike)):
        raise ExportError("out", f"expected a folder path, got {type(out).__name__}")
    path = pathlib.Path(out)
    for parent in [path, *path.parents]:
        if parent.exists() and not parent.is_dir():
            raise ExportError("out", f"{parent} is a file, not a folder")
    return path


def write_case(out: pathlib.Path, entry: dict[str, Any], files: dict[str, bytes], torch_version: str, overwrite: bool) -> None:
    """``files`` maps the entry's relative paths (its ``file`` and ``onnx.file``) to their bytes."""
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    staged: list[pathlib.Path] = []
    made: list[pathlib.Path] = []
    try:
        with _locked(out):
            cases = _read_cases(out)
            old = next((c for c in cases if c.get("name") == entry["name"]), None)
            if old is not None and not overwrite:
                raise ExportError("name", f"{entry['name']!r} is already a case in {out / MANIFEST_NAME}; "
                                  "choose another name or pass overwrite=True (--overwrite)")
            listed = {f for c in cases if c is not old for f in _files_of(c)}
            for rel in files:
                target = out / rel
                if rel in listed:
                    raise ExportError("name", f"{target} belongs to another case of {out / MANIFEST_NAME}")
                if target.exists() and not overwrite:
                    raise ExportError("out", f"{target} exists and is not listed in {MANIFEST_NAME}; remove it or pass "
                                      "overwrite=True (--overwrite)")
            for rel, data in files.items():
                target = out / rel
                if not target.parent.exists():
                    target.parent.mkdir(parents=True)
                    made.append(target.parent)
                temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
                staged.append(temporary)
                _write_synced(temporary, data)
            manifest_tmp = out / f".{MANIFEST_NAME}.tmp-{os.getpid()}"
            staged.append(manifest_tmp)
            kept = [c for c in cases if c is not old] + [entry]
            _write_synced(manifest_tmp, manifest_json(manifest_doc(torch_version, kept)).encode("utf-8"))
            # The point of no return: the new files, then the manifest that lists them.
            for temporary, rel in zip(staged, files):
                os.replace(temporary, out / rel)
            os.replace(manifest_tmp, out / MANIFEST_NAME)
            staged.clear()
            for rel in _files_of(old) if old is not None else []:
                if rel not in files:
                    (out / rel).unlink(missing_ok=True)
    except BaseException:
        for temporary in staged:
            temporary.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()
        raise


def _files_of(case: dict[str, Any]) -> list[str]:
    onnx = case.get("onnx")
    return [case["file"]] + ([onnx["file"]] if isinstance(onnx, dict) and "file" in onnx else [])


def _read_cases(out: pathlib.Path) -> list[dict[str, Any]]:
    path = out / MANIFEST_NAME
    if not path.exists():
        strays = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
        if strays:
            raise ExportError("out", f"{out} is not empty ({', '.join(strays[:3])}) and has no {MANIFEST_NAME}, so it is not "
                              "a fixtures folder export_fixture wrote; choose a new or empty folder")
        return []
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExportError("out", f"{path} cannot be read as JSON ({error})") from None
    if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT or doc.get("version") != MANIFEST_VERSION:
        raise ExportError("out", f"{path} is not an {MANIFEST_FORMAT} version {MANIFEST_VERSION} manifest")
    cases = doc.get("cases")
    if not isinstance(cases, list) or not all(isinstance(c, dict) and isinstance(c.get("file"), str) for c in cases):
        raise ExportError("out", f"{path}: cases is not a list of cases with files")
    return cases


def _write_synced(path: pathlib.Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextlib.contextmanager
def _locked(folder: pathlib.Path) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
