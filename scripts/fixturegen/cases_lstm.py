"""The LSTM and LSTMCell part of the case matrix (issue 10)."""

from __future__ import annotations

from .cases import Case, cell_case, onoff, seq_case
from .cases_extras import BATCH, HIDDEN_SIZE, INPUT_SIZE, PROJ_SIZE, SEQ_LEN, seq_extra_cases

CELL_INPUT_SIZE = 3
CELL_HIDDEN_SIZE = 5
CELL_BATCH = 4


def lstm_product_cases(dtype: str) -> list[Case]:
    """bias x layout x direction x num_layers x proj_size {0, 3}: 48 per dtype.

    h0/c0 are given exactly when the sum of the option indices is even (as in the RNN product):
    every value of every option appears both with and without an initial state.
    """
    cases = []
    for i_bias, bias in enumerate((True, False)):
        for i_layout, batch_first in enumerate((False, True)):
            for i_dir, bidirectional in enumerate((False, True)):
                for i_layers, num_layers in enumerate((1, 2, 3)):
                    for i_proj, proj_size in enumerate((0, PROJ_SIZE)):
                        has_hx = (i_bias + i_layout + i_dir + i_layers + i_proj) % 2 == 0
                        label = "-".join([
                            onoff(bias, "bias", "nobias"), onoff(batch_first, "batchfirst", "seqfirst"),
                            onoff(bidirectional, "bidir", "uni"), f"L{num_layers}",
                            f"proj{proj_size}" if proj_size else "noproj", onoff(has_hx, "h0", "noh0"),
                        ])
                        cases.append(seq_case(
                            "LSTM", label, dtype, input_size=INPUT_SIZE, hidden_size=HIDDEN_SIZE,
                            num_layers=num_layers, bias=bias, batch_first=batch_first,
                            bidirectional=bidirectional, proj_size=proj_size, has_hx=has_hx,
                            seq_len=SEQ_LEN, batch=BATCH,
                        ))
    return cases


def lstm_cell_cases(dtype: str) -> list[Case]:
    """bias x batched x (hx, cx) given: 8 per dtype."""
    return [
        cell_case("LSTMCell", f"{onoff(bias, 'bias', 'nobias')}-{onoff(batched, 'batched', 'unbatched')}-{onoff(hx, 'hx', 'nohx')}",
                  dtype, input_size=CELL_INPUT_SIZE, hidden_size=CELL_HIDDEN_SIZE, bias=bias, batched=batched,
                  has_hx=hx, batch=CELL_BATCH)
        for bias in (True, False) for batched in (True, False) for hx in (True, False)
    ]


def lstm_cases(dtype: str) -> list[Case]:
    return lstm_cell_cases(dtype) + lstm_product_cases(dtype) + seq_extra_cases("LSTM", dtype)
