"""Writes fixtures whose float32 results pin where the kernels round, for test/kernels-rounding.test.ts.

    python -m fixturegen.rounding_cases --out ../test/data/rounding
    python -m fixturegen.rounding_cases --check ../test/data/rounding

The bundled fixtures cannot tell a float32 rounding point from its absence: removing any single
Math.fround of the scalar kernels leaves all 608 within assert_close's tolerance (measured, issue
17), so only the scalar-vs-WebAssembly bit identity pinned them, and a change made to both paths
at once would go unseen. These cases are built so that torch's own float32 result depends on each
rounding of the matrix products by far more than the tolerance, through exact cancellation:

Every product and partial sum below is a float32 value times a power of two, so the only inexact
operations are the roundings probed, and each probe subtracts a large value at the end so that
what a rounding dropped (or kept) is all that is left. torch.nn.RNN (relu, one step, h0 = 0,
W_hh = 0, b_hh = 0) computes relu(x · W_ihᵀ + b_ih); for hidden unit j = 2k + probe, scale 2^-k,
x = (2^30, 2^30, 2^30, a·2^30), a = 1 + 2^-23, b = −2^(60−k):

- probe 0, float32 accumulation, bias last: W = (2^30, 48, 48, 0)·2^-k. Each 48·2^30·2^-k is 3/8 of
  an ulp of 2^(60−k) and rounds away: torch gives 0; a float64 sum, or the bias added first,
  leaves 0.75·2^(37−k).
- probe 1, summation order: W = (48, 48, 2^30, 0)·2^-k. From p = 0 up the small terms meet first
  (exact), then round up against 2^(60−k): torch gives 2^(37−k); summed from the other end, 0;
  in float64, 0.75·2^(37−k).

Not probed: the rounding of each product (gemm-f32.ts's inner fround, implicit in f32x4.mul). At
this shape torch 2.13's CPU sgemm fuses the multiply-add: W = (−(1+2^-22)·2^30, 0, 0, a·2^30)
against the x above gives torch 2^14 (a² unrounded, as in an FMA) where a rounded product gives 0,
while the same probe as a 1 × 3 product (K <= 3, one output column) gives 0. Our kernels always
round the product (no FMA: f32x4 has none that rounds once, and the two paths must agree), so on
such a cancellation they can differ from torch by more than the tolerance; the bundled fixtures
stay within it (the products there are far from cancelling).

Hidden size 15 puts units 0-11 in the scalar GEMM's 1 × 4 blocks and 12-14 in its tail loop;
16 identical batch rows (16 · 15 · 19 multiply-adds >= 4096) take the WebAssembly engine, and the
test runs the same case on the scalar kernels too. The generator asserts torch's result probe by
probe, so a torch that rounds elsewhere stops here instead of writing a fixture.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile

import msgpack
import torch

from .fixture import FIXTURE_FORMAT, FIXTURE_VERSION, encode_tensor

NAME = "RNN-relu-gemm-roundings-float32"
CONFIG = {
    "input_size": 4, "hidden_size": 15, "num_layers": 1, "nonlinearity": "relu", "bias": True,
    "batch_first": False, "dropout": 0.0, "bidirectional": False,
}
BATCH = 16


def build() -> tuple[dict[str, torch.Tensor], torch.Tensor, torch.Tensor]:
    f32 = torch.float32
    u = 2.0**-23
    a = 1 + u
    hidden = CONFIG["hidden_size"]
    w = torch.zeros(hidden, 4, dtype=torch.float64)
    b = torch.zeros(hidden, dtype=torch.float64)
    designed: list[float] = []
    for j in range(hidden):
        k, probe = divmod(j, 2)
        s = 2.0**-k
        b[j] = -(2.0 ** (60 - k))
        if probe == 0:
            w[j] = torch.tensor([2**30, 48, 48, 0]) * s
            designed.append(0.0)
        else:
            w[j] = torch.tensor([48, 48, 2**30, 0]) * s
            designed.append(2.0 ** (37 - k))
    state = {
        "weight_ih_l0": w.to(f32),
        "weight_hh_l0": torch.zeros(hidden, hidden, dtype=f32),
        "bias_ih_l0": b.to(f32),
        "bias_hh_l0": torch.zeros(hidden, dtype=f32),
    }
    for key in ("weight_ih_l0", "bias_ih_l0"):
        if not torch.equal(state[key].double(), w if key.startswith("weight") else b):
            raise SystemExit(f"{NAME}: {key} is not exactly representable in float32")
    x = torch.tensor([[2.0**30, 2.0**30, 2.0**30, a * 2**30]] * BATCH, dtype=f32).reshape(1, BATCH, 4)
    module = torch.nn.RNN(**CONFIG, dtype=f32).eval()
    module.load_state_dict(state)
    with torch.no_grad():
        output, h_n = module(x)
    want = torch.tensor(designed, dtype=f32).expand(1, BATCH, hidden)
    if not torch.equal(output, want):
        raise SystemExit(f"{NAME}: torch {torch.__version__} does not round as the probes assume: {output[0, 0].tolist()}")
    return state, x, torch.cat([output, h_n])


def encode() -> bytes:
    state, x, out_and_h = build()
    doc = {
        "format": FIXTURE_FORMAT,
        "version": FIXTURE_VERSION,
        "name": NAME,
        "module": "RNN",
        "config": CONFIG,
        "dtype": "float32",
        "seed": 0,
        "torch_version": torch.__version__,
        "state_dict": {k: encode_tensor(v) for k, v in state.items()},
        "inputs": {"input": encode_tensor(x)},
        "outputs": {"output": encode_tensor(out_and_h[:1].contiguous()), "h_n": encode_tensor(out_and_h[1:].contiguous())},
    }
    return msgpack.packb(doc, use_bin_type=True)


def write_all(out: pathlib.Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{NAME}.msgpack").write_bytes(encode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fixturegen.rounding_cases", description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", type=pathlib.Path, help="write the fixtures into this folder")
    group.add_argument("--check", type=pathlib.Path, help="exit 1 unless the folder equals a fresh build")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    if args.out is not None:
        write_all(args.out)
        print(f"wrote {args.out} (torch {torch.__version__})", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = pathlib.Path(tmp)
        write_all(fresh)
        names = sorted(p.name for p in fresh.iterdir())
        committed = sorted(p.name for p in args.check.iterdir()) if args.check.is_dir() else []
        bad = [n for n in names if n not in committed or (args.check / n).read_bytes() != (fresh / n).read_bytes()]
        bad += [n for n in committed if n not in names]
        if bad:
            print(f"{args.check}: differs from a fresh build: {', '.join(bad)}", file=sys.stderr)
            return 1
    print(f"{args.check}: up to date", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
