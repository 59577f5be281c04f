"""Generator CLI: writes <out>/<dtype>/<case>.msgpack, <out>/onnx/<case>.onnx and <out>/manifest.json.

    python -m fixturegen.generate --out DIR [--filter REGEX ...] [--skip-onnx]
    python -m fixturegen.generate --list [--filter REGEX ...]

Run with scripts/ as the working directory or on PYTHONPATH. The manifest is written last, so an
output folder without one is incomplete. Two runs on one machine give byte-identical files.
"""

from __future__ import annotations

import argparse
import importlib
import pathlib
import re
import sys
import time
from typing import Any

from rnn_parity.manifest import case_entry, manifest_doc, manifest_json, sha256_file

from .cases import Case, all_cases


def select_cases(filters: list[str]) -> list[Case]:
    cases = all_cases()
    if not filters:
        return cases
    patterns = [re.compile(f) for f in filters]
    return [c for c in cases if any(p.search(c.name) for p in patterns)]


def generate(out: pathlib.Path, cases: list[Case], skip_onnx: bool) -> dict[str, Any]:
    # Imported here so `--list` works without torch.
    import torch  # noqa: PLC0415

    from .build import build_case, configure_torch, fixture_bytes  # noqa: PLC0415

    # onnxruntime and onnx load slowly; --skip-onnx (development only) does without them.
    export_case = None if skip_onnx else importlib.import_module("rnn_parity.onnx_export").export_case
    configure_torch()
    if export_case is not None:
        # The attribute checks that guard every graph must themselves refuse what they claim to.
        refused = importlib.import_module(f"{__package__}.onnx_checks_selftest").run()
        print(f"onnx_checks refused all {refused} deliberately broken graphs", file=sys.stderr)
    entries = []
    started = time.monotonic()
    for i, case in enumerate(cases, 1):
        built = build_case(case)
        rel = f"{case.dtype}/{case.name}.msgpack"
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(fixture_bytes(case, built))
        entry = case_entry(name=case.name, module=case.module, config=case.config, dtype=case.dtype, file=rel,
                           sha256=sha256_file(path), enforce_sorted=case.enforce_sorted if case.packed else None)
        if export_case is not None:
            onnx_rel = f"onnx/{case.name}.onnx"
            onnx_path = out / onnx_rel
            onnx_path.parent.mkdir(parents=True, exist_ok=True)
            with torch.no_grad():
                info = export_case(built.module, case, dict(built.inputs), dict(built.outputs), onnx_path)
            entry["onnx"] = {"file": onnx_rel, "sha256": sha256_file(onnx_path), **info}
        entries.append(entry)
        print(f"[{i}/{len(cases)}] {case.name}", file=sys.stderr, flush=True)
    manifest = manifest_doc(torch.__version__, entries)
    (out / "manifest.json").write_text(manifest_json(manifest), encoding="utf-8")
    print(
        f"generated {len(entries)} cases into {out} in {time.monotonic() - started:.1f}s",
        file=sys.stderr,
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fixturegen.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=pathlib.Path, help="output folder (created; must be empty)")
    parser.add_argument("--filter", action="append", default=[], metavar="REGEX", help="only cases whose name matches (repeatable)")
    parser.add_argument("--skip-onnx", action="store_true", help="development only: do not export ONNX models")
    parser.add_argument("--list", action="store_true", help="print the selected case names, one per line, and exit")
    args = parser.parse_args(argv)
    cases = select_cases(args.filter)
    if args.list:
        for case in cases:
            print(case.name)
        return 0
    if args.out is None:
        parser.error("--out is required (or --list)")
    if not cases:
        parser.error("no case matches the filters")
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    args.out.mkdir(parents=True, exist_ok=True)
    generate(args.out, cases, args.skip_onnx)
    return 0


if __name__ == "__main__":
    sys.exit(main())
