"""The one exception export_fixture raises for bad arguments."""

from __future__ import annotations


class ExportError(ValueError):
    """An argument export_fixture cannot use. ``str()`` is one line: ``<argument>: <problem>``."""

    def __init__(self, argument: str, problem: str) -> None:
        self.argument = argument
        self.problem = " ".join(problem.split())
        super().__init__(f"{argument}: {self.problem}")


class OnnxExportError(RuntimeError):
    """No ONNX model of the module could be built, or the one built is not the module (its attributes,
    or onnxruntime's outputs against torch's). Never a reason to write an unverified model."""
