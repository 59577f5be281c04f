"""Compares committed fixtures with a fresh regeneration; one line per problem, exit 1 if any.

    python -m fixturegen.verify --committed fixtures --fresh /tmp/fresh [--skip-onnx]

Weights (state_dict), inputs and every other field must be bit-identical: they come from the
seeded RNG, not from arithmetic. Outputs come from arithmetic, which another CPU may round a last
bit differently, so they must only agree within torch.testing.assert_close's default tolerances.
The committed manifest's sha256 sums must match the committed files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pathlib
import sys
from typing import Any

import torch

from rnn_parity.fixture_format import decode_fixture, decode_tensor

EXACT_FIELDS = ("format", "version", "name", "module", "config", "dtype", "seed", "torch_version", "packing")


class Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.lines.append(f"{where}: {what}")


def read_manifest(root: pathlib.Path, problems: Problems, label: str) -> dict[str, Any] | None:
    path = root / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        problems.add(str(path), f"cannot read the {label} manifest ({err})")
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("cases"), list):
        problems.add(str(path), f"{label} manifest has no cases list")
        return None
    return manifest


def check_sha256(root: pathlib.Path, rel: str, expected: str, problems: Problems) -> bytes | None:
    path = root / rel
    try:
        data = path.read_bytes()
    except OSError as err:
        problems.add(str(path), f"listed in the manifest but unreadable ({err.strerror})")
        return None
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        problems.add(str(path), f"sha256 is {actual}, the manifest says {expected}")
    return data


def compare_exact_tensors(where: str, a: dict[str, Any], b: dict[str, Any], problems: Problems) -> None:
    if set(a) != set(b):
        problems.add(where, f"keys differ: committed {sorted(b)}, fresh {sorted(a)}")
    for key in sorted(set(a) & set(b)):
        fa, fb = a[key], b[key]
        if fa.get("dtype") != fb.get("dtype") or fa.get("shape") != fb.get("shape"):
            problems.add(f"{where}.{key}", f"committed {fb.get('dtype')}{fb.get('shape')}, fresh {fa.get('dtype')}{fa.get('shape')}")
        elif fa.get("data") != fb.get("data"):
            diff = (decode_tensor(fa) != decode_tensor(fb)).sum().item()
            problems.add(f"{where}.{key}", f"not bit-identical ({diff} elements differ)")


def compare_outputs(where: str, fresh: dict[str, Any], committed: dict[str, Any], problems: Problems, stats: dict[str, float]) -> None:
    if set(fresh) != set(committed):
        problems.add(where, f"keys differ: committed {sorted(committed)}, fresh {sorted(fresh)}")
    for key in sorted(set(fresh) & set(committed)):
        actual, expected = decode_tensor(fresh[key]), decode_tensor(committed[key])
        try:
            torch.testing.assert_close(actual, expected)
        except AssertionError as err:
            message = "; ".join(line.strip() for line in str(err).splitlines() if line.strip())
            problems.add(f"{where}.{key}", message)
            continue
        if fresh[key]["data"] == committed[key]["data"]:
            stats["identical"] += 1
        else:
            stats["close"] += 1
            stats["max_abs_diff"] = max(stats["max_abs_diff"], (actual - expected).abs().max().item())


def verify_case(case: dict[str, Any], fresh_case: dict[str, Any], committed: pathlib.Path, fresh: pathlib.Path,
                committed_bytes: bytes, skip_onnx: bool, problems: Problems, stats: dict[str, float]) -> None:
    where = str(committed / case["file"])
    for key in ("module", "config", "packing", "dtype", "file"):
        if case.get(key) != fresh_case.get(key):
            problems.add(f"manifest.json {case['name']}", f"{key} is {case.get(key)!r}, fresh {fresh_case.get(key)!r}")
    try:
        fresh_bytes = (fresh / fresh_case["file"]).read_bytes()
        a, b = decode_fixture(fresh_bytes), decode_fixture(committed_bytes)
    except Exception as err:  # noqa: BLE001 - any unreadable file is one reported problem
        problems.add(where, f"cannot decode ({err})")
        return
    for field in EXACT_FIELDS:
        if a.get(field) != b.get(field):
            problems.add(f"{where} {field}", f"committed {b.get(field)!r}, fresh {a.get(field)!r}")
    compare_exact_tensors(f"{where} state_dict", a.get("state_dict", {}), b.get("state_dict", {}), problems)
    compare_exact_tensors(f"{where} inputs", a.get("inputs", {}), b.get("inputs", {}), problems)
    compare_outputs(f"{where} outputs", a.get("outputs", {}), b.get("outputs", {}), problems, stats)
    if skip_onnx or "onnx" not in case:
        return
    onnx_fresh = fresh_case.get("onnx")
    if onnx_fresh is None:
        problems.add(f"manifest.json {case['name']}", "the fresh run exported no ONNX model")
        return
    for key in sorted(set(case["onnx"]) | set(onnx_fresh)):
        if key != "sha256" and case["onnx"].get(key) != onnx_fresh.get(key):
            problems.add(f"manifest.json {case['name']} onnx.{key}", f"committed {case['onnx'].get(key)!r}, fresh {onnx_fresh.get(key)!r}")
    if case["onnx"].get("sha256") != onnx_fresh.get("sha256"):
        problems.add(case["onnx"]["file"], "differs from a fresh export of the same module")


def verify(committed: pathlib.Path, fresh: pathlib.Path, skip_onnx: bool) -> list[str]:
    problems = Problems()
    stats = {"identical": 0, "close": 0, "max_abs_diff": 0.0}
    cm = read_manifest(committed, problems, "committed")
    fm = read_manifest(fresh, problems, "fresh")
    if cm is None or fm is None:
        return problems.lines
    if cm.get("torch_version") != fm.get("torch_version"):
        problems.add("manifest.json torch_version", f"committed {cm.get('torch_version')!r}, fresh {fm.get('torch_version')!r}")
    listed = set()
    fresh_by_name = {c.get("name"): c for c in fm["cases"]}
    committed_names = set()
    for case in cm["cases"]:
        committed_names.add(case.get("name"))
        listed.add(case.get("file"))
        data = check_sha256(committed, case["file"], case["sha256"], problems)
        if "onnx" in case:
            listed.add(case["onnx"]["file"])
            check_sha256(committed, case["onnx"]["file"], case["onnx"]["sha256"], problems)
        fresh_case = fresh_by_name.get(case.get("name"))
        if fresh_case is None:
            problems.add(f"manifest.json {case.get('name')}", "committed but no longer generated")
        elif data is not None:
            verify_case(case, fresh_case, committed, fresh, data, skip_onnx, problems, stats)
    for name in sorted(set(fresh_by_name) - committed_names):
        problems.add(f"manifest.json {name}", "generated but not committed")
    for path in sorted(p for p in committed.rglob("*") if p.is_file()):
        rel = path.relative_to(committed).as_posix()
        if rel != "manifest.json" and rel not in listed:
            problems.add(str(path), "not listed in the manifest")
    if not problems.lines:
        print(
            f"verified {len(cm['cases'])} cases: weights and inputs bit-identical; "
            f"{stats['identical']} outputs bit-identical, {stats['close']} within assert_close tolerance"
            + (f" (max abs diff {stats['max_abs_diff']:.3g})" if stats["close"] else ""),
            file=sys.stderr,
        )
    return problems.lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fixturegen.verify", description=__doc__.split("\n")[0])
    parser.add_argument("--committed", type=pathlib.Path, required=True, help="the committed fixtures folder")
    parser.add_argument("--fresh", type=pathlib.Path, required=True, help="a fresh regeneration")
    parser.add_argument("--skip-onnx", action="store_true", help="do not compare ONNX exports")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    lines = verify(args.committed, args.fresh, args.skip_onnx)
    for line in lines:
        print(line, file=sys.stderr)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
