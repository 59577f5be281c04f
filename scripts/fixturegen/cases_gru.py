"""The GRU and GRUCell part of the case matrix (issue 11)."""

from __future__ import annotations

from .cases import Case, cell_case, onoff, seq_case
from .cases_extras import BATCH, HIDDEN_SIZE, INPUT_SIZE, SEQ_LEN, seq_extra_cases
from .cases_lstm import CELL_BATCH, CELL_HIDDEN_SIZE, CELL_INPUT_SIZE


def gru_product_cases(dtype: str) -> list[Case]:
    """bias x layout x direction x num_layers: 24 per dtype, h0 given when the index sum is even."""
    cases = []
    for i_bias, bias in enumerate((True, False)):
        for i_layout, batch_first in enumerate((False, True)):
            for i_dir, bidirectional in enumerate((False, True)):
                for i_layers, num_layers in enumerate((1, 2, 3)):
                    has_hx = (i_bias + i_layout + i_dir + i_layers) % 2 == 0
                    label = "-".join([
                        onoff(bias, "bias", "nobias"), onoff(batch_first, "batchfirst", "seqfirst"),
                        onoff(bidirectional, "bidir", "uni"), f"L{num_layers}", onoff(has_hx, "h0", "noh0"),
                    ])
                    cases.append(seq_case(
                        "GRU", label, dtype, input_size=INPUT_SIZE, hidden_size=HIDDEN_SIZE, num_layers=num_layers,
                        bias=bias, batch_first=batch_first, bidirectional=bidirectional, has_hx=has_hx,
                        seq_len=SEQ_LEN, batch=BATCH,
                    ))
    return cases


def gru_cell_cases(dtype: str) -> list[Case]:
    """bias x batched x hx given: 8 per dtype."""
    return [
        cell_case("GRUCell", f"{onoff(bias, 'bias', 'nobias')}-{onoff(batched, 'batched', 'unbatched')}-{onoff(hx, 'hx', 'nohx')}",
                  dtype, input_size=CELL_INPUT_SIZE, hidden_size=CELL_HIDDEN_SIZE, bias=bias, batched=batched,
                  has_hx=hx, batch=CELL_BATCH)
        for bias in (True, False) for batched in (True, False) for hx in (True, False)
    ]


def gru_cases(dtype: str) -> list[Case]:
    return gru_cell_cases(dtype) + gru_product_cases(dtype) + seq_extra_cases("GRU", dtype)
