"""The RNN and RNNCell part of the case matrix (format v1's cases, unchanged in v2 but for the
version field): names, seeds, shapes and config key order are exactly those of earlier releases."""

from __future__ import annotations

from .cases import Case, cell_case, seq_case

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
                    label = "-".join(
                        [
                            nonlinearity,
                            "bias" if bias else "nobias",
                            "batched" if batched else "unbatched",
                            "hx" if has_hx else "nohx",
                        ]
                    )
                    cases.append(
                        cell_case(
                            "RNNCell",
                            label,
                            dtype,
                            input_size=CELL_INPUT_SIZE,
                            hidden_size=CELL_HIDDEN_SIZE,
                            bias=bias,
                            batched=batched,
                            has_hx=has_hx,
                            batch=CELL_BATCH,
                            nonlinearity=nonlinearity,
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
    return seq_case(
        "RNN", label, dtype, input_size=input_size, hidden_size=hidden_size, num_layers=num_layers,
        nonlinearity=nonlinearity, bias=bias, batch_first=batch_first, bidirectional=bidirectional,
        has_hx=has_hx, seq_len=seq_len, batch=batch, dropout=dropout,
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
