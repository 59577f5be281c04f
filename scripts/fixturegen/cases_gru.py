"""The GRU and GRUCell part of the case matrix (issue 11)."""

from __future__ import annotations

from .cases import BIAS, DIRECTION, LAYERS, LAYOUT, Case, cell_product, seq_product
from .cases_extras import BATCH, HIDDEN_SIZE, INPUT_SIZE, SEQ_LEN, seq_extra_cases
from .cases_lstm import CELL_BATCH, CELL_HIDDEN_SIZE, CELL_INPUT_SIZE


def gru_cases(dtype: str) -> list[Case]:
    """GRUCell: bias x batched x hx given (8 per dtype); GRU: bias x layout x direction x num_layers
    (24 per dtype, h0 rule: seq_product); then the extras."""
    return (cell_product("GRUCell", dtype, input_size=CELL_INPUT_SIZE, hidden_size=CELL_HIDDEN_SIZE, batch=CELL_BATCH)
            + seq_product("GRU", dtype, [BIAS, LAYOUT, DIRECTION, LAYERS], input_size=INPUT_SIZE,
                          hidden_size=HIDDEN_SIZE, seq_len=SEQ_LEN, batch=BATCH)
            + seq_extra_cases("GRU", dtype))
