"""Errors of the shipped package."""

from __future__ import annotations


class OnnxExportError(RuntimeError):
    """No ONNX model of the module could be built, or the one built is not the module (its attributes,
    or onnxruntime's outputs against torch's). Never a reason to write an unverified model."""
