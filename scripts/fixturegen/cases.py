"""The case matrix: every fixture the generator writes, as plain data.

A `Case` holds everything needed to build the torch module and its inputs; nothing here imports
torch, so the matrix can be listed (``python -m fixturegen.generate --list``) cheaply. The matrix of
each module family lives in its own module (cases_rnn, cases_lstm, cases_gru, cases_packed); this
one has the shared shape rules and the assembly.

Names are the file stems and are unique. They read left to right as the configuration, so a
failing test names what broke, e.g. ``RNN-relu-nobias-batchfirst-bidir-L3-h0-float64``.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

DTYPES: tuple[str, ...] = ("float32", "float64")

ModuleName = Literal["RNN", "RNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell"]
SEQUENCE_MODULES = ("RNN", "LSTM", "GRU")

# randn is scaled so pre-activations reach |x| > 2 often enough for tanh to saturate in places,
# while relu still sees plenty of negative pre-activations (randn is symmetric).
INPUT_SCALE = 2.0
HX_SCALE = 1.0

_CELL_OUTPUTS = {"RNNCell": ("h_prime",), "LSTMCell": ("h1", "c1"), "GRUCell": ("h1",)}


@dataclass(frozen=True)
class Case:
    """One fixture.

    name       file stem, unique across the matrix (includes the dtype suffix)
    module     torch.nn class name
    config     constructor keyword arguments under torch's names, every key present, torch's order
    dtype      "float32" or "float64": parameters, inputs and outputs all have this dtype
    has_hx     whether an initial state is passed (``hx``, and ``cx`` for LSTM/LSTMCell)
    input_shape  the full shape of ``input`` as torch receives it, in the module's layout
               (batched: (L, N, H_in), or (N, L, H_in) when batch_first; unbatched: (L, H_in);
               cells: (N, H_in) or unbatched (H_in,)); packed cases: the padded batch
    hx_shape   the shape of ``hx`` when has_hx, else None ((D*num_layers, N, H_out) or
               (D*num_layers, H_out) unbatched, never batch-first; H_out is proj_size when > 0;
               cells: (N, H) or (H,))
    cx_shape   LSTM/LSTMCell with has_hx: the shape of ``cx`` (as hx_shape, with hidden_size)
    batched    False for unbatched input
    seq_len    sequence modules: L (None for cells)
    batch      N, or None when unbatched
    weight_scale  every parameter is multiplied by this after torch's initialisation (the
               saturating cases), 1.0 otherwise
    lengths    packed cases: the sequence lengths in the caller's batch order, else None
    enforce_sorted  packed cases: pack_padded_sequence's enforce_sorted, else None
    """

    name: str
    module: ModuleName
    config: dict[str, Any]
    dtype: str
    has_hx: bool
    input_shape: tuple[int, ...]
    hx_shape: tuple[int, ...] | None
    batched: bool
    seq_len: int | None
    batch: int | None
    input_scale: float = INPUT_SCALE
    hx_scale: float = HX_SCALE
    tags: tuple[str, ...] = field(default=())
    cx_shape: tuple[int, ...] | None = None
    weight_scale: float = 1.0
    lengths: tuple[int, ...] | None = None
    enforce_sorted: bool | None = None

    @property
    def seed(self) -> int:
        """torch.manual_seed for this case: a stable function of the name alone."""
        return zlib.crc32(self.name.encode("utf-8"))

    @property
    def packed(self) -> bool:
        return self.lengths is not None

    @property
    def has_cx(self) -> bool:
        return self.has_hx and self.module in ("LSTM", "LSTMCell")

    @property
    def output_names(self) -> tuple[str, ...]:
        if self.module in _CELL_OUTPUTS:
            return _CELL_OUTPUTS[self.module]
        states = ("h_n", "c_n") if self.module == "LSTM" else ("h_n",)
        if not self.packed:
            return ("output",) + states
        indices = () if self.enforce_sorted else ("sorted_indices", "unsorted_indices")
        return ("output", "output_data", "batch_sizes") + indices + ("output_lengths",) + states

    @property
    def onnx_output_names(self) -> tuple[str, ...]:
        """The outputs an ONNX graph of this case produces (packed: no PackedSequence parts)."""
        return tuple(n for n in self.output_names if n in ("output", "h_n", "c_n", "h_prime", "h1", "c1"))

    @property
    def input_names(self) -> tuple[str, ...]:
        names = ("input",) + (("hx",) if self.has_hx else ()) + (("cx",) if self.has_cx else ())
        return names + (("lengths",) if self.packed else ())


def seq_case(
    module: ModuleName,
    label: str,
    dtype: str,
    *,
    input_size: int,
    hidden_size: int,
    num_layers: int,
    bias: bool,
    batch_first: bool,
    bidirectional: bool,
    has_hx: bool,
    seq_len: int,
    batch: int | None,
    dropout: float = 0.0,
    nonlinearity: str | None = None,
    proj_size: int | None = None,
    weight_scale: float = 1.0,
    lengths: tuple[int, ...] | None = None,
    enforce_sorted: bool | None = None,
) -> Case:
    """An RNN/LSTM/GRU case named ``<module>-<label>-<dtype>``; shapes follow torch's docs.

    ``nonlinearity`` is given for RNN only and ``proj_size`` for LSTM only, so each config has
    exactly its module's keys, in the order of torch's constructor.
    """
    if batch is None:
        input_shape: tuple[int, ...] = (seq_len, input_size)
    elif batch_first:
        input_shape = (batch, seq_len, input_size)
    else:
        input_shape = (seq_len, batch, input_size)
    d = 2 if bidirectional else 1
    lead = (d * num_layers,) if batch is None else (d * num_layers, batch)
    config: dict[str, Any] = {"input_size": input_size, "hidden_size": hidden_size, "num_layers": num_layers}
    if module == "RNN":
        config["nonlinearity"] = nonlinearity
    config.update(bias=bias, batch_first=batch_first, dropout=float(dropout), bidirectional=bidirectional)
    if module == "LSTM":
        config["proj_size"] = proj_size
    h_out = proj_size if proj_size else hidden_size
    if lengths is not None and (max(lengths) != seq_len or min(lengths) < 1 or len(lengths) != batch
                                or (enforce_sorted and list(lengths) != sorted(lengths, reverse=True))):
        # The format promises the padded output has the input's L (a full-length sequence) and
        # torch would refuse the rest.
        raise AssertionError(f"{module}-{label}: lengths {lengths} do not fit seq_len {seq_len}, batch {batch}")
    return Case(
        name=f"{module}-{label}-{dtype}",
        module=module,
        config=config,
        dtype=dtype,
        has_hx=has_hx,
        input_shape=input_shape,
        hx_shape=lead + (h_out,) if has_hx else None,
        cx_shape=lead + (hidden_size,) if has_hx and module == "LSTM" else None,
        batched=batch is not None,
        seq_len=seq_len,
        batch=batch,
        weight_scale=weight_scale,
        lengths=lengths,
        enforce_sorted=enforce_sorted,
    )


def cell_case(
    module: ModuleName, label: str, dtype: str, *, input_size: int, hidden_size: int, bias: bool,
    batched: bool, has_hx: bool, batch: int, nonlinearity: str | None = None,
) -> Case:
    """A cell case named ``<module>-<label>-<dtype>``; RNNCell's config has its nonlinearity last."""
    config: dict[str, Any] = {"input_size": input_size, "hidden_size": hidden_size, "bias": bias}
    if module == "RNNCell":
        config["nonlinearity"] = nonlinearity
    lead = (batch,) if batched else ()
    return Case(
        name=f"{module}-{label}-{dtype}",
        module=module,
        config=config,
        dtype=dtype,
        has_hx=has_hx,
        input_shape=lead + (input_size,),
        hx_shape=lead + (hidden_size,) if has_hx else None,
        cx_shape=lead + (hidden_size,) if has_hx and module == "LSTMCell" else None,
        batched=batched,
        seq_len=None,
        batch=batch if batched else None,
    )


def onoff(flag: bool, on: str, off: str) -> str:
    return on if flag else off


# One option of a product: constructor keyword, its values in order, and each value's label.
Option = tuple[str, Sequence[Any], Callable[[Any], str]]
NONLINEARITY: Option = ("nonlinearity", ("tanh", "relu"), str)
BIAS: Option = ("bias", (True, False), lambda v: onoff(v, "bias", "nobias"))
LAYOUT: Option = ("batch_first", (False, True), lambda v: onoff(v, "batchfirst", "seqfirst"))
DIRECTION: Option = ("bidirectional", (False, True), lambda v: onoff(v, "bidir", "uni"))
LAYERS: Option = ("num_layers", (1, 2, 3), lambda v: f"L{v}")


def seq_product(module: ModuleName, dtype: str, options: Sequence[Option], **fixed: Any) -> list[Case]:
    """Every combination of ``options`` (in nested-loop order, the first option outermost), named by
    their labels joined with ``-`` and then h0/noh0. h0 rule: the initial state is given exactly when
    the sum of the option indices (each value's position in its option) is even. Changing any binary
    option flips the parity, so every value of every option appears both with and without h0, and
    half of the product has it."""
    cases = []
    for indices in itertools.product(*(range(len(values)) for _, values, _ in options)):
        has_hx = sum(indices) % 2 == 0
        chosen = {key: values[i] for (key, values, _), i in zip(options, indices)}
        labels = [label(values[i]) for (_, values, label), i in zip(options, indices)]
        cases.append(seq_case(module, "-".join(labels + [onoff(has_hx, "h0", "noh0")]), dtype,
                              **chosen, has_hx=has_hx, **fixed))
    return cases


def cell_product(module: ModuleName, dtype: str, *, input_size: int, hidden_size: int, batch: int,
                 nonlinearities: Sequence[str | None] = (None,)) -> list[Case]:
    """[nonlinearity x] bias x batched x hx given, named e.g. ``tanh-nobias-batched-hx``."""
    return [
        cell_case(module, "-".join(([nonlinearity] if nonlinearity else [])
                                   + [onoff(bias, "bias", "nobias"), onoff(batched, "batched", "unbatched"),
                                      onoff(hx, "hx", "nohx")]),
                  dtype, input_size=input_size, hidden_size=hidden_size, bias=bias, batched=batched,
                  has_hx=hx, batch=batch, nonlinearity=nonlinearity)
        for nonlinearity in nonlinearities for bias in (True, False) for batched in (True, False) for hx in (True, False)
    ]


def all_cases() -> list[Case]:
    """Every case, in a fixed order (dtype, then module family, then matrix order)."""
    from . import cases_gru, cases_lstm, cases_packed, cases_rnn  # noqa: PLC0415 - they import Case from here

    cases: list[Case] = []
    for dtype in DTYPES:
        cases += cases_rnn.rnn_cell_cases(dtype)
        cases += cases_rnn.rnn_product_cases(dtype)
        cases += cases_rnn.rnn_extra_cases(dtype)
        cases += cases_lstm.lstm_cases(dtype)
        cases += cases_gru.gru_cases(dtype)
        cases += cases_packed.packed_cases(dtype)
    names = [c.name for c in cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise AssertionError(f"duplicate case names: {duplicates}")
    return cases
