"""Checks and normalises export_fixture's module, input, hx and lengths before anything runs.

Each problem is an ExportError naming the argument. What the format cannot hold (another dtype,
NaN, an empty dimension) and what torch would refuse with a less direct message (a wrong feature
size, an hx of the wrong shape) are caught here; torch's own refusals are reported under `input`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.nn.utils.rnn import PackedSequence, pad_packed_sequence

from .errors import ExportError
from .forward import MODULE_CLASSES, SEQUENCE_MODULES, config_of

_DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64"}
_LSTMS = ("LSTM", "LSTMCell")


@dataclass
class Prepared:
    module_name: str
    config: dict
    dtype: str
    module: torch.nn.Module           # a fresh torch module of the same class, with the caller's weights, eval()
    inputs: dict[str, torch.Tensor]   # input, [hx, [cx]], [lengths]: CPU, detached, in the format's order
    enforce_sorted: bool | None       # packed cases only


def module_name_of(module: object) -> str:
    if not isinstance(module, torch.nn.Module):
        raise ExportError("module", f"expected a torch.nn.RNN, LSTM, GRU, RNNCell, LSTMCell or GRUCell, got {_kind(module)}")
    for name, cls in MODULE_CLASSES.items():
        if type(module) is cls:
            return name
    for name, cls in MODULE_CLASSES.items():
        if isinstance(module, cls):
            if type(module).forward is not cls.forward:
                raise ExportError("module", f"{type(module).__name__} subclasses torch.nn.{name} and overrides forward, so "
                                  f"its outputs are not torch.nn.{name}'s; export the plain torch.nn.{name} it wraps")
            return name
    inner = [f"{path} ({type(m).__name__})" for path, m in module.named_modules()
             if path and isinstance(m, tuple(MODULE_CLASSES.values()))]
    hint = f"; it contains {', '.join(inner[:4])}: pass that layer, e.g. model.{inner[0].split(' ')[0]}" if inner else ""
    raise ExportError("module", f"expected a torch.nn.RNN, LSTM, GRU, RNNCell, LSTMCell or GRUCell, got "
                      f"{type(module).__name__}{hint}")


def prepare(module: object, input: object, hx: object, lengths: object, enforce_sorted: object) -> Prepared:
    name = module_name_of(module)
    assert isinstance(module, torch.nn.Module)
    dtype = _module_dtype(module)
    config = config_of(name, module)
    fresh = _fresh_module(name, config, dtype, module)
    torch_dtype = next(fresh.parameters()).dtype

    if lengths is not None and name not in SEQUENCE_MODULES:
        raise ExportError("lengths", f"{name} takes one time step; only RNN, LSTM and GRU take packed sequences")
    if isinstance(input, PackedSequence):
        if name not in SEQUENCE_MODULES:
            raise ExportError("input", f"a PackedSequence, but {name} takes one time step (a tensor)")
        if lengths is not None:
            raise ExportError("lengths", "given with a PackedSequence input, which has its own lengths")
        if enforce_sorted is not None:
            raise ExportError("enforce_sorted", "given with a PackedSequence input; its sorted_indices already say it")
        _check_tensor("input", input.data, torch_dtype)
        padded, lens = pad_packed_sequence(input, batch_first=config["batch_first"])
        enforce_sorted = input.sorted_indices is None
        input, lengths = padded, lens
    x = _check_tensor("input", input, torch_dtype)
    _check_input_shape(name, config, x, lengths is not None)
    inputs = {"input": x}
    if hx is not None:
        inputs.update(_state(name, config, hx, x, torch_dtype))
    packed_sorted: bool | None = None
    if lengths is not None:
        if enforce_sorted is None:
            enforce_sorted = True  # pack_padded_sequence's default
        if not isinstance(enforce_sorted, bool):
            raise ExportError("enforce_sorted", f"expected True or False, got {_kind(enforce_sorted)}")
        inputs["input"], inputs["lengths"] = _lengths(config, x, lengths, enforce_sorted)
        packed_sorted = enforce_sorted
    elif enforce_sorted is not None:
        raise ExportError("enforce_sorted", "given without lengths; it applies to packed sequences only")
    return Prepared(name, config, dtype, fresh, inputs, packed_sorted)


def _kind(value: object) -> str:
    return "None" if value is None else f"a {type(value).__module__}.{type(value).__qualname__}".replace("a builtins.", "a ")


def _module_dtype(module: torch.nn.Module) -> str:
    dtypes = {p.dtype for p in module.parameters()}
    if len(dtypes) != 1:
        raise ExportError("module", f"its parameters mix dtypes {sorted(str(d) for d in dtypes)}; convert it with .float() or .double()")
    (dtype,) = dtypes
    if dtype not in _DTYPE_NAMES:
        raise ExportError("module", f"its parameters are {dtype}; the format holds float32 and float64 (convert with .float())")
    return _DTYPE_NAMES[dtype]


def _fresh_module(name: str, config: dict, dtype: str, module: torch.nn.Module) -> torch.nn.Module:
    """torch's own class with the caller's weights, on the CPU, in eval mode; the caller's module is
    left as it was (device, training flag, hooks)."""
    fresh = MODULE_CLASSES[name](**config, dtype=getattr(torch, dtype))
    state = {k: v.detach().cpu() for k, v in module.state_dict().items()}
    want = fresh.state_dict()
    if list(state) != list(want):
        raise ExportError("module", f"its state_dict has keys {sorted(state)[:6]}, not torch.nn.{name}'s {list(want)[:6]} "
                          "(a parametrization or weight_norm?); remove it before exporting")
    for key, value in state.items():
        if value.shape != want[key].shape:
            raise ExportError("module", f"state_dict {key} has shape {list(value.shape)}, torch.nn.{name} of this config "
                              f"has {list(want[key].shape)}")
        if not torch.isfinite(value).all():
            raise ExportError("module", f"state_dict {key} holds NaN or infinity; no comparison could pass")
    fresh.load_state_dict(state)
    return fresh.eval()


def _check_tensor(argument: str, value: object, dtype: torch.dtype) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise ExportError(argument, f"expected a torch.Tensor, got {_kind(value)}")
    if value.dtype != dtype:
        raise ExportError(argument, f"dtype {value.dtype}, but the module's parameters are {dtype}; "
                          f"convert it with .to({dtype})")
    if value.numel() == 0:
        raise ExportError(argument, f"shape {list(value.shape)} is empty")
    if value.is_sparse or value.layout != torch.strided:
        raise ExportError(argument, f"a {value.layout} tensor; pass a dense one")
    if not torch.isfinite(value).all():
        raise ExportError(argument, "holds NaN or infinity; no comparison could pass")
    return value.detach().cpu().contiguous()


def _check_input_shape(name: str, config: dict, x: torch.Tensor, packed: bool) -> None:
    if name in SEQUENCE_MODULES:
        ranks, layout, unbatched = (2, 3), "(N, L, H_in)" if config["batch_first"] else "(L, N, H_in)", "(L, H_in)"
    else:
        ranks, layout, unbatched = (1, 2), "(N, H_in)", "(H_in)"
    if x.dim() not in ranks:
        raise ExportError("input", f"shape {list(x.shape)}: {name} takes {layout} or unbatched {unbatched}")
    if x.shape[-1] != config["input_size"]:
        raise ExportError("input", f"shape {list(x.shape)}: the last dimension must be the module's input_size {config['input_size']}")
    if packed and x.dim() != 3:
        raise ExportError("lengths", f"given with an unbatched input of shape {list(x.shape)}; packed sequences need a batch {layout}")


def _state_shape(name: str, config: dict, x: torch.Tensor, cell_state: bool) -> list[int]:
    hidden = config["hidden_size"]
    if name not in SEQUENCE_MODULES:
        return ([x.shape[0]] if x.dim() == 2 else []) + [hidden]
    layers = config["num_layers"] * (2 if config["bidirectional"] else 1)
    h_out = hidden if cell_state or not config.get("proj_size") else config["proj_size"]
    if x.dim() == 2:
        return [layers, h_out]
    return [layers, x.shape[0] if config["batch_first"] else x.shape[1], h_out]


def _state(name: str, config: dict, hx: object, x: torch.Tensor, dtype: torch.dtype) -> dict[str, torch.Tensor]:
    if name in _LSTMS:
        if not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise ExportError("hx", f"{name} takes (h_0, c_0), a tuple of two tensors, got {_kind(hx)}")
        pairs = [("hx", hx[0], False), ("cx", hx[1], True)]
    else:
        if isinstance(hx, (tuple, list)):
            raise ExportError("hx", f"{name} takes one tensor h_0, got a {type(hx).__name__} of {len(hx)}")
        pairs = [("hx", hx, False)]
    out = {}
    for key, value, cell_state in pairs:
        label = "hx" if name not in _LSTMS else f"hx[{0 if key == 'hx' else 1}]"
        t = _check_tensor(label, value, dtype)
        want = _state_shape(name, config, x, cell_state)
        if list(t.shape) != want:
            raise ExportError(label, f"shape {list(t.shape)}, but for input {list(x.shape)} torch.nn.{name} takes {want}")
        out[key] = t
    return out


def _lengths(config: dict, x: torch.Tensor, lengths: object, enforce_sorted: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The int64 lengths, and the input cut to the longest one (the format's padded length; torch
    never reads the steps past it)."""
    if isinstance(lengths, torch.Tensor):
        if lengths.dtype not in (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8) or lengths.dim() != 1:
            raise ExportError("lengths", f"expected a 1-D integer tensor or a list of ints, got {lengths.dtype} of shape {list(lengths.shape)}")
        values = [int(v) for v in lengths.tolist()]
    elif isinstance(lengths, (list, tuple)) and all(isinstance(v, int) and not isinstance(v, bool) for v in lengths):
        values = list(lengths)
    else:
        raise ExportError("lengths", f"expected a list of ints or a 1-D integer tensor, got {_kind(lengths)}")
    time_dim = 1 if config["batch_first"] else 0
    batch, steps = x.shape[1 - time_dim], x.shape[time_dim]
    if len(values) != batch:
        raise ExportError("lengths", f"{len(values)} lengths for a batch of {batch}")
    if min(values) < 1 or max(values) > steps:
        raise ExportError("lengths", f"{values}: each must be in [1, {steps}] (the input's time steps)")
    if enforce_sorted and values != sorted(values, reverse=True):
        raise ExportError("lengths", f"{values} are not in decreasing order, which enforce_sorted=True requires; "
                          "sort the batch or pass enforce_sorted=False")
    x = x.narrow(time_dim, 0, max(values)).contiguous()
    return x, torch.tensor(values, dtype=torch.int64)
