"""Proves the two `accept` rules of the folder checks can refuse (run by each --check before it
compares, and standalone: ``python -m fixturegen.folder_check_selftest``): a reference whose torch
output moved past assert_close's tolerance, or whose weights moved at all, and a rounding case
whose output is off the correctly rounded composition by one ulp, or whose amplifier input is not
the designed one, must each be refused; the unchanged and the within-tolerance ones accepted."""

from __future__ import annotations

import pathlib
import sys

import msgpack
import torch

from rnn_parity.fixture_format import decode_tensor, encode_tensor


def _edit(data: bytes, section: str | None, key: str, change) -> bytes:
    doc = msgpack.unpackb(data, raw=False)
    holder = doc if section is None else doc[section]
    holder[key] = encode_tensor(change(decode_tensor(holder[key])))
    return msgpack.packb(doc, use_bin_type=True)


def _nudge_first(t: torch.Tensor, by: float) -> torch.Tensor:
    flat = t.clone().reshape(-1)
    flat[0] = flat[0] + by
    return flat.reshape(t.shape)


def _ulp_at(t: torch.Tensor, index: int = 0) -> torch.Tensor:
    flat = t.clone().reshape(-1)
    flat[index] = torch.nextafter(flat[index], torch.tensor(float("inf"), dtype=t.dtype))
    return flat.reshape(t.shape)


def run() -> list[str]:
    """The rules that accepted what they must refuse, or refused what they must accept (empty: all held)."""
    from . import rounding_cases, safetensors_cases

    wrong: list[str] = []
    name = "GRU-batchfirst-L1-float64"
    _, ref = safetensors_cases.build_case(name, list(safetensors_cases.CASES).index(name))
    f = f"{name}.msgpack"
    cases = [
        ("safetensors: output moved 1e-9", safetensors_cases.accept(f, _edit(ref, None, "output", lambda t: _nudge_first(t, 1e-9)), ref), True),
        ("safetensors: output moved 1e-3", safetensors_cases.accept(f, _edit(ref, None, "output", lambda t: _nudge_first(t, 1e-3)), ref), False),
        ("safetensors: a weight moved one ulp", safetensors_cases.accept(
            f, _edit(ref, "state_dict", "weight_ih_l0", _ulp_at), ref), False),
        ("safetensors: a .safetensors file", safetensors_cases.accept(f"{name}.safetensors", b"x", b"y"), False),
    ]
    g = "GRU-gate-roundings-float32.msgpack"
    with torch.backends.mkldnn.flags(enabled=False):
        fixture, gate = rounding_cases.encode_gate_case("GRU", "", 4)
    assert f"{fixture}.msgpack" == g
    other = _edit(gate, "inputs", "hx", lambda t: t)  # same content: accept only runs on differing bytes
    cases += [
        ("rounding: the case itself", rounding_cases.accept(g, gate, other), True),
        ("rounding: an output one ulp off", rounding_cases.accept(g, _edit(gate, "outputs", "h_n", _ulp_at), other), False),
        ("rounding: the last step-2 input one ulp off", rounding_cases.accept(
            g, _edit(gate, "inputs", "input", lambda t: _ulp_at(t, -1)), other), False),
        ("rounding: the matrix-product case", rounding_cases.accept("RNN-relu-gemm-roundings-float32.msgpack", gate, other), False),
    ]
    for label, note, want in cases:
        if (note is not None) != want:
            wrong.append(f"{label}: {'refused' if want else 'accepted'}, must be {'accepted' if want else 'refused'}")
    return wrong


def check() -> None:
    """Exits 1 with one line per rule that did not hold."""
    wrong = run()
    for line in wrong:
        print(f"folder check self-test: {line}", file=sys.stderr)
    if wrong:
        sys.exit(1)


if __name__ == "__main__":
    torch.set_num_threads(1)
    check()
    print("folder check self-test: every accept rule refuses what it must", file=sys.stderr)
