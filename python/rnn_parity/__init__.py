"""rnn-parity's Python side, shipped in the npm package (node_modules/rnn-parity/python/).

``export_fixture`` writes a fixture of your own torch module in the format rnn-parity reads
(docs/fixture-format.md), with its ONNX model exported and verified against torch; see
docs/export-your-model.md. The repository's fixture generator (scripts/fixturegen) writes the
bundled fixtures with this same code.
"""

from __future__ import annotations

from typing import Any

from .errors import ExportError, OnnxExportError

__all__ = ["ExportError", "OnnxExportError", "export_fixture"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so the generator's torch-free steps (its --list) can import this package.
    if name == "export_fixture":
        from .export import export_fixture  # noqa: PLC0415

        return export_fixture
    raise AttributeError(f"module 'rnn_parity' has no attribute {name!r}")
