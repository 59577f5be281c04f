"""Records the messages torch raises for bad calls of its recurrent modules, for test/nn-torch-errors.test.ts.

    python -m fixturegen.torch_errors --out ../test/data/torch-errors.json
    python -m fixturegen.torch_errors --check ../test/data/torch-errors.json

src/core/nn claims torch's wording wherever a check has a torch counterpart (the rank, hidden-size
and input-size checks of forward, the cells' checks, the constructor's range checks, load_state_dict's
key and size reports). This file is that wording as torch 2.13 produces it, so the test checks the
claim against torch rather than against a copy typed into a test. Each case says how to make the
call (module, torch's keyword arguments, tensor shapes), so the TypeScript test can make the same
call; the message is what str() of torch's exception gives.

Left out, because ours differs on purpose (docs/bad-input.md, "Module calls"):
- dtype mismatches: torch's advice names torch calls (input.to(...)), and its cells fail inside matmul;
- an unbatched hx of the wrong size: torch reports it after its internal unsqueeze ([1, 1, 4] for [1, 4]);
- a PackedSequence with an hx of the wrong rank: torch fails inside index_select;
- constructor messages that name an option: ours use the camelCase name the caller wrote (inputSize);
- a state_dict entry that is not a tensor: torch names a Python class.

File layout (JSON): format "rnn-parity-torch-errors", version 1, torch_version, cases: a list of
maps with name, module (RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, or rnn_utils), kwargs (torch's constructor
keywords), call, error (the exception's class name) and message, where call is one of
  {"kind": "construct"}
  {"kind": "forward", "input": shape, "hx": null | shape | [shape, shape]}   all float32 zeros;
                                                                             a pair is LSTM's (h, c)
  {"kind": "load_state_dict", "drop": [key], "add": {key: shape}, "reshape": {key: shape}}
                                                                             edits of the module's
                                                                             own state_dict
  {"kind": "pack_padded_sequence", "input": shape, "lengths": list (nested: a 2-D tensor),
   "batch_first": bool, "enforce_sorted": bool}                             module is "rnn_utils"
  {"kind": "pad_packed_sequence", "input": shape, "lengths": list, "total_length": int}
                                                                             of the packed input
  {"kind": "pad_sequence", "sequences": [shape]} and {"kind": "pack_sequence", "sequences": [shape]}
Output is deterministic: the same torch gives byte-identical bytes.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
from typing import Any

import torch
from torch import nn
from torch.nn.utils import rnn as rnn_utils

from .folder_check import check_file, write_file

FORMAT = "rnn-parity-torch-errors"
VERSION = 1

MODULES: dict[str, type[nn.Module]] = {
    "RNN": nn.RNN,
    "LSTM": nn.LSTM,
    "GRU": nn.GRU,
    "RNNCell": nn.RNNCell,
    "LSTMCell": nn.LSTMCell,
    "GRUCell": nn.GRUCell,
}
UTILS = "rnn_utils"  # torch.nn.utils.rnn's functions, not a module

SMALL = {"input_size": 3, "hidden_size": 4}


def construct(name: str, module: str, **kwargs: Any) -> dict[str, Any]:
    return {"name": name, "module": module, "kwargs": {**SMALL, **kwargs}, "call": {"kind": "construct"}}


def forward(name: str, module: str, kwargs: dict[str, Any], input_shape: list[int], hx: Any = None) -> dict[str, Any]:
    call = {"kind": "forward", "input": input_shape, "hx": hx}
    return {"name": name, "module": module, "kwargs": {**SMALL, **kwargs}, "call": call}


def load(name: str, module: str, kwargs: dict[str, Any], drop=(), add=None, reshape=None) -> dict[str, Any]:
    call = {"kind": "load_state_dict", "drop": list(drop), "add": add or {}, "reshape": reshape or {}}
    return {"name": name, "module": module, "kwargs": {**SMALL, **kwargs}, "call": call}


def util(name: str, kind: str, **call: Any) -> dict[str, Any]:
    return {"name": name, "module": UTILS, "kwargs": {}, "call": {"kind": kind, **call}}


def pack(name: str, input_shape: list[int], lengths: Any, batch_first: bool = False, enforce_sorted: bool = True) -> dict[str, Any]:
    return util(name, "pack_padded_sequence", input=input_shape, lengths=lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)


def pack_cases() -> list[dict[str, Any]]:
    return [
        pack("pack_padded_sequence len(lengths) 1 for batch 2", [3, 2, 1], [3]),
        pack("pack_padded_sequence batch_first len(lengths) 3 for batch 2", [2, 3, 1], [3, 2, 1], batch_first=True),
        pack("pack_padded_sequence a length 0", [3, 2, 1], [3, 0]),
        pack("pack_padded_sequence negative lengths, not enforce_sorted", [3, 2, 1], [-1, 0], enforce_sorted=False),
        pack("pack_padded_sequence lengths not sorted", [3, 2, 1], [2, 3]),
        pack("pack_padded_sequence lengths not sorted, batch 3", [3, 3, 1], [3, 1, 2]),
        pack("pack_padded_sequence empty input", [0, 2, 1], [1, 1]),
        pack("pack_padded_sequence 2-D lengths", [3, 2, 1], [[3, 2]]),
        util("pad_packed_sequence total_length 2 for 3", "pad_packed_sequence", input=[3, 2, 1], lengths=[3, 2], total_length=2),
        util("pad_sequence of no sequence", "pad_sequence", sequences=[]),
        util("pack_sequence of no sequence", "pack_sequence", sequences=[]),
        util("pack_sequence not sorted", "pack_sequence", sequences=[[1, 2], [3, 2]]),
    ]


def cases() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for m in ("RNN", "LSTM", "GRU"):
        out += [construct(f"{m} dropout 2", m, dropout=2), construct(f"{m} dropout -1", m, dropout=-1)]
    out += [
        construct("RNN nonlinearity foo", "RNN", nonlinearity="foo"),
        construct("GRU proj_size 2", "GRU", proj_size=2),
        construct("RNN proj_size 2", "RNN", proj_size=2),
        construct("LSTM proj_size -1", "LSTM", proj_size=-1),
        construct("LSTM proj_size = hidden_size", "LSTM", proj_size=4),
        construct("LSTM proj_size > hidden_size", "LSTM", proj_size=5),
    ]
    pair = lambda a, b: [a, b]  # noqa: E731
    for m in ("RNN", "GRU", "LSTM"):
        state = (lambda s: pair(s, s)) if m == "LSTM" else (lambda s: s)
        out += [
            forward(f"{m} 4-D input", m, {}, [1, 1, 1, 3]),
            forward(f"{m} 1-D input", m, {}, [3]),
            forward(f"{m} input_size 5 for 3", m, {}, [2, 1, 5]),
            forward(f"{m} unbatched input_size 5 for 3", m, {}, [2, 5]),
            forward(f"{m} empty sequence", m, {}, [0, 1, 3]),
            forward(f"{m} batch_first empty sequence", m, {"batch_first": True}, [1, 0, 3]),
            forward(f"{m} batched, 2-D hx", m, {}, [2, 1, 3], state([1, 4])),
            forward(f"{m} unbatched, 3-D hx", m, {}, [2, 3], state([1, 1, 4])),
            forward(f"{m} hx batch 2 for 1", m, {}, [2, 1, 3], state([1, 2, 4])),
            forward(f"{m} hx layers 2 for 1", m, {}, [2, 1, 3], state([2, 1, 4])),
            forward(f"{m} batch_first hx batch 1 for 2", m, {"batch_first": True}, [2, 5, 3], state([1, 1, 4])),
            forward(f"{m} 2 layers bidirectional hx of one direction", m, {"num_layers": 2, "bidirectional": True}, [2, 3, 3], state([2, 3, 4])),
            forward(f"{m} hx size 5 for 4", m, {}, [2, 1, 3], state([1, 1, 5])),
        ]
        out += [
            load(f"{m} missing and unexpected keys", m, {"num_layers": 2}, drop=["bias_hh_l1", "weight_ih_l0"], add={"extra": [1], "bias_hh_l2": [4]}),
            load(f"{m} missing key", m, {"bias": False}, drop=["weight_hh_l0"]),
            load(f"{m} size mismatches", m, {"bidirectional": True}, reshape={"weight_ih_l0_reverse": [4, 3, 1], "bias_ih_l0": [5]}),
        ]
    out += [
        forward("LSTM batched, hx 2-D and cx 3-D", "LSTM", {}, [2, 1, 3], pair([1, 4], [1, 1, 4])),
        forward("LSTM batched, hx 3-D and cx 2-D", "LSTM", {}, [2, 1, 3], pair([1, 1, 4], [1, 4])),
        forward("LSTM unbatched, hx 3-D and cx 2-D", "LSTM", {}, [2, 3], pair([1, 1, 4], [1, 4])),
        forward("LSTM cx size 5 for 4", "LSTM", {}, [2, 1, 3], pair([1, 1, 4], [1, 1, 5])),
        forward("LSTM proj_size 2, hx of hidden_size", "LSTM", {"proj_size": 2}, [2, 1, 3], pair([1, 1, 4], [1, 1, 4])),
        forward("LSTM proj_size 2, cx of proj_size", "LSTM", {"proj_size": 2}, [2, 1, 3], pair([1, 1, 2], [1, 1, 2])),
        load("LSTM proj_size 2, missing weight_hr", "LSTM", {"proj_size": 2}, drop=["weight_hr_l0"]),
        load("LSTM proj_size 2, weight_hr of another size", "LSTM", {"proj_size": 2}, reshape={"weight_hr_l0": [2, 3]}),
    ]
    for m in ("RNNCell", "GRUCell", "LSTMCell"):
        state = (lambda s: pair(s, s)) if m == "LSTMCell" else (lambda s: s)
        out += [
            forward(f"{m} 3-D input", m, {}, [1, 1, 3]),
            forward(f"{m} 3-D hx", m, {}, [2, 3], state([2, 1, 4])),
            forward(f"{m} input_size 5 for 3", m, {}, [2, 5]),
            forward(f"{m} unbatched input_size 5 for 3", m, {}, [5]),
            forward(f"{m} hx batch 3 for 2", m, {}, [2, 3], state([3, 4])),
            forward(f"{m} hx size 5 for 4", m, {}, [2, 3], state([2, 5])),
            forward(f"{m} unbatched hx size 5 for 4", m, {}, [3], state([5])),
            load(f"{m} missing and unexpected keys", m, {}, drop=["bias_ih"], add={"bias_hr": [4]}),
            load(f"{m} size mismatch", m, {}, reshape={"weight_hh": [4 * (1 if m == "RNNCell" else 3 if m == "GRUCell" else 4), 5]}),
        ]
    return out + pack_cases()


def zeros(shape: list[int]) -> torch.Tensor:
    return torch.zeros(shape, dtype=torch.float32)


def attempt_util(call: dict[str, Any]) -> None:
    kind = call["kind"]
    if kind == "pack_padded_sequence":
        lengths = call["lengths"]
        lengths = torch.tensor(lengths) if isinstance(lengths[0], list) else lengths
        rnn_utils.pack_padded_sequence(zeros(call["input"]), lengths, batch_first=call["batch_first"], enforce_sorted=call["enforce_sorted"])
    elif kind == "pad_packed_sequence":
        packed = rnn_utils.pack_padded_sequence(zeros(call["input"]), call["lengths"])
        rnn_utils.pad_packed_sequence(packed, total_length=call["total_length"])
    elif kind == "pad_sequence":
        rnn_utils.pad_sequence([zeros(s) for s in call["sequences"]])
    elif kind == "pack_sequence":
        rnn_utils.pack_sequence([zeros(s) for s in call["sequences"]])
    else:
        raise AssertionError(f"unknown call kind {kind}")


def attempt(case: dict[str, Any]) -> BaseException:
    call = case["call"]
    try:
        if case["module"] == UTILS:
            attempt_util(call)
            raise AssertionError(f"{case['name']}: torch {torch.__version__} accepted this call; the case is wrong or torch changed")
        cls = MODULES[case["module"]]
        torch.manual_seed(0)
        module = cls(**case["kwargs"])
        if call["kind"] == "forward":
            hx = call["hx"]
            if hx is None:
                module(zeros(call["input"]))
            elif case["module"] in ("LSTM", "LSTMCell"):
                module(zeros(call["input"]), (zeros(hx[0]), zeros(hx[1])))
            else:
                module(zeros(call["input"]), zeros(hx))
        elif call["kind"] == "load_state_dict":
            sd = dict(module.state_dict())
            for key in call["drop"]:
                del sd[key]
            for key, shape in {**call["add"], **call["reshape"]}.items():
                sd[key] = zeros(shape)
            module.load_state_dict(sd)
    except (ValueError, RuntimeError, TypeError) as e:
        return e
    raise AssertionError(f"{case['name']}: torch {torch.__version__} accepted this call; the case is wrong or torch changed")


def build() -> bytes:
    records = []
    names = set()
    for case in cases():
        assert case["name"] not in names, f"duplicate case name {case['name']}"
        names.add(case["name"])
        e = attempt(case)
        records.append({**case, "error": type(e).__name__, "message": str(e)})
    doc = {"format": FORMAT, "version": VERSION, "torch_version": torch.__version__, "cases": records}
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fixturegen.torch_errors", description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", type=pathlib.Path, help="write the cases to this file")
    group.add_argument("--check", type=pathlib.Path, help="exit 1 unless the file equals a fresh build")
    args = parser.parse_args(argv)
    data = build()
    if args.check is not None:
        return check_file(args.check, data, f"torch {torch.__version__}")
    write_file(args.out, data)
    print(f"wrote {args.out} ({len(data)} bytes, torch {torch.__version__})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
