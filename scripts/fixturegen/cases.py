"""The case matrix: every fixture the generator writes, as plain data.

A `Case` holds everything needed to build the torch module and its inputs; nothing here imports
torch, so the matrix can be listed (``python -m fixturegen.generate --list``) cheaply.

Names are the file stems and are unique. They read left to right as the configuration, so a
failing test names what broke, e.g. ``RNN-relu-nobias-batchfirst-bidir-L3-h0-float64``.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Literal

DTYPES: tuple[str, ...] = ("float32", "float64")

ModuleName = Literal["RNN", "RNNCell"]

# randn is scaled so pre-activations reach |x| > 2 often enough for tanh to saturate in places,
# while relu still sees plenty of negative pre-activations (randn is symmetric).
INPUT_SCALE = 2.0
HX_SCALE = 1.0


@dataclass(frozen=True)
class Case:
    """One fixture.

    name       file stem, unique across the matrix (includes the dtype suffix)
    module     torch.nn class name: "RNN" or "RNNCell"
    config     constructor keyword arguments under torch's names, every key present
    dtype      "float32" or "float64": parameters, inputs and outputs all have this dtype
    has_hx     whether an initial hidden state is passed (``hx`` input; h0 for RNN)
    input_shape  the full shape of ``input`` as torch receives it, in the module's layout
               (RNN batched: (L, N, H_in), or (N, L, H_in) when batch_first; RNN unbatched:
               (L, H_in); RNNCell: (N, H_in) or unbatched (H_in,))
    hx_shape   the shape of ``hx`` when has_hx, else None (RNN: (D*num_layers, N, H_out) or
               (D*num_layers, H_out) unbatched, never batch-first; RNNCell: (N, H_out) or (H_out,))
    batched    False for unbatched input
    seq_len    RNN only: sequence length L (None for RNNCell)
    batch      N, or None when unbatched
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

    @property
    def seed(self) -> int:
        """torch.manual_seed for this case: a stable function of the name alone."""
        return zlib.crc32(self.name.encode("utf-8"))

    @property
    def output_names(self) -> tuple[str, ...]:
        return ("output", "h_n") if self.module == "RNN" else ("h_prime",)

    @property
    def input_names(self) -> tuple[str, ...]:
        return ("input", "hx") if self.has_hx else ("input",)


# --- RNNCell -------------------------------------------------------------------------------

CELL_INPUT_SIZE = 3
CELL_HIDDEN_SIZE = 5
CELL_BATCH = 4


def rnn_cell_cases(dtype: str) -> list[Case]:
    cases = []
    for nonlinearity in ("tanh", "relu"):
        for bias in (True, False):
            for batched in (True, False):
                for has_hx in (True, False):
                    name = "-".join(
                        [
                            "RNNCell",
                            nonlinearity,
                            "bias" if bias else "nobias",
                            "batched" if batched else "unbatched",
                            "hx" if has_hx else "nohx",
                            dtype,
                        ]
                    )
                    lead = (CELL_BATCH,) if batched else ()
                    cases.append(
                        Case(
                            name=name,
                            module="RNNCell",
                            config={
                                "input_size": CELL_INPUT_SIZE,
                                "hidden_size": CELL_HIDDEN_SIZE,
                                "bias": bias,
                                "nonlinearity": nonlinearity,
                            },
                            dtype=dtype,
                            has_hx=has_hx,
                            input_shape=lead + (CELL_INPUT_SIZE,),
                            hx_shape=lead + (CELL_HIDDEN_SIZE,) if has_hx else None,
                            batched=batched,
                            seq_len=None,
                            batch=CELL_BATCH if batched else None,
                        )
                    )
    return cases


# --- RNN -----------------------------------------------------------------------------------


def rnn_case(
    label: str,
    dtype: str,
    *,
    input_size: int,
    hidden_size: int,
    num_layers: int,
    nonlinearity: str,
    bias: bool,
    batch_first: bool,
    bidirectional: bool,
    has_hx: bool,
    seq_len: int,
    batch: int | None,
    dropout: float = 0.0,
) -> Case:
    """An RNN case named ``RNN-<label>-<dtype>``; shapes follow torch.nn.RNN's documentation."""
    if batch is None:
        input_shape: tuple[int, ...] = (seq_len, input_size)
    elif batch_first:
        input_shape = (batch, seq_len, input_size)
    else:
        input_shape = (seq_len, batch, input_size)
    d = 2 if bidirectional else 1
    hx_lead = (d * num_layers,) if batch is None else (d * num_layers, batch)
    return Case(
        name=f"RNN-{label}-{dtype}",
        module="RNN",
        config={
            "input_size": input_size,
            "hidden_size": hidden_size,
            "num_layers": num_layers,
            "nonlinearity": nonlinearity,
            "bias": bias,
            "batch_first": batch_first,
            "dropout": float(dropout),
            "bidirectional": bidirectional,
        },
        dtype=dtype,
        has_hx=has_hx,
        input_shape=input_shape,
        hx_shape=hx_lead + (hidden_size,) if has_hx else None,
        batched=batch is not None,
        seq_len=seq_len,
        batch=batch,
    )


PRODUCT_SEQ_LEN = 5
PRODUCT_BATCH = 3
PRODUCT_INPUT_SIZE = 4
PRODUCT_HIDDEN_SIZE = 6


def rnn_product_cases(dtype: str) -> list[Case]:
    """The full product nonlinearity x bias x layout x direction x num_layers (48 per dtype).

    h0 rule: h0 is given exactly when the sum of the option indices is even, where each
    dimension's index is its position in the lists below (num_layers 1, 2, 3 -> 0, 1, 2).
    Changing any binary dimension flips the parity, so every value of every dimension
    (including each num_layers) appears both with h0 and without it, and exactly half of the
    product has h0.
    """
    cases = []
    for i_nl, nonlinearity in enumerate(("tanh", "relu")):
        for i_bias, bias in enumerate((True, False)):
            for i_layout, batch_first in enumerate((False, True)):
                for i_dir, bidirectional in enumerate((False, True)):
                    for i_layers, num_layers in enumerate((1, 2, 3)):
                        has_hx = (i_nl + i_bias + i_layout + i_dir + i_layers) % 2 == 0
                        label = "-".join(
                            [
                                nonlinearity,
                                "bias" if bias else "nobias",
                                "batchfirst" if batch_first else "seqfirst",
                                "bidir" if bidirectional else "uni",
                                f"L{num_layers}",
                                "h0" if has_hx else "noh0",
                            ]
                        )
                        cases.append(
                            rnn_case(
                                label,
                                dtype,
                                input_size=PRODUCT_INPUT_SIZE,
                                hidden_size=PRODUCT_HIDDEN_SIZE,
                                num_layers=num_layers,
                                nonlinearity=nonlinearity,
                                bias=bias,
                                batch_first=batch_first,
                                bidirectional=bidirectional,
                                has_hx=has_hx,
                                seq_len=PRODUCT_SEQ_LEN,
                                batch=PRODUCT_BATCH,
                            )
                        )
    return cases


def rnn_extra_cases(dtype: str) -> list[Case]:
    """Edge shapes and options the product does not cover."""
    base = dict(
        input_size=PRODUCT_INPUT_SIZE,
        hidden_size=PRODUCT_HIDDEN_SIZE,
        nonlinearity="tanh",
        bias=True,
        batch_first=False,
        seq_len=PRODUCT_SEQ_LEN,
        batch=PRODUCT_BATCH,
    )
    cases = []
    # Unbatched input (L, H_in) with h0 of shape (D*num_layers, H_out).
    for bidirectional in (False, True):
        for has_hx in (True, False):
            direction = "bidir" if bidirectional else "uni"
            cases.append(
                rnn_case(
                    f"unbatched-{direction}-L2-{'h0' if has_hx else 'noh0'}",
                    dtype,
                    **{**base, "batch": None},
                    num_layers=2,
                    bidirectional=bidirectional,
                    has_hx=has_hx,
                )
            )
    # batch_first has no effect on unbatched input; torch ignores it and so must we.
    cases.append(
        rnn_case(
            "unbatched-batchfirst-bidir-L2-h0",
            dtype,
            **{**base, "batch": None, "batch_first": True},
            num_layers=2,
            bidirectional=True,
            has_hx=True,
        )
    )
    cases.append(
        rnn_case(
            "seq1-bidir-L2-h0",
            dtype,
            **{**base, "seq_len": 1},
            num_layers=2,
            bidirectional=True,
            has_hx=True,
        )
    )
    cases.append(
        rnn_case(
            "seq1-batchfirst-uni-L1-noh0",
            dtype,
            **{**base, "seq_len": 1, "batch_first": True},
            num_layers=1,
            bidirectional=False,
            has_hx=False,
        )
    )
    cases.append(
        rnn_case(
            "batch1-relu-bidir-L2-noh0",
            dtype,
            **{**base, "batch": 1, "nonlinearity": "relu"},
            num_layers=2,
            bidirectional=True,
            has_hx=False,
        )
    )
    cases.append(
        rnn_case(
            "batch1-batchfirst-uni-L1-h0",
            dtype,
            **{**base, "batch": 1, "batch_first": True},
            num_layers=1,
            bidirectional=False,
            has_hx=True,
        )
    )
    # input_size < hidden_size and input_size > hidden_size, with a second layer whose input is
    # D*hidden_size, so a transposed weight cannot go unnoticed.
    cases.append(
        rnn_case(
            "in2-hid9-bidir-L2-h0",
            dtype,
            **{**base, "input_size": 2, "hidden_size": 9},
            num_layers=2,
            bidirectional=True,
            has_hx=True,
        )
    )
    cases.append(
        rnn_case(
            "in9-hid2-batchfirst-bidir-L2-noh0",
            dtype,
            **{**base, "input_size": 9, "hidden_size": 2, "batch_first": True},
            num_layers=2,
            bidirectional=True,
            has_hx=False,
        )
    )
    # The tutorial's shapes: seq 3, batch 1, input 4, hidden 2.
    for batch_first in (False, True):
        cases.append(
            rnn_case(
                f"tutorial-{'batchfirst' if batch_first else 'seqfirst'}-h0",
                dtype,
                input_size=4,
                hidden_size=2,
                nonlinearity="tanh",
                bias=True,
                batch_first=batch_first,
                seq_len=3,
                batch=1,
                num_layers=1,
                bidirectional=False,
                has_hx=True,
            )
        )
    # dropout applies between layers only in training; eval() ignores it, and so do we.
    cases.append(
        rnn_case(
            "dropout0_5-L2-h0",
            dtype,
            **base,
            num_layers=2,
            bidirectional=False,
            has_hx=True,
            dropout=0.5,
        )
    )
    # Large enough that error accumulated over 64 time steps and two bidirectional layers shows.
    cases.append(
        rnn_case(
            "large-seq64-batch8-in32-hid48-bidir-L2-h0",
            dtype,
            input_size=32,
            hidden_size=48,
            nonlinearity="tanh",
            bias=True,
            batch_first=False,
            seq_len=64,
            batch=8,
            num_layers=2,
            bidirectional=True,
            has_hx=True,
        )
    )
    # Big enough that our RNN takes its WebAssembly GEMM path (src/kernels/wasm-*.ts), with every
    # option the large case does not have: relu, no bias, batch_first, no h0, three layers, and
    # sizes that are not multiples of the kernel's 4-wide blocks.
    cases.append(
        rnn_case(
            "mid-seq20-batch7-in19-hid37-relu-nobias-batchfirst-bidir-L3-noh0",
            dtype,
            input_size=19,
            hidden_size=37,
            nonlinearity="relu",
            bias=False,
            batch_first=True,
            seq_len=20,
            batch=7,
            num_layers=3,
            bidirectional=True,
            has_hx=False,
        )
    )
    return cases


def all_cases() -> list[Case]:
    """Every case, in a fixed order (dtype, then module, then matrix order)."""
    cases: list[Case] = []
    for dtype in DTYPES:
        cases += rnn_cell_cases(dtype)
        cases += rnn_product_cases(dtype)
        cases += rnn_extra_cases(dtype)
    names = [c.name for c in cases]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise AssertionError(f"duplicate case names: {duplicates}")
    return cases
