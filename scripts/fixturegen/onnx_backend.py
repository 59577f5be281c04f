"""Copies ONNX's own LSTM and GRU backend test models into test/data/onnx-backend/, with outputs.

    python -m fixturegen.onnx_backend --out ../test/data/onnx-backend
    python -m fixturegen.onnx_backend --check ../test/data/onnx-backend

The models come from ``onnx.backend.test.case.node.lstm`` / ``.gru`` of the pinned onnx package
(its wheel ships the generators, not the test_lstm_*/test_gru_* data folders; importing them runs
each export with ``np.random.seed(0)``, so they are reproducible). For each model the folder gets
``<name>.onnx`` (the model's bytes as onnx builds them) and ``<name>.msgpack``:

    format "rnn-parity-onnx-backend-case", version 1, name, op_type, onnx_version,
    onnxruntime_version, model (the .onnx file name), model_sha256, attributes (the node's, as
    plain values), refusal (why a torch port must refuse the model, or nil), inputs, outputs
    (onnxruntime's, CPU, one thread; nil when onnxruntime cannot run the model, and then
    onnxruntime_error says why, e.g. layout=1), onnxruntime_error (str or nil), reference_outputs (ONNX's numpy reference shipped with the
    case), rtol and atol (the backend suite's tolerance, with which outputs were checked against
    reference_outputs), max_abs_diff (max |outputs - reference_outputs|, nil without outputs)

Tensors are maps as in docs/fixture-format.md, dtype "float32" or "int32" (sequence_lens), keyed
by the graph's input and output names (X, W, R, B, sequence_lens, initial_h, initial_c, P; Y, Y_h,
Y_c). --check requires the same files, models, inputs and references bit for bit, and outputs
within torch.testing.assert_close of a fresh onnxruntime run. Exit 1 with one line per problem.
"""

from __future__ import annotations

import argparse
import hashlib
import pathlib
import sys
from typing import Any

import msgpack
import numpy as np
import onnx
import onnxruntime as ort
import torch

FORMAT = "rnn-parity-onnx-backend-case"
VERSION = 1
_DTYPES = {np.dtype("float32"): ("float32", "<f4"), np.dtype("int32"): ("int32", "<i4")}


def backend_cases() -> list[Any]:
    import onnx.backend.test.case.node as node_cases  # noqa: PLC0415
    import onnx.backend.test.case.node.gru  # noqa: F401, PLC0415 - importing runs the exports
    import onnx.backend.test.case.node.lstm  # noqa: F401, PLC0415

    cases = [c for c in node_cases._NodeTestCases if c.model.graph.node[0].op_type in ("LSTM", "GRU")]
    return sorted(cases, key=lambda c: c.name)


def refusal(node: onnx.NodeProto) -> str | None:
    """Why torch's LSTM/GRU cannot express this node (the harness must refuse it), else None."""
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    if node.op_type == "LSTM" and len(node.input) > 7 and node.input[7]:
        return "peepholes: input P is set; torch's LSTM has none"
    if node.op_type == "GRU" and attrs.get("linear_before_reset", 0) != 1:
        return "linear_before_reset=0: the reset gate is applied before the recurrent product; torch's GRU applies it after"
    if attrs.get("direction", b"forward") == b"reverse":
        return "direction=reverse: a lone reverse layer; torch has only forward and bidirectional layers"
    return None


def _tensor(a: np.ndarray) -> dict[str, Any]:
    name, little = _DTYPES[a.dtype]
    return {"dtype": name, "shape": list(a.shape), "data": np.ascontiguousarray(a).astype(little, copy=False).tobytes()}


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _run(model: onnx.ModelProto, feeds: dict[str, np.ndarray], names: list[str]) -> dict[str, np.ndarray]:
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.log_severity_level = 4  # its failure is reported once, by the caller
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return dict(zip(names, session.run(names, feeds)))


def build() -> dict[str, tuple[bytes, bytes]]:
    """name -> (.onnx bytes, .msgpack bytes); fails if onnxruntime misses ONNX's reference."""
    files: dict[str, tuple[bytes, bytes]] = {}
    for case in backend_cases():
        model = case.model
        node = model.graph.node[0]
        (inputs, references), = case.data_sets
        in_names = [i.name for i in model.graph.input]
        out_names = [o.name for o in model.graph.output]
        feeds = dict(zip(in_names, inputs))
        refs = dict(zip(out_names, references))
        try:
            outputs: dict[str, np.ndarray] | None = _run(model, feeds, out_names)
            ort_error = None
        except Exception as error:  # noqa: BLE001 - recorded: the harness then has only the reference
            outputs, ort_error = None, _ort_message(error)
        worst = None if outputs is None else 0.0
        for k in out_names if outputs is not None else []:
            if not np.allclose(outputs[k], refs[k], rtol=case.rtol, atol=case.atol):
                raise AssertionError(f"{case.name}: onnxruntime's {k} misses ONNX's reference (rtol {case.rtol}, atol {case.atol})")
            worst = max(worst, float(np.abs(outputs[k].astype(np.float64) - refs[k].astype(np.float64)).max()))
        data = model.SerializeToString()
        doc = {
            "format": FORMAT, "version": VERSION, "name": case.name, "op_type": node.op_type,
            "onnx_version": onnx.__version__, "onnxruntime_version": ort.__version__,
            "model": f"{case.name}.onnx", "model_sha256": hashlib.sha256(data).hexdigest(),
            "attributes": {a.name: _plain(onnx.helper.get_attribute_value(a)) for a in node.attribute},
            "refusal": refusal(node),
            "inputs": {k: _tensor(v) for k, v in feeds.items()},
            "outputs": None if outputs is None else {k: _tensor(outputs[k]) for k in out_names},
            "onnxruntime_error": ort_error,
            "reference_outputs": {k: _tensor(refs[k]) for k in out_names},
            "rtol": case.rtol, "atol": case.atol, "max_abs_diff": worst,
        }
        files[case.name] = (data, msgpack.packb(doc, use_bin_type=True))
    return files


def _ort_message(error: BaseException) -> str:
    """onnxruntime's reason without its source path: 'Batchwise recurrent operations ... not supported.'"""
    text = " ".join(str(error).split())
    return text.split(" was false. ", 1)[-1].split(" If you need support")[0]


def _decode(m: dict[str, Any]) -> torch.Tensor:
    little = {"float32": "<f4", "int32": "<i4"}[m["dtype"]]
    return torch.from_numpy(np.frombuffer(m["data"], dtype=little).reshape(m["shape"]).copy())


def check(folder: pathlib.Path, files: dict[str, tuple[bytes, bytes]]) -> list[str]:
    problems = []
    wanted = {f"{n}{ext}" for n in files for ext in (".onnx", ".msgpack")}
    present = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    problems += [f"{folder / n}: missing" for n in sorted(wanted - present)]
    problems += [f"{folder / n}: not a backend case" for n in sorted(present - wanted)]
    for name, (model, packed) in files.items():
        if f"{name}.onnx" in present and (folder / f"{name}.onnx").read_bytes() != model:
            problems.append(f"{folder / name}.onnx: differs from onnx {onnx.__version__}'s model")
        if f"{name}.msgpack" not in present:
            continue
        old, new = msgpack.unpackb((folder / f"{name}.msgpack").read_bytes()), msgpack.unpackb(packed)
        for key in sorted(set(old) | set(new)):
            if key in ("outputs", "max_abs_diff") and old.get(key) is not None and new.get(key) is not None:
                continue
            if old.get(key) != new.get(key):
                problems.append(f"{folder / name}.msgpack: {key}: differs from a fresh build")
        for key in sorted(new["outputs"] or {}):
            try:
                torch.testing.assert_close(_decode(old["outputs"][key]), _decode(new["outputs"][key]))
            except (AssertionError, KeyError) as error:
                problems.append(f"{folder / name}.msgpack: outputs.{key}: {str(error).splitlines()[0]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fixturegen.onnx_backend", description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", type=pathlib.Path, help="write the folder (replaced file by file, atomically)")
    group.add_argument("--check", type=pathlib.Path, help="exit 1 unless the folder matches a fresh build")
    args = parser.parse_args(argv)
    files = build()
    if args.check is not None:
        problems = check(args.check, files)
        for line in problems:
            print(line, file=sys.stderr)
        if not problems:
            print(f"{args.check}: {len(files)} ONNX backend models up to date", file=sys.stderr)
        return 1 if problems else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in args.out.iterdir():
        if stale.suffix in (".onnx", ".msgpack") and stale.stem not in files:
            stale.unlink()
    for name, (model, packed) in files.items():
        for ext, data in ((".onnx", model), (".msgpack", packed)):
            tmp = args.out / f"{name}{ext}.tmp"
            tmp.write_bytes(data)
            tmp.replace(args.out / f"{name}{ext}")
    print(f"wrote {len(files)} ONNX backend models to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
