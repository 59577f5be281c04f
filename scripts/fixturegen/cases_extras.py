"""Edge shapes and options the products do not cover, one list for RNN, LSTM and GRU (issues 10
and 11). LSTM also gets projection variants of the shapes where a projection can break; RNN keeps
format v1's cases exactly: two of them relu (named so), and no saturating case."""

from __future__ import annotations

from typing import Any

from .cases import Case, ModuleName, seq_case

SEQ_LEN = 5
BATCH = 3
INPUT_SIZE = 4
HIDDEN_SIZE = 6
PROJ_SIZE = 3
# Weights x10: with inputs randn*2, layer-0 pre-activations reach |x| > 10 (build.py asserts it),
# so sigmoid and tanh gates sit at 0/1 and +-1, where a wrong gate formula still shows.
SATURATING_SCALE = 10.0


def seq_extra_cases(module: ModuleName, dtype: str) -> list[Case]:
    lstm, rnn = module == "LSTM", module == "RNN"
    base: dict[str, Any] = dict(input_size=INPUT_SIZE, hidden_size=HIDDEN_SIZE, bias=True, batch_first=False,
                                seq_len=SEQ_LEN, batch=BATCH, num_layers=2, bidirectional=True)
    if lstm:
        base["proj_size"] = 0
    if rnn:
        base["nonlinearity"] = "tanh"
    # RNN's two relu extras: the label says relu, the config has it.
    relu: dict[str, Any] = {"nonlinearity": "relu"} if rnn else {}
    relu_label = "relu-" if rnn else ""

    def add(label: str, **overrides: Any) -> None:
        cases.append(seq_case(module, label, dtype, **{**base, **overrides}))

    cases: list[Case] = []
    # Unbatched input (L, H_in), states (D*num_layers, H_out).
    for bidirectional in (False, True):
        for has_hx in (True, False):
            add(f"unbatched-{'bidir' if bidirectional else 'uni'}-L2-{'h0' if has_hx else 'noh0'}",
                batch=None, bidirectional=bidirectional, has_hx=has_hx)
    # batch_first has no effect on unbatched input; torch ignores it and so must a port.
    add("unbatched-batchfirst-bidir-L2-h0", batch=None, batch_first=True, has_hx=True)
    if lstm:
        add("unbatched-bidir-L2-proj3-h0", batch=None, proj_size=PROJ_SIZE, has_hx=True)
    add("seq1-bidir-L2-h0", seq_len=1, has_hx=True)
    add("seq1-batchfirst-uni-L1-noh0", seq_len=1, batch_first=True, num_layers=1, bidirectional=False, has_hx=False)
    add(f"batch1-{relu_label}bidir-L2-noh0", batch=1, has_hx=False, **relu)
    add("batch1-batchfirst-uni-L1-h0", batch=1, batch_first=True, num_layers=1, bidirectional=False, has_hx=True)
    if lstm:
        add("batch1-bidir-L2-proj3-h0", batch=1, proj_size=PROJ_SIZE, has_hx=True)
    # input_size < hidden_size and > hidden_size, with a second layer reading D*H_out features,
    # so a transposed weight cannot go unnoticed.
    add("in2-hid9-bidir-L2-h0", input_size=2, hidden_size=9, has_hx=True)
    add("in9-hid2-batchfirst-bidir-L2-noh0", input_size=9, hidden_size=2, batch_first=True, has_hx=False)
    if lstm:
        add("in2-hid9-proj4-bidir-L2-noh0", input_size=2, hidden_size=9, proj_size=4, has_hx=False)
        add("in9-hid3-proj1-batchfirst-bidir-L2-h0", input_size=9, hidden_size=3, proj_size=1, batch_first=True, has_hx=True)
    # The tutorial's shapes: seq 3, batch 1, input 4, hidden 2.
    for batch_first in (False, True):
        add(f"tutorial-{'batchfirst' if batch_first else 'seqfirst'}-h0", input_size=4, hidden_size=2, seq_len=3,
            batch=1, num_layers=1, bidirectional=False, batch_first=batch_first, has_hx=True)
    # dropout applies between layers only in training; eval() ignores it.
    add("dropout0_5-L2-h0", dropout=0.5, bidirectional=False, has_hx=True)
    # Error accumulated over 64 time steps and two bidirectional layers.
    add("large-seq64-batch8-in32-hid48-bidir-L2-h0", input_size=32, hidden_size=48, seq_len=64, batch=8, has_hx=True)
    if lstm:
        add("large-seq64-batch8-in32-hid48-proj20-bidir-L2-noh0", input_size=32, hidden_size=48, proj_size=20,
            seq_len=64, batch=8, has_hx=False)
    if not rnn:
        add("saturating-w10-bidir-L2-h0", weight_scale=SATURATING_SCALE, has_hx=True)
    # Large enough for a blocked/WebAssembly GEMM path, with the options the large case lacks:
    # no bias, batch_first, no h0, three layers, sizes off 4-wide blocks.
    add(f"mid-seq20-batch7-in19-hid37-{relu_label}nobias-batchfirst-bidir-L3-noh0", input_size=19, hidden_size=37,
        seq_len=20, batch=7, num_layers=3, bias=False, batch_first=True, has_hx=False, **relu)
    if lstm:
        add("mid-seq20-batch7-in19-hid37-proj13-nobias-batchfirst-bidir-L3-h0", input_size=19, hidden_size=37,
            proj_size=13, seq_len=20, batch=7, num_layers=3, bias=False, batch_first=True, has_hx=True)
    return cases
