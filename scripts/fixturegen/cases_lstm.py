"""The LSTM and LSTMCell part of the case matrix (issue 10)."""

from __future__ import annotations

from .cases import BIAS, DIRECTION, LAYERS, LAYOUT, Case, Option, cell_product, seq_product
from .cases_extras import BATCH, HIDDEN_SIZE, INPUT_SIZE, PROJ_SIZE, SEQ_LEN, seq_extra_cases

CELL_INPUT_SIZE = 3
CELL_HIDDEN_SIZE = 5
CELL_BATCH = 4
PROJECTION: Option = ("proj_size", (0, PROJ_SIZE), lambda p: f"proj{p}" if p else "noproj")


def lstm_cases(dtype: str) -> list[Case]:
    """LSTMCell: bias x batched x (hx, cx) given (8 per dtype); LSTM: bias x layout x direction x
    num_layers x proj_size {0, 3} (48 per dtype; h0 means h0 and c0, rule: seq_product); the extras."""
    return (cell_product("LSTMCell", dtype, input_size=CELL_INPUT_SIZE, hidden_size=CELL_HIDDEN_SIZE, batch=CELL_BATCH)
            + seq_product("LSTM", dtype, [BIAS, LAYOUT, DIRECTION, LAYERS, PROJECTION], input_size=INPUT_SIZE,
                          hidden_size=HIDDEN_SIZE, seq_len=SEQ_LEN, batch=BATCH)
            + seq_extra_cases("LSTM", dtype))
