"""Checks on what a model *is* and what its forward *does*.

The forward is traced with a ``TorchFunctionMode``: it sees ``nn.ReLU``, ``F.relu``,
``torch.relu``, ``x.relu()`` and ``x.clamp(min=0)`` alike, in call order, whatever Python the
learner wrote around them (module hooks would only see ``nn.ReLU``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from katacheck.checks import reference
from katacheck.checks.failures import fail
from katacheck.checks.locations import definition_location, location_in_stack
from katacheck.checks.source import layer_list_location
from katacheck.result import Location

RELU_NAMES = frozenset({"relu", "relu_"})
ACTIVATION_NAMES = frozenset({
    "sigmoid", "tanh", "gelu", "leaky_relu", "leaky_relu_", "elu", "selu", "silu", "softplus",
    "softmax", "log_softmax", "hardtanh", "relu6", "mish", "hardswish", "hardsigmoid", "prelu",
    "celu", "logsigmoid", "softsign", "tanhshrink", "sigmoid_", "tanh_", "abs", "abs_",
    "threshold", "threshold_", "_threshold",  # F.threshold is torch's _threshold
})
#: How much larger than the first look's inputs are those of the second look at a ReLU: a ReLU6,
#: a hardtanh(0, 6) or a clamp with a ceiling act like a ReLU on small values, and only values
#: past their ceiling tell them apart (found with a fresh submission: nn.ReLU6 passed kata 02).
CEILING_PROBE_SCALE = 1000.0


@dataclass(frozen=True)
class Op:
    """One operation the forward applied: a linear layer or an activation."""

    kind: str  # "linear" or "activation"
    name: str  # "linear", "relu", "sigmoid", ...
    layer: str | None = None  # attribute path of the nn.Linear, for "linear"
    location: Location | None = None
    #: For "linear": copies of what went in and what came out, to follow the data between layers.
    received: Any = field(default=None, compare=False, repr=False)
    produced: Any = field(default=None, compare=False, repr=False)


@dataclass
class ForwardTrace:
    ops: list[Op] = field(default_factory=list)
    output: Any = None
    inputs: Any = field(default=None, repr=False)
    dropouts: list = field(default_factory=list, repr=False)

    @property
    def linears(self) -> list[Op]:
        return [op for op in self.ops if op.kind == "linear"]

    @property
    def activations(self) -> list[Op]:
        return [op for op in self.ops if op.kind == "activation"]

    def shape(self) -> str:
        """A readable summary, e.g. ``linear → relu → linear``."""
        return " → ".join(op.name for op in self.ops) or "—"


def require_attribute(learner: ModuleType, name: str) -> Any:
    """The learner's ``name`` (class or function), or a failure saying it is not defined."""
    if not hasattr(learner, name):
        fail("missing_definition", name=name)
    return getattr(learner, name)


def require_module_class(learner: ModuleType, name: str) -> type[nn.Module]:
    """The learner's class ``name``, which must subclass ``nn.Module``."""
    cls = require_attribute(learner, name)
    if not (isinstance(cls, type) and issubclass(cls, reference.Module)):
        fail("not_a_module", name=name, location=definition_location(cls))
    return cls


class _ForwardTracer(TorchFunctionMode):
    def __init__(self, layer_names: dict[int, str]) -> None:
        super().__init__()
        self.layer_names = layer_names
        self.ops: list[Op] = []
        #: Where an active dropout ran (``F.dropout(h, p, training=True)``; ``nn.Dropout`` too).
        self.dropouts: list[Location | None] = []

    def __torch_function__(self, func: Callable, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if getattr(func, "__name__", "") == "dropout" and _dropout_active(args, kwargs):
            self.dropouts.append(_op_location())
        op = self._classify(getattr(func, "__name__", ""), args, kwargs)
        received = _copy(args[0] if args else kwargs.get("input")) if op is not None and op.kind == "linear" else None
        result = func(*args, **kwargs)
        if op is not None:
            if op.kind == "linear":
                # Copies: an in-place ReLU would change the layer's output after we saw it.
                op = replace(op, received=received, produced=_copy(result))
            elif op.name == "relu":
                op = replace(op, produced=_copy(result))  # whether the next layer got it as it was
            self.ops.append(op)
        return result

    def _classify(self, name: str, args: tuple, kwargs: dict) -> Op | None:
        if name == "linear":
            weight = args[1] if len(args) > 1 else kwargs.get("weight")
            return Op("linear", "linear", self.layer_names.get(id(weight)), _op_location())
        if name in RELU_NAMES or _is_clamp_at_zero(name, args, kwargs):
            return Op("activation", "relu", None, _op_location())
        if name in _CLAMPS:
            return Op("activation", "clamp", None, _op_location())
        if name in ACTIVATION_NAMES:
            if name.startswith("hardtanh") and _hardtanh_bounds(args, kwargs) == (0.0, 6.0):
                name = "relu6"  # nn.ReLU6 and F.relu6 run as hardtanh(0, 6): named as written
            return Op("activation", name.strip("_"), None, _op_location())
        return None


def _dropout_active(args: tuple, kwargs: dict) -> bool:
    p = kwargs.get("p", args[1] if len(args) > 1 else 0.5)
    training = kwargs.get("training", args[2] if len(args) > 2 else True)
    try:
        return bool(training) and float(p) > 0
    except (TypeError, ValueError):
        return False


def _hardtanh_bounds(args: tuple, kwargs: dict) -> tuple[float, float] | None:
    try:
        return (float(kwargs.get("min_val", args[1] if len(args) > 1 else -1.0)),
                float(kwargs.get("max_val", args[2] if len(args) > 2 else 1.0)))
    except (TypeError, ValueError, RuntimeError):
        return None


_CLAMPS = frozenset({"clamp", "clamp_", "clamp_min", "clamp_min_", "clip", "clip_"})


def _is_clamp_at_zero(name: str, args: tuple, kwargs: dict) -> bool:
    """``clamp(min=0)`` with no ceiling: a ReLU (``clamp(0, 1)`` cuts the top too)."""
    if name not in _CLAMPS:
        return False
    low = kwargs.get("min", args[1] if len(args) > 1 else None)
    high = None if name.startswith("clamp_min") else kwargs.get("max", args[2] if len(args) > 2 else None)
    try:
        return low is not None and float(low) == 0.0 and (high is None or float(high) == float("inf"))
    except (TypeError, ValueError, RuntimeError):  # a tensor bound: not a plain ReLU
        return False


def _copy(value: Any) -> Any:
    return value.detach().clone() if isinstance(value, torch.Tensor) else None


def _op_location() -> Location | None:
    return location_in_stack()


def trace_forward(model: nn.Module, inputs: torch.Tensor) -> ForwardTrace:
    """Run ``model(inputs)`` once (no gradients) and record its linear layers and activations."""
    names = {id(module.weight): name for name, module in model.named_modules()
             if isinstance(module, reference.Linear)}
    tracer = _ForwardTracer(names)
    with torch.no_grad(), tracer:
        output = model(inputs)
    return ForwardTrace(ops=tracer.ops, output=output, inputs=inputs, dropouts=tracer.dropouts)


def linear_layers(model: nn.Module) -> list[tuple[str, nn.Linear]]:
    """Every ``nn.Linear`` registered in the model, with its attribute path."""
    return [(name, m) for name, m in model.named_modules() if isinstance(m, reference.Linear)]


def expect_linear_chain(model: nn.Module, sizes: tuple[int, ...], batch: int = 8) -> ForwardTrace:
    """The model applies exactly ``len(sizes) - 1`` ``nn.Linear`` layers, in sequence.

    ``sizes`` is the chain of widths, e.g. ``(10, 5, 1)`` for 10 → 5 → 1.
    """
    where = definition_location(type(model))
    expected = len(sizes) - 1
    layers = linear_layers(model)
    if len(layers) != expected:
        # Layers in a plain Python list are invisible to nn.Module: point at the list itself.
        fail("linear_count", found=len(layers), expected=expected, location=layer_list_location(type(model)) or where)
    # Compare the sizes before running the forward: a constructor that ignores its arguments
    # would otherwise surface as PyTorch's shape error, which hides the real cause.
    wanted = list(zip(sizes, sizes[1:]))
    for index, (name, layer) in enumerate(layers, start=1):
        if (layer.in_features, layer.out_features) not in wanted:
            want_in, want_out = wanted[min(index, len(wanted)) - 1]
            fail("linear_sizes", index=index, layer=name, found_in=layer.in_features,
                 found_out=layer.out_features, want_in=want_in, want_out=want_out, location=where)
    trace = trace_forward(model, torch.randn(batch, sizes[0]))
    used = trace.linears
    if len(used) != expected or len({op.layer for op in used}) != expected:
        fail("linear_not_chained", found=len(used), expected=expected, shape=trace.shape(), location=where)
    by_name = dict(layers)
    for index, (op, n_in, n_out) in enumerate(zip(used, sizes, sizes[1:]), start=1):
        layer = by_name[op.layer]
        if (layer.in_features, layer.out_features) != (n_in, n_out):
            fail("linear_sizes", index=index, layer=op.layer, found_in=layer.in_features,
                 found_out=layer.out_features, want_in=n_in, want_out=n_out, location=op.location or where)
    if tuple(trace.output.shape) != (batch, sizes[-1]):
        fail("output_shape", found=tuple(trace.output.shape), expected=(batch, sizes[-1]), location=where)
    return trace


def expect_relu_between_linears(model: nn.Module, trace: ForwardTrace) -> None:
    """A ReLU between the first and the second linear layer, and no other activation.

    What decides is the data: the second layer must receive ``relu`` of what the first one
    produced, however the learner wrote it (``torch.relu``, ``nn.ReLU()``, ``clamp``,
    ``torch.where``...). A ReLU computed and thrown away is no ReLU. The operations the forward
    called only name what is wrong when the data says something is.
    """
    where = definition_location(type(model))
    ops = trace.ops
    # Positions by identity: two ReLUs on one line are equal Ops (same name, same location).
    first = next(i for i, op in enumerate(ops) if op is trace.linears[0])
    last = next(i for i, op in enumerate(ops) if op is trace.linears[-1])
    between = [op for op in ops[first + 1:last] if op.kind == "activation"]
    outside = [(i, op) for i, op in enumerate(ops) if op.kind == "activation" and not first < i < last]
    if outside:
        index, op = outside[0]
        code = "activation_after_output" if index > last else "activation_before_input"
        fail(code, name=op.name, shape=trace.shape(), location=op.location or where)
    fed = relu_feeds_next_layer(trace.linears[0], trace.linears[-1])
    if fed:
        _expect_no_ceiling(model, trace, where)
        return
    if fed is False and between and all(op.name == "relu" for op in between):
        # The forward called a ReLU, but its result is not what the next layer received: a
        # Dropout in training mode on the way changes it (the tracer sees no Dropout as an op).
        dropouts = [name for name, m in model.named_modules()
                    if isinstance(m, nn.modules.dropout._DropoutNd) and m.training and m.p > 0]
        if dropouts:
            fail("dropout_between", layer=dropouts[0], location=between[0].location or where)
        if trace.dropouts:  # the functional one: F.dropout(h, p, training=self.training)
            fail("dropout_between", layer="F.dropout", location=trace.dropouts[0] or between[0].location or where)
        if any(_same(op.produced, trace.linears[-1].received) for op in between):
            # The next layer received the ReLU's result: what changed is what went into the ReLU.
            fail("relu_input_changed", shape=trace.shape(), location=between[0].location or where)
        fail("relu_result_unused", shape=trace.shape(), location=between[0].location or where)
    if not between:
        unused = [name for name, m in model.named_modules() if isinstance(m, nn.ReLU)]
        if unused:
            fail("relu_unused", layer=unused[0], location=where)
        if fed is False and not _same(trace.linears[0].produced, trace.linears[-1].received):
            # Something changed the value between the layers, but no ReLU the data recognises
            # (a leaky ReLU written with torch.where, a mask with another threshold...).
            fail("hidden_not_relu", shape=trace.shape(), location=_forward_location(model) or where)
        fail("relu_missing", shape=trace.shape(), location=_forward_location(model) or where)
    wrong = [op for op in between if op.name != "relu"]
    if wrong:
        fail("wrong_activation", name=wrong[0].name, location=wrong[0].location or where)
    if len(between) > 1:
        fail("too_many_activations", count=len(between), shape=trace.shape(), location=where)


def _expect_no_ceiling(model: nn.Module, trace: ForwardTrace, where: Location | None) -> None:
    """The second layer still receives the ReLU of the first one's output on inputs
    :data:`CEILING_PROBE_SCALE` times larger: an activation that only agrees with the ReLU below
    some ceiling (``nn.ReLU6``, ``hardtanh(0, 6)``, ``clamp(0, 1)``) is not one."""
    if trace.inputs is None:
        return
    large = trace_forward(model, trace.inputs * CEILING_PROBE_SCALE)
    if len(large.linears) < 2 or relu_feeds_next_layer(large.linears[0], large.linears[-1]) is not False:
        return
    first = next(i for i, op in enumerate(large.ops) if op is large.linears[0])
    last = next(i for i, op in enumerate(large.ops) if op is large.linears[-1])
    between = [op for op in large.ops[first + 1:last] if op.kind == "activation"]
    wrong = [op for op in between if op.name != "relu"]
    if wrong:
        fail("wrong_activation", name=wrong[0].name, location=wrong[0].location or where)
    fail("relu_result_unused", shape=large.shape(), location=between[0].location if between else where)


def relu_feeds_next_layer(producer: Op, consumer: Op) -> bool | None:
    """Whether ``consumer`` received exactly ``relu`` of what ``producer`` produced; None when the
    data cannot tell (no negative value went through, or the widths differ)."""
    produced, received = producer.produced, consumer.received
    if produced is None or received is None or produced.shape != received.shape:
        return None
    if not bool((produced < 0).any()):
        return None
    return bool(torch.equal(received, produced.clamp(min=0)))


def _same(a: Any, b: Any) -> bool:
    return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape and torch.equal(a, b)


def _forward_location(model: nn.Module) -> Location | None:
    return definition_location(type(model).forward)
