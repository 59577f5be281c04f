"""Records torch.testing.assert_close's verdict and message for a set of tensor pairs.

    python -m fixturegen.compare_cases --out ../test/data/assert-close-cases.msgpack
    python -m fixturegen.compare_cases --check ../test/data/assert-close-cases.msgpack

The TypeScript comparison (src/compare) claims assert_close's semantics and wording; this file is
the ground truth it is tested against (test/compare-assert-close.test.ts), so the claim is checked
against torch itself rather than against anyone's memory of torch. Run with scripts/ as the working
directory or on PYTHONPATH. Output is deterministic: the same torch gives byte-identical bytes.

File layout (msgpack map): format "rnn-parity-assert-close-cases", version 1, torch_version, and
cases: a list of maps with name, actual, expected (tensors as in docs/fixture-format.md), rtol and
atol (float, or nil for the dtype default), item (str or nil: when set, the pair was compared as
{item: tensor} dicts, so the message ends with "The failure occurred for item [...]"), passed
(bool) and message (str, "" when passed).

Version 2 adds, per case, `elements` (nil when shape or dtype differ, as nothing is compared): torch's
element-by-element view, for the numbers a passing comparison reports and the per-step reports use
(src/compare's elementCloseness), which assert_close's message does not show. All computed by torch
in the tensors' dtype, tolerances as assert_close resolves them:
  close        torch.isclose(actual, expected, rtol, atol) per element, flattened (bools)
  abs_diff     |actual - expected|, 0 where actual == expected (so equal infinities give 0, not NaN)
  ratio        abs_diff / (atol + rtol * |expected|) in float64: 0 where equal; where abs_diff is not
               finite or the allowance is 0, 0 if close and inf if not (headroom is 1 - its maximum)
  max_abs, max_abs_index, max_rel, max_rel_index
               torch.max over the mismatched elements if any, else over all (abs_diff and
               abs_diff / |expected|, 0 where equal), with the multi-index of the first maximum
  worst_index  multi-index of the first maximum of ratio
Integer pairs (int64) are compared as assert_close compares integers: exactly by default.
"""

from __future__ import annotations

import argparse
import math
import pathlib
import sys
from collections.abc import Callable
from typing import Any

import msgpack
import torch

from rnn_parity.fixture_format import encode_tensor

from .folder_check import check_file, write_file

FORMAT = "rnn-parity-assert-close-cases"
VERSION = 2

F32 = torch.float32
F64 = torch.float64
INF = math.inf
NAN = math.nan


class Pair:
    def __init__(
        self,
        name: str,
        actual: torch.Tensor,
        expected: torch.Tensor,
        rtol: float | None = None,
        atol: float | None = None,
        item: str | None = None,
    ) -> None:
        self.name = name
        self.actual = actual
        self.expected = expected
        self.rtol = rtol
        self.atol = atol
        self.item = item


def t(values: Any, dtype: torch.dtype) -> torch.Tensor:
    return torch.tensor(values, dtype=dtype)


def randn(shape: tuple[int, ...], dtype: torch.dtype, seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=g, dtype=dtype)


def with_edit(x: torch.Tensor, edit: Callable[[torch.Tensor], None]) -> torch.Tensor:
    y = x.clone()
    edit(y)
    return y


def bump_flat(x: torch.Tensor, flat_indices: list[int], delta: float) -> torch.Tensor:
    y = x.clone()
    flat = y.view(-1)  # a view: writes land in y (advanced indexing on the right would copy)
    for i in flat_indices:
        flat[i] += delta
    return y


def boundary(expected: torch.Tensor, rtol: float, atol: float, ulps: int) -> torch.Tensor:
    """expected moved by (about) its full tolerance, then `ulps` steps further out or back in."""
    allowed = atol + rtol * expected.double().abs()
    moved = (expected.double() + allowed).to(expected.dtype)
    direction = torch.full_like(moved, INF if ulps > 0 else -INF)
    for _ in range(abs(ulps)):
        moved = torch.nextafter(moved, direction)
    return moved


def pairs_for(dtype: torch.dtype) -> list[Pair]:
    tag = "float32" if dtype == F32 else "float64"
    rtol, atol = (1.3e-6, 1e-5) if dtype == F32 else (1e-7, 1e-7)
    e2 = randn((3, 4), dtype, 1)
    e1 = randn((7,), dtype, 2)
    e3 = randn((2, 3, 4), dtype, 3)
    big = randn((4, 5, 6), dtype, 4) * 3
    out: list[Pair] = []

    def add(name: str, actual: torch.Tensor, expected: torch.Tensor, **kw: Any) -> None:
        out.append(Pair(f"{name}-{tag}", actual, expected, **kw))

    add("exact-1d", e1.clone(), e1)
    add("exact-2d", e2.clone(), e2)
    add("exact-3d", e3.clone(), e3)
    add("within-atol-2d", e2 + atol / 2, e2)
    add("outside-3-2d", bump_flat(e2, [1, 6, 11], 1e-3), e2)
    add("outside-one-1d", with_edit(e1, lambda y: y[4].add_(1e-3)), e1)
    add("outside-1e-9-1d", with_edit(e1, lambda y: y[4].add_(1e-9)), e1)
    add("outside-3d", with_edit(e3, lambda y: y[1, 2, 3].sub_(5e-4)), e3)
    add("outside-different-worst-3d", with_edit(e3, lambda y: (y[0, 1, 2].add_(2e-3), y[1, 0, 0].add_(1e-3))), e3)
    add("boundary-in-3d", boundary(big, rtol, atol, -1), big)
    add("boundary-on-3d", boundary(big, rtol, atol, 0), big)
    add("boundary-out-3d", boundary(big, rtol, atol, 1), big)
    add("boundary-out2-3d", boundary(big, rtol, atol, 2), big)
    add("all-off-2d", e2 + 1.0, e2)
    add("tie-abs-1d", t([1.0, 2.0, 3.0, 4.0], dtype), t([1.5, 2.5, 3.5, 4.5], dtype))
    add("pct-1-of-16-1d", with_edit(randn((16,), dtype, 5), lambda y: y[9].add_(1.0)), randn((16,), dtype, 5))
    add("pct-1-of-8-1d", with_edit(randn((8,), dtype, 6), lambda y: y[2].add_(1.0)), randn((8,), dtype, 6))
    add("pct-2-of-3-1d", t([1.0, 2.0, 3.0], dtype), t([1.0, 2.5, 3.5], dtype))
    add("pct-1-of-1000-1d", with_edit(randn((1000,), dtype, 7), lambda y: y[999].add_(1.0)), randn((1000,), dtype, 7))
    add("pct-1-of-2000-1d", with_edit(randn((2000,), dtype, 8), lambda y: y[5].add_(1.0)), randn((2000,), dtype, 8))
    add("pct-3-of-2000-1d", with_edit(randn((2000,), dtype, 8), lambda y: y[5:8].add_(1.0)), randn((2000,), dtype, 8))
    add("zero-expected-1d", t([0.0, 1e-3, 0.0, 2.0], dtype), t([0.0, 0.0, 0.0, 2.0], dtype))
    # Exactly on the boundary: |a - e| == atol with e == 0, so `<=` passes and `<` would not.
    add("atol-on-zero-1d", t([atol, -atol], dtype), t([0.0, 0.0], dtype))
    add("zero-expected-within-1d", t([0.0, atol / 2, -atol / 2], dtype), t([0.0, 0.0, 0.0], dtype))
    add("neg-zero-1d", t([-0.0, 0.0], dtype), t([0.0, -0.0], dtype))
    add("nan-vs-nan-1d", t([1.0, NAN, 3.0], dtype), t([1.0, NAN, 3.0], dtype))
    add("nan-vs-number-1d", t([1.0, NAN, 3.0], dtype), t([1.0, 2.0, 3.0], dtype))
    add("number-vs-nan-1d", t([1.0, 2.0, 3.0], dtype), t([1.0, NAN, 3.0], dtype))
    add("nan-and-finite-mismatch-2d", t([[1.0, NAN], [3.5, 4.0]], dtype), t([[1.0, 2.0], [3.0, 4.0]], dtype))
    add("finite-mismatch-then-nan-2d", t([[1.5, 2.0], [3.0, NAN]], dtype), t([[1.0, 2.0], [3.0, 4.0]], dtype))
    add("two-nans-1d", t([NAN, 1.0, NAN], dtype), t([0.0, 1.0, 5.0], dtype))
    add("pinf-vs-pinf-1d", t([1.0, INF], dtype), t([1.0, INF], dtype))
    add("ninf-vs-ninf-1d", t([-INF, 1.0], dtype), t([-INF, 1.0], dtype))
    add("pinf-vs-ninf-1d", t([1.0, INF], dtype), t([1.0, -INF], dtype))
    add("inf-vs-number-1d", t([INF, 1.0], dtype), t([2.0, 1.0], dtype))
    add("number-vs-inf-1d", t([2.0, 1.0], dtype), t([INF, 1.0], dtype))
    add("inf-and-finite-mismatch-1d", t([INF, 1.5, 3.0], dtype), t([-INF, 1.0, 3.0], dtype))
    add("large-values-1d", t([1e20, 3e17, 1.0], dtype), t([1.0001e20, 3e17, 1.0], dtype))
    add("tiny-values-1d", t([1e-30, 3e-25], dtype), t([0.0, 1e-25], dtype))
    add("tiny-values-equality-1d", t([1e-30, 3e-25], dtype), t([0.0, 1e-25], dtype), rtol=0.0, atol=0.0)
    add("integral-diff-1d", t([5.0, 6.0], dtype), t([3.0, 6.0], dtype))
    add("hundredths-1d", t([1.25, 0.0], dtype), t([1.0, 0.0], dtype))
    add("custom-tol-pass-2d", e2 + 1e-3, e2, rtol=0.0, atol=2e-3)
    add("custom-tol-fail-2d", e2 + 1e-3, e2, rtol=1e-4, atol=1e-4)
    add("custom-rtol-only-1d", t([1.0, 100.5], dtype), t([1.0, 100.0], dtype), rtol=1e-3, atol=0.0)
    add("custom-rtol-only-pass-1d", t([1.0, 100.05], dtype), t([1.0, 100.0], dtype), rtol=1e-3, atol=0.0)
    add("custom-atol-only-fail-1d", t([1.0, 2.001], dtype), t([1.0, 2.0], dtype), rtol=0.0, atol=1e-4)
    add("tied-ratios-1d", t([1.5, 1.5, 1.0], dtype), t([1.0, 1.0, 1.0], dtype))
    add("equality-1d", t([1.0, 2.0 + 1e-6], dtype), t([1.0, 2.0], dtype), rtol=0.0, atol=0.0)
    add("shape-2x3-vs-3x2", randn((2, 3), dtype, 9), randn((3, 2), dtype, 9))
    add("shape-1d-vs-2d", randn((6,), dtype, 10), randn((1, 6), dtype, 10))
    # The actual shape a prefix of the expected one: equal in every dim it has.
    add("shape-prefix", randn((2,), dtype, 12), randn((2, 3), dtype, 12))
    add("shape-same-rank", randn((2, 3), dtype, 13), randn((2, 4), dtype, 13))
    add("scalar-fail-0d", t(1.5, dtype), t(1.0, dtype))
    add("scalar-pass-0d", t(1.0, dtype), t(1.0, dtype))
    add("scalar-zero-0d", t(1e-3, dtype), t(0.0, dtype))
    add("scalar-two-0d", t(2.5, dtype), t(2.0, dtype))
    add("scalar-nan-vs-zero-0d", t(NAN, dtype), t(0.0, dtype))
    add("scalar-equality-0d", t(1.5, dtype), t(1.0, dtype), rtol=0.0, atol=0.0)
    add("scalar-atol-only-0d", t(1.5, dtype), t(1.0, dtype), rtol=0.0, atol=1e-4)
    add("scalar-rtol-only-0d", t(1.5, dtype), t(1.0, dtype), rtol=1e-3, atol=0.0)
    add("empty-1d", torch.zeros((0,), dtype=dtype), torch.zeros((0,), dtype=dtype))
    add("item-output-fail-2d", e2 + 1e-3, e2, item="output")
    add("item-h_n-pass-3d", e3.clone(), e3, item="h_n")
    add("item-shape-2d", randn((2, 3), dtype, 9), randn((3, 2), dtype, 9), item="h_prime")
    return out


def int64_pairs() -> list[Pair]:
    def i(values: Any) -> torch.Tensor:
        return torch.tensor(values, dtype=torch.int64)

    return [
        Pair("int64-exact-1d", i([5, 4, 3]), i([5, 4, 3])),
        Pair("int64-two-off-1d", i([1, 2, 3]), i([1, 3, 5])),
        Pair("int64-zero-expected-1d", i([1, 2, 3]), i([1, 2, 0])),
        Pair("int64-tie-1d", i([3, 1, 7, 4]), i([1, 1, 5, 2])),
        Pair("int64-rel-first-1d", i([2, 10, 4]), i([1, 5, 4])),
        Pair("int64-neg-2d", i([[0, -3], [4, 9]]), i([[0, 3], [-4, 9]])),
        Pair("int64-atol-pass-1d", i([1, 3, 6]), i([1, 2, 5]), rtol=0.0, atol=1.0),
        Pair("int64-zero-pass-1d", i([0, 3]), i([0, 2]), rtol=0.0, atol=1.0),
        Pair("int64-atol-fail-1d", i([1, 4, 6]), i([1, 2, 5]), rtol=0.0, atol=1.0),
        Pair("int64-rtol-1d", i([10, 22, 100]), i([10, 20, 80]), rtol=0.1, atol=0.0),
        Pair("int64-both-tol-1d", i([10, 23, 5]), i([10, 20, 3]), rtol=0.1, atol=1.0),
        Pair("int64-empty-1d", i([]), i([])),
        Pair("int64-shape", i([1, 2, 3]), i([1, 2])),
        Pair("int64-shape-prefix", i([1, 2]), i([[1, 2, 3], [4, 5, 6]])),
        Pair("int64-shape-same-rank", i([[1, 2, 3], [4, 5, 6]]), i([[1, 2], [3, 4]])),
        Pair("int64-item-batch_sizes", i([3, 2, 2]), i([3, 2, 1]), item="batch_sizes"),
    ]


def resolved_tolerance(pair: Pair) -> tuple[float, float]:
    if pair.rtol is not None and pair.atol is not None:
        return pair.rtol, pair.atol
    dtype = pair.expected.dtype
    if dtype == F32:
        return 1.3e-6, 1e-5
    if dtype == F64:
        return 1e-7, 1e-7
    return 0.0, 0.0


def elements(pair: Pair) -> dict[str, Any] | None:
    actual, expected = pair.actual, pair.expected
    if actual.shape != expected.shape or actual.dtype != expected.dtype:
        return None
    rtol, atol = resolved_tolerance(pair)
    close = torch.isclose(actual, expected, rtol=rtol, atol=atol)
    same = actual == expected
    zero = torch.zeros((), dtype=expected.dtype)
    if expected.dtype == torch.int64:
        abs_diff = torch.where(same, zero, (actual - expected).abs()).double()
        allowed = atol + rtol * expected.abs().double()
        rel = torch.where(same, 0.0, (abs_diff / expected.abs().double()).float().double())
    else:
        abs_diff = torch.where(same, zero, (actual - expected).abs())
        allowed = atol + (rtol * expected).abs()
        rel = torch.where(same, zero, abs_diff / expected.abs())
    finite = torch.isfinite(abs_diff) & (allowed != 0)
    fallback = torch.where(close, 0.0, INF).double()
    ratio = torch.where(same, 0.0, torch.where(finite, abs_diff.double() / allowed.double(), fallback))
    scope = ~close if bool((~close).any()) else torch.ones_like(close)
    out: dict[str, Any] = {
        "close": [bool(x) for x in close.reshape(-1)],
        "abs_diff": [float(x) for x in abs_diff.reshape(-1)],
        "ratio": [float(x) for x in ratio.reshape(-1)],
    }
    if close.numel() > 0:
        out["max_abs"], out["max_abs_index"] = masked_max(abs_diff, scope)
        out["max_rel"], out["max_rel_index"] = masked_max(rel, scope)
        out["worst_index"] = masked_max(ratio, torch.ones_like(close))[1]
    return out


def masked_max(values: torch.Tensor, scope: torch.Tensor) -> tuple[float, list[int]]:
    """First maximum of `values` among the elements where `scope` holds (NaN wins), as a multi-index."""
    flat = values.reshape(-1).double()
    keep = scope.reshape(-1)
    candidates = torch.where(keep, flat, -INF)
    value, at = torch.max(candidates, dim=0)
    shape = values.shape
    index = [int(x) for x in torch.unravel_index(at, shape)] if len(shape) > 0 else []
    return float(value), index


def all_pairs() -> list[Pair]:
    pairs = pairs_for(F32) + pairs_for(F64) + int64_pairs()
    e = randn((2, 3), F32, 11)
    pairs.append(Pair("dtype-float32-vs-float64", e, e.double()))
    pairs.append(Pair("dtype-float64-vs-float32", e.double(), e))
    pairs.append(Pair("dtype-and-shape", e, randn((3, 2), F64, 11)))
    pairs.append(Pair("dtype-item", e, e.double(), item="output"))
    return pairs


def verdict(pair: Pair) -> tuple[bool, str]:
    actual: Any = pair.actual
    expected: Any = pair.expected
    if pair.item is not None:
        actual, expected = {pair.item: actual}, {pair.item: expected}
    try:
        torch.testing.assert_close(actual, expected, rtol=pair.rtol, atol=pair.atol)
    except AssertionError as err:
        return False, str(err)
    return True, ""


def build() -> bytes:
    cases = []
    for pair in all_pairs():
        passed, message = verdict(pair)
        cases.append(
            {
                "name": pair.name,
                "actual": encode_tensor(pair.actual),
                "expected": encode_tensor(pair.expected),
                "rtol": pair.rtol,
                "atol": pair.atol,
                "item": pair.item,
                "passed": passed,
                "message": message,
                "elements": elements(pair),
            }
        )
    names = [c["name"] for c in cases]
    if len(set(names)) != len(names):
        raise AssertionError("pair names must be unique")
    doc = {"format": FORMAT, "version": VERSION, "torch_version": torch.__version__, "cases": cases}
    return msgpack.packb(doc, use_bin_type=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fixturegen.compare_cases", description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", type=pathlib.Path, help="write the cases file (replaced atomically)")
    group.add_argument("--check", type=pathlib.Path, help="exit 1 unless the file equals a fresh build")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    data = build()
    if args.check is not None:
        return check_file(args.check, data, f"torch {torch.__version__}")
    write_file(args.out, data)
    print(f"wrote {args.out} ({len(all_pairs())} pairs, torch {torch.__version__})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
