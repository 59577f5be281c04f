"""Packed-sequence cases (issue 12): RNN, LSTM and GRU fed pack_padded_sequence(...)."""

from __future__ import annotations

from .cases import Case, onoff, seq_case

SEQ_LEN = 6
INPUT_SIZE = 4
HIDDEN_SIZE = 5
PROJ_SIZE = 3
# The full length, a tie, a length-1 sequence. Sorted (decreasing) for enforce_sorted=True;
# the unsorted order puts the longest in the middle and splits the tie, so sorted_indices is
# not the identity and a port that skips the permutation fails.
SORTED_LENGTHS = (6, 4, 4, 2, 1)
UNSORTED_LENGTHS = (4, 1, 6, 2, 4)


def packed_cases(dtype: str) -> list[Case]:
    """module x layout x direction x num_layers {1, 2} x enforce_sorted x h0: 32 per module.

    LSTM cases use proj_size 3 when the sum of the option indices is odd: half of them, and
    every value of every option both with and without a projection.
    """
    cases = []
    for module in ("RNN", "LSTM", "GRU"):
        for i_sorted, enforce_sorted in enumerate((True, False)):
            for i_layout, batch_first in enumerate((False, True)):
                for i_dir, bidirectional in enumerate((False, True)):
                    for i_layers, num_layers in enumerate((1, 2)):
                        for i_hx, has_hx in enumerate((True, False)):
                            proj = module == "LSTM" and (i_sorted + i_layout + i_dir + i_layers + i_hx) % 2 == 1
                            label = "-".join(
                                ["packed", onoff(enforce_sorted, "sorted", "unsorted"),
                                 onoff(batch_first, "batchfirst", "seqfirst"), onoff(bidirectional, "bidir", "uni"),
                                 f"L{num_layers}"]
                                + ([f"proj{PROJ_SIZE}"] if proj else [])
                                + [onoff(has_hx, "h0", "noh0")]
                            )
                            lengths = SORTED_LENGTHS if enforce_sorted else UNSORTED_LENGTHS
                            extra = {"nonlinearity": "tanh"} if module == "RNN" else {}
                            if module == "LSTM":
                                extra["proj_size"] = PROJ_SIZE if proj else 0
                            cases.append(seq_case(
                                module, label, dtype, input_size=INPUT_SIZE, hidden_size=HIDDEN_SIZE,
                                num_layers=num_layers, bias=True, batch_first=batch_first,
                                bidirectional=bidirectional, has_hx=has_hx, seq_len=SEQ_LEN,
                                batch=len(lengths), lengths=lengths, enforce_sorted=enforce_sorted, **extra,
                            ))
    return cases
