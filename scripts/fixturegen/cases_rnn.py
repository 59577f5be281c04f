"""The RNN and RNNCell part of the case matrix (format v1's cases, unchanged in v2 but for the
version field): names, seeds, shapes and config key order are exactly those of earlier releases."""

from __future__ import annotations

from .cases import BIAS, DIRECTION, LAYERS, LAYOUT, NONLINEARITY, Case, cell_product, seq_product
from .cases_extras import BATCH, HIDDEN_SIZE, INPUT_SIZE, SEQ_LEN, seq_extra_cases
from .cases_lstm import CELL_BATCH, CELL_HIDDEN_SIZE, CELL_INPUT_SIZE


def rnn_cell_cases(dtype: str) -> list[Case]:
    """nonlinearity x bias x batched x hx given: 16 per dtype."""
    return cell_product("RNNCell", dtype, input_size=CELL_INPUT_SIZE, hidden_size=CELL_HIDDEN_SIZE, batch=CELL_BATCH,
                        nonlinearities=("tanh", "relu"))


def rnn_product_cases(dtype: str) -> list[Case]:
    """nonlinearity x bias x layout x direction x num_layers: 48 per dtype (h0 rule: seq_product)."""
    return seq_product("RNN", dtype, [NONLINEARITY, BIAS, LAYOUT, DIRECTION, LAYERS], input_size=INPUT_SIZE,
                       hidden_size=HIDDEN_SIZE, seq_len=SEQ_LEN, batch=BATCH)


def rnn_extra_cases(dtype: str) -> list[Case]:
    """Edge shapes and options the product does not cover (the LSTM/GRU extras' list, RNN's names)."""
    return seq_extra_cases("RNN", dtype)
