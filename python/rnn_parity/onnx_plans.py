"""Which ONNX path each module, dtype and packing gets, in order of preference, and why.

Each plan is (exporter, graph kind); onnx_export tries them in order. The reasons were measured
with torch 2.13.0, onnxscript 0.7.2, onnxruntime 1.31.1 (``python -m fixturegen.onnx_exporters``
reproduces them; docs/onnx-exporters.md has the numbers) and go into the manifest's ``note``.
"""

from __future__ import annotations

import torch

TORCHSCRIPT = "torch.onnx-torchscript"
DYNAMO = "torch.onnx-dynamo"
HELPER = "onnx.helper"

Plan = tuple[str, str]

WHY_OP = ("TorchScript exporter: the torch path that emits ONNX's {op} operator"
          "{packed}; onnxruntime then runs its own {op} kernel")
WHY_F64_RNN = "onnxruntime's CPU RNN kernel is float-only, so float64 RNN runs decomposed (dynamo)"
WHY_F64 = ("both torch exporters emit ONNX's {op} operator, which onnxruntime's CPU provider implements for "
           "float only ('{op} operator does not support double yet'), so the graph is decomposed with onnx.helper")
WHY_PROJ = ("ONNX's LSTM has no projection and torch cannot export proj_size: TorchScript refuses it ('ONNX "
            "export of operator LSTM, LSTMs with projections'), dynamo emits an LSTM node with "
            "hidden_size=proj_size and no weight_hr, which onnxruntime rejects; decomposed with onnx.helper")
WHY_CELL = "no ONNX cell operator: the dynamo exporter's Gemm/Sigmoid/Tanh graph with torch-named initializers"
WHY_F64_PACKED = ("float64 packed: onnxruntime's RNN/LSTM/GRU kernels are float-only, so the graph is decomposed "
                  "with onnx.helper and masks each step with lengths")


def plans_for(module: torch.nn.Module, packed: bool) -> tuple[list[Plan], str]:
    dtype = next(module.parameters()).dtype
    kind = type(module).__name__
    f64 = dtype == torch.float64
    if kind in ("RNNCell", "LSTMCell", "GRUCell"):
        return [(DYNAMO, "decomposed"), (HELPER, "decomposed")], WHY_CELL
    if kind == "LSTM" and module.proj_size > 0:
        return [(HELPER, "decomposed")], WHY_PROJ
    if f64 and packed:
        return [(HELPER, "decomposed")], WHY_F64_PACKED
    if f64 and kind == "RNN":
        return [(DYNAMO, "decomposed"), (HELPER, "decomposed")], WHY_F64_RNN
    if f64:
        return [(HELPER, "decomposed")], WHY_F64.format(op=kind)
    op = f"onnx.{kind}"
    why = WHY_OP.format(op=kind, packed=" with sequence_lens (pack_padded_sequence traced)" if packed else "")
    if kind == "RNN" and packed:
        # onnx_graphs.rnn_op_graph takes no sequence_lens; the masked decomposed graph does.
        return [(TORCHSCRIPT, op), (HELPER, "decomposed")], why
    return [(TORCHSCRIPT, op), (HELPER, op), (HELPER, "decomposed")], why
