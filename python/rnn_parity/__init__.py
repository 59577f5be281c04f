"""rnn-parity's Python side: the fixture writer (docs/fixture-format.md), running a torch module as
the format records it, the manifest, and the ONNX export with its attribute checks and onnxruntime
verification. The repository's fixture generator (scripts/fixturegen) imports it from here.
"""

from .errors import OnnxExportError

__all__ = ["OnnxExportError"]
