"""The fixture generator. The fixture writer, the ONNX export and its checks live in the package
that ships with rnn-parity (python/rnn_parity, also what export_fixture runs from node_modules);
the generator imports them from this checkout's copy, so both write fixtures with the same code."""

import pathlib
import sys

_SHIPPED = str(pathlib.Path(__file__).resolve().parents[2] / "python")
if _SHIPPED not in sys.path:
    sys.path.insert(0, _SHIPPED)
