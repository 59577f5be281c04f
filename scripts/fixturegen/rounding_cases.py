"""Writes fixtures whose float32 results pin where the kernels round, for test/kernels-rounding.test.ts.

RNN-relu-gemm-roundings-float32 pins the matrix products (below); the *-gate-roundings-float32
cases (RNN tanh and relu, LSTM, GRU) pin the gate arithmetic (see "The gate arithmetic").

    python -m fixturegen.rounding_cases --out ../test/data/rounding
    python -m fixturegen.rounding_cases --check ../test/data/rounding

The bundled fixtures cannot tell a float32 rounding point from its absence: removing any single
Math.fround of the scalar kernels leaves all 608 within assert_close's tolerance (measured, issue
17). Only the scalar-vs-WebAssembly bit identity pinned the products' roundings (a change made to
both paths at once would go unseen), and nothing pinned the gate arithmetic's, which both paths
run as the same code. These cases are built so that torch's own float32 result depends on each
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

import msgpack
import torch

from . import folder_check_selftest
from .folder_check import check_folder
from rnn_parity.fixture_format import decode_tensor, encode_fixture

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


# --- The gate arithmetic: two steps, the second an amplifier --------------------------------------
#
# One step's float32 h1 carries every rounding of the gate arithmetic, but a rounding moved there
# changes h1 by an ulp or so, far inside the tolerance. The second step multiplies h1 by 2^16
# (W_hh = 2^16 · I per gate, exact) and cancels it with the input (x2 = target − 2^16 · h1, exact),
# so each gate's pre-activation is exactly its target when h1 is torch's h1 bit for bit and off by
# at least 2^16 ulps of h1 (>= 2^-14 for |h1| >= 2^-6) when it is not: past the tolerance at h2.
# W_ih = I (input_size = gates · H), no bias, so every product is exact and the gates read the
# input directly; step 1's h0 · 2^16 + x1 rounds, as do all the gate operations after it.
#
# torch's float32 sigmoid and tanh are not correctly rounded (its vectorised loops and their
# scalar tails round differently), and ours are, so the generator keeps only batch elements where
# torch's output equals the correctly rounded composition of torch's own ops (each op in float64
# with torch, rounded to float32 where torch materialises a tensor, aten/src/ATen/native/RNN.cpp):
# any other element is drawn again (weights are diagonal, so elements are independent). oneDNN is
# off (torch.backends.mkldnn.flags(enabled=False)): with it torch's LSTM runs oneDNN's fused cell,
# which rounds elsewhere. The reference is torch.nn's module output, nothing else.

GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}
AMPLIFY = 2.0**16
# Step 2's pre-activations: multiples of 2^-7 (so x2 is exact), off saturation (so they matter).
TARGETS = {"RNN": [0.5], "LSTM": [0.25, -0.5, 0.5, 0.75], "GRU": [0.5, -0.25, 0.5]}
H, N = 16, 64


def _r(t: torch.Tensor) -> torch.Tensor:
    return t.to(torch.float32)


def _d(t: torch.Tensor) -> torch.Tensor:
    return t.to(torch.float64)


def _model_step(name: str, nonlinearity: str, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor | None):
    """One step of torch's native cell, every op correctly rounded to float32 (x: (N, G·H) = ih)."""
    hh = _r(_d(h) * AMPLIFY).repeat(1, GATES[name])  # linear_hh: exact
    if name == "RNN":
        pre = _r(_d(hh) + _d(x))
        act = torch.tanh if nonlinearity == "tanh" else torch.relu
        return _r(act(_d(pre))), None
    if name == "LSTM":
        g = _r(_d(hh) + _d(x))
        i, f, gg, o = g.chunk(4, 1)
        i, f, o = (_r(torch.sigmoid(_d(t))) for t in (i, f, o))
        gg = _r(torch.tanh(_d(gg)))
        assert c is not None
        cy = _r(_d(_r(_d(f) * _d(c))) + _d(_r(_d(i) * _d(gg))))
        return _r(_d(o) * _d(_r(torch.tanh(_d(cy))))), cy
    ir, iz, inn = x.chunk(3, 1)
    hr, hz, hn = hh.chunk(3, 1)
    r = _r(torch.sigmoid(_d(_r(_d(hr) + _d(ir)))))
    z = _r(torch.sigmoid(_d(_r(_d(hz) + _d(iz)))))
    n = _r(torch.tanh(_d(_r(_d(inn) + _d(_r(_d(hn) * _d(r)))))))
    return _r(_d(_r(_d(_r(_d(h) - _d(n))) * _d(z))) + _d(n)), None


def _step2_input(name: str, h1: torch.Tensor) -> torch.Tensor:
    """x2 such that every gate's step-2 pre-activation is exactly its target, in float64."""
    hh = _d(h1) * AMPLIFY
    parts = []
    targets = TARGETS[name]
    for k, t in enumerate(targets):
        if name == "GRU" and k == 2:
            r = _r(torch.sigmoid(torch.tensor(targets[0], dtype=torch.float64)))
            parts.append(t - _d(_r(hh * _d(r))))
        else:
            parts.append(t - hh)
    return torch.cat(parts, 1)


def gate_case(name: str, nonlinearity: str, seed: int) -> tuple[str, dict, dict, dict, dict]:
    G = GATES[name]
    config: dict = {"input_size": G * H, "hidden_size": H, "num_layers": 1}
    if name == "RNN":
        config["nonlinearity"] = nonlinearity
    config.update({"bias": False, "batch_first": False, "dropout": 0.0, "bidirectional": False})
    if name == "LSTM":
        config["proj_size"] = 0
    f32 = torch.float32
    module = getattr(torch.nn, name)(**config, dtype=f32).eval()
    state = {"weight_ih_l0": torch.eye(G * H, dtype=f32), "weight_hh_l0": (torch.eye(H, dtype=f32) * AMPLIFY).repeat(G, 1)}
    module.load_state_dict(state)
    gen = torch.Generator().manual_seed(seed)
    x1 = torch.randn(N, G * H, generator=gen) * 2
    h0 = torch.randn(N, H, generator=gen) * 2 / AMPLIFY
    c0 = torch.randn(N, H, generator=gen) if name == "LSTM" else None
    for attempt in range(200):
        h1, c1 = _model_step(name, nonlinearity, x1, h0, c0)
        x2 = _step2_input(name, h1)
        x = torch.stack([x1, _r(x2)])
        with torch.no_grad():
            if name == "LSTM":
                out, (hn, cn) = module(x, (h0[None], c0[None]))
            else:
                out, hn = module(x, h0[None])
        h2, c2 = _model_step(name, nonlinearity, _r(x2), h1, c1)
        ok = (out[0] == h1) & (out[1] == h2) & (h1.abs() >= 2.0**-6)
        ok &= (_d(_r(x2)) == x2).reshape(N, G, H).all(1)
        if name == "LSTM":
            ok &= cn[0] == c2
        bad = ~ok
        if not bad.any():
            inputs = {"input": x, "hx": h0[None].contiguous()}
            outputs = {"output": out, "h_n": hn}
            if name == "LSTM":
                inputs["cx"] = c0[None].contiguous()
                outputs["c_n"] = cn
            label = f"{name}-{nonlinearity}" if name == "RNN" else name
            return f"{label}-gate-roundings-float32", config, state, inputs, outputs
        # Draw the failing elements again: their gate inputs, h0 and c0.
        b, j = bad.nonzero(as_tuple=True)
        for k in range(G):
            x1[b, k * H + j] = torch.randn(len(b), generator=gen) * 2
        h0[b, j] = torch.randn(len(b), generator=gen) * 2 / AMPLIFY
        if c0 is not None:
            c0[b, j] = torch.randn(len(b), generator=gen)
    raise SystemExit(f"{name}: no draw in 200 attempts where torch's float32 cell is correctly rounded everywhere")


GATE_CASES = [("RNN", "tanh", 1), ("RNN", "relu", 2), ("LSTM", "", 3), ("GRU", "", 4)]


def encode_gate_case(name: str, nonlinearity: str, seed: int) -> tuple[str, bytes]:
    with torch.backends.mkldnn.flags(enabled=False):
        fixture, config, state, inputs, outputs = gate_case(name, nonlinearity, seed)
    return fixture, encode_fixture(name=fixture, module=name, config=config, dtype="float32", seed=seed,
                                   state_dict=state, inputs=inputs, outputs=outputs)


def encode() -> bytes:
    state, x, out_and_h = build()
    return encode_fixture(name=NAME, module="RNN", config=CONFIG, dtype="float32", seed=0, state_dict=state,
                          inputs={"input": x}, outputs={"output": out_and_h[:1], "h_n": out_and_h[1:]})


def write_all(out: pathlib.Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{NAME}.msgpack").write_bytes(encode())
    for name, nonlinearity, seed in GATE_CASES:
        fixture, data = encode_gate_case(name, nonlinearity, seed)
        (out / f"{fixture}.msgpack").write_bytes(data)


def accept(name: str, committed: bytes, fresh: bytes) -> str | None:
    """A gate case drawn on another CPU still agrees when it is a valid case here too.

    Which elements the generator keeps depends on where this machine's torch rounds its float32
    sigmoid and tanh correctly (ATen picks vectorised kernels by CPU: ATEN_CPU_CAPABILITY=avx2 on an
    AVX-512 machine redraws 317 GRU and 610 LSTM elements), so a fresh build can differ from the
    committed one without either being wrong. The committed case agrees when its config and
    weights are bit-identical to the fresh build's, its step-2 input is the designed amplifier for
    its own h1, and every output equals the correctly rounded composition of torch's ops (the
    same float64 model the generator checks torch against, which no CPU changes); how many elements
    this torch reproduces bit for bit is reported. The matrix-product case must stay identical."""
    if not name.endswith("-gate-roundings-float32.msgpack"):
        return None
    old, new = msgpack.unpackb(committed, raw=False), msgpack.unpackb(fresh, raw=False)
    if {k: v for k, v in old.items() if k not in ("inputs", "outputs")} != {k: v for k, v in new.items() if k not in ("inputs", "outputs")}:
        return None
    module_name, config = old["module"], old["config"]
    nonlinearity = config.get("nonlinearity", "")
    inputs = {k: decode_tensor(v) for k, v in old["inputs"].items()}
    outputs = {k: decode_tensor(v) for k, v in old["outputs"].items()}
    x1, x2, h0 = inputs["input"][0], inputs["input"][1], inputs["hx"][0]
    c0 = inputs["cx"][0] if "cx" in inputs else None
    h1, c1 = _model_step(module_name, nonlinearity, x1, h0, c0)
    h2, c2 = _model_step(module_name, nonlinearity, x2, h1, c1)
    designed = torch.equal(x2, _r(_step2_input(module_name, h1))) and bool((h1.abs() >= 2.0**-6).all())
    correct = torch.equal(outputs["output"], torch.stack([h1, h2])) and torch.equal(outputs["h_n"][0], h2)
    if module_name == "LSTM":
        correct = correct and torch.equal(outputs["c_n"][0], c2)
    if not (designed and correct):
        return None
    module = getattr(torch.nn, module_name)(**config, dtype=torch.float32).eval()
    module.load_state_dict({k: decode_tensor(v) for k, v in old["state_dict"].items()})
    with torch.no_grad(), torch.backends.mkldnn.flags(enabled=False):
        ran = module(inputs["input"], (inputs["hx"], inputs["cx"]) if c0 is not None else inputs["hx"])
    out, hn = ran[0], ran[1][0] if c0 is not None else ran[1]
    same = (out == outputs["output"]).all(0) & (hn == outputs["h_n"]).all(0)
    if c0 is not None:
        same &= (ran[1][1] == outputs["c_n"]).all(0)
    kept, n = int(same.all(-1).sum().item()), same.shape[0]
    rest = "" if kept == n else " (it rounds its float32 sigmoid or tanh differently on the rest)"
    return (f"not the draw this torch makes; weights bit-identical, every output the correctly rounded composition of "
            f"torch's ops, {kept} of {n} batch elements reproduced bit for bit by this torch{rest}")


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
    folder_check_selftest.check()
    return check_folder(args.check, write_all, accept)


if __name__ == "__main__":
    sys.exit(main())
