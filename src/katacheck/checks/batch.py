"""Checks on a model that takes a batch of images: it flattens each image, keeps the batch, and
returns raw scores (logits), one row per example.

The forward is run under a ``TorchFunctionMode`` that records every reshape (``view``,
``reshape``, ``flatten``, ``squeeze``...) with the shapes it took and gave, and the shape each
``nn.Linear`` received. A forward that fails or gives the wrong shape is then explained by what
happened to the batch, at the learner's line: images that reached the first layer unflattened,
a reshape that folded the batch into the features (``x.view(-1)``), or one that asked for a
fixed size (``x.view(64, 784)``) that this batch does not have.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from katacheck.checks.failures import KataFailure, call_learner, fail
from katacheck.checks.locations import definition_location, location_in_stack
from katacheck.checks.model import ForwardTrace, linear_layers
from katacheck.checks.source import layer_list_location
from katacheck.result import Location

#: The torch calls that change a tensor's shape without changing its values.
RESHAPES = frozenset({"view", "reshape", "flatten", "squeeze", "unflatten", "view_as", "reshape_as", "ravel"})
#: Activations that turn scores into (log-)probabilities: not part of a model that returns logits.
NORMALIZERS = frozenset({"softmax", "log_softmax"})


@dataclass(frozen=True)
class Reshape:
    """One reshape the forward made: the shape it took, the one it gave (None: it failed)."""

    call: str
    before: tuple[int, ...]
    after: tuple[int, ...] | None
    requested: tuple | None
    location: Location | None


@dataclass(frozen=True)
class LinearInput:
    """The shape an ``nn.Linear`` (``F.linear``) received, and how many features it expects."""

    shape: tuple[int, ...]
    features: int
    location: Location | None


class _ShapeTracer(TorchFunctionMode):
    def __init__(self) -> None:
        super().__init__()
        self.reshapes: list[Reshape] = []
        self.linears: list[LinearInput] = []

    def __torch_function__(self, func: Callable, types, args=(), kwargs=None):  # noqa: ANN001
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        source = args[0] if args and isinstance(args[0], torch.Tensor) else None
        if name == "linear" and source is not None:
            weight = args[1] if len(args) > 1 else kwargs.get("weight")
            if isinstance(weight, torch.Tensor) and weight.dim() == 2:
                self.linears.append(LinearInput(tuple(source.shape), weight.shape[1], location_in_stack()))
        if name not in RESHAPES or source is None:
            return func(*args, **kwargs)
        requested = tuple(args[1:]) + tuple(kwargs.values()) or None
        try:
            result = func(*args, **kwargs)
        except Exception:
            self.reshapes.append(Reshape(name, tuple(source.shape), None, requested, location_in_stack()))
            raise
        after = tuple(result.shape) if isinstance(result, torch.Tensor) else None
        self.reshapes.append(Reshape(name, tuple(source.shape), after, requested, location_in_stack()))
        return result


def expect_batch_output(model: nn.Module, inputs: torch.Tensor, sizes: tuple[int, ...]) -> torch.Tensor:
    """``model(inputs)`` (no gradients) gives one row of scores per example, ``[N, sizes[-1]]`` for
    a batch of ``N`` (``inputs`` is ``[N, ...]``), through ``nn.Linear`` layers that chain ``sizes``
    (``(784, 128, 10)``: checked first, before the forward can fail on them). When the output is
    wrong, or the forward fails, the diagnosis says what happened to the batch on the way, at the
    learner's line."""
    expect_linear_sizes(model, sizes)
    n_out = sizes[-1]
    tracer = _ShapeTracer()
    batch = inputs.shape[0]
    try:
        with torch.no_grad(), tracer:
            outputs = call_learner(model, inputs)
    except KataFailure:
        raise
    except Exception:
        _explain_failure(model, tracer, batch)
        raise
    if not isinstance(outputs, torch.Tensor):
        fail("output_not_tensor", found=type(outputs).__name__, location=_forward_location(model))
    if tuple(outputs.shape) != (batch, n_out):
        lost = _batch_lost(tracer, batch)
        if lost is not None:
            _fail_lost(lost, batch)
        fail("output_shape", found=list(outputs.shape), expected=[batch, n_out], location=_forward_location(model))
    return outputs


def expect_linear_sizes(model: nn.Module, sizes: tuple[int, ...]) -> None:
    """The model registers ``len(sizes) - 1`` ``nn.Linear`` layers whose sizes chain ``sizes``
    (read from the layers, without running the forward)."""
    where = definition_location(type(model))
    layers = linear_layers(model)
    wanted = list(zip(sizes, sizes[1:]))
    if len(layers) != len(wanted):
        fail("linear_count", found=len(layers), expected=len(wanted), location=layer_list_location(type(model)) or where)
    for index, (name, layer) in enumerate(layers, start=1):
        if (layer.in_features, layer.out_features) not in wanted:
            want_in, want_out = wanted[min(index, len(wanted)) - 1]
            fail("linear_sizes", index=index, layer=name, found_in=layer.in_features, found_out=layer.out_features,
                 want_in=want_in, want_out=want_out, location=where)


def _explain_failure(model: nn.Module, tracer: _ShapeTracer, batch: int) -> None:
    """Name the cause of a forward that raised, when the record shows it; else return (the
    error then goes on to the automatic diagnosis)."""
    failed = next((r for r in tracer.reshapes if r.after is None), None)
    if failed is not None:
        fail("flatten_fixed_shape", call=_shown(failed), before=list(failed.before), location=failed.location)
    lost = _batch_lost(tracer, batch)
    if lost is not None:
        _fail_lost(lost, batch)
    last = tracer.linears[-1] if tracer.linears else None
    if last is not None and len(last.shape) > 2 and _product(last.shape[1:]) == last.features:
        fail("image_not_flattened", shape=list(last.shape), features=last.features,
             location=last.location or _forward_location(model))


def _batch_lost(tracer: _ShapeTracer, batch: int) -> Reshape | None:
    """The first reshape of a tensor that carried the batch in front whose result does not."""
    for reshape in tracer.reshapes:
        if reshape.after is None or not reshape.before or reshape.before[0] != batch:
            continue
        if not reshape.after or reshape.after[0] != batch:
            return reshape
    return None


def _fail_lost(reshape: Reshape, batch: int) -> None:
    fail("flatten_batch_lost", call=_shown(reshape), before=list(reshape.before), after=list(reshape.after or ()),
         batch=batch, location=reshape.location)


def _shown(reshape: Reshape) -> str:
    """``view(-1)``, ``flatten()``: the call as the learner wrote it, near enough."""
    arguments = ", ".join(str(value) for value in reshape.requested or ())
    return f"{reshape.call}({arguments})"


def _product(shape: tuple[int, ...]) -> int:
    total = 1
    for size in shape:
        total *= size
    return total


def expect_raw_logits(model: nn.Module, trace: ForwardTrace) -> None:
    """The forward returns the last linear layer's scores as they are: no softmax or log_softmax
    after it (as traced), and rows that are not probabilities (a softmax written by hand)."""
    ops = trace.ops
    last = max((i for i, op in enumerate(ops) if op.kind == "linear"), default=-1)
    after = [op for op in ops[last + 1:] if op.kind == "activation" and op.name in NORMALIZERS]
    if after:
        fail("logits_softmax", name=after[0].name, location=after[0].location or _forward_location(model))
    output = trace.output
    if isinstance(output, torch.Tensor) and output.dim() == 2 and output.shape[1] > 1 and output.is_floating_point():
        values = output.detach().double()
        sums = values.sum(dim=1)
        if float(values.min()) >= 0 and float((sums - 1).abs().max()) <= 1e-4:
            fail("logits_normalized", low=f"{float(values.min()):.3g}", high=f"{float(values.max()):.3g}",
                 location=_forward_location(model))


def gradient_direction(shape: tuple[int, ...], seed: int) -> torch.Tensor:
    """The fixed weights ``w`` of ``(logits * w).sum()``, the scalar whose ``backward()``
    :func:`expect_gradient_reaches_layers` takes (the judge makes them again from the shape)."""
    from katacheck.checks.data import probe_inputs

    return probe_inputs(shape[0], shape[1], seed=seed)


def expect_gradient_reaches_layers(model: nn.Module, inputs: torch.Tensor, *, seed: int,
                                   evidence: str | None = None) -> list[list[torch.Tensor | None]]:
    """``backward()`` from the logits reaches the weights of every ``nn.Linear``: nothing in the
    forward takes the data out of the graph (``.detach()``, ``.data``, ``torch.no_grad()``, a trip
    through NumPy). The outputs themselves can be right with a graph cut, and then the layers
    before the cut never learn. With ``evidence``, each layer's gradient of
    ``(logits * gradient_direction(...)).sum()`` goes to the judge, which recomputes it."""
    model.zero_grad(set_to_none=True)
    with torch.enable_grad():
        outputs = call_learner(model, inputs)
    if not isinstance(outputs, torch.Tensor):
        fail("output_not_tensor", found=type(outputs).__name__, location=_forward_location(model))
    layers = linear_layers(model)
    if not outputs.requires_grad:
        fail("graph_output_detached", location=_forward_location(model))
    (outputs * gradient_direction(tuple(outputs.shape), seed).to(outputs.dtype)).sum().backward()
    for name, layer in layers:
        if layer.weight.grad is None or not layer.weight.grad.any():
            fail("graph_layer_cut", layer=name, location=_forward_location(model))
    gradients = [[None if p is None or p.grad is None else p.grad.detach().clone() for p in (layer.weight, layer.bias)]
                 for _, layer in layers]
    if evidence is not None:
        from katacheck.checks.evidence import submit

        submit(evidence, gradients=gradients, outputs=outputs.detach(),
               layers=[{"shape": list(layer.weight.shape), "bias": layer.bias is not None} for _, layer in layers])
    return gradients


def _forward_location(model: nn.Module) -> Location | None:
    return definition_location(type(model).forward) or definition_location(type(model))


# -- weights the judge can make again ------------------------------------------------------------


def known_weights(layers: list[dict], seed: int) -> list[tuple[torch.Tensor, torch.Tensor | None]]:
    """A weight and a bias (float32) for each ``nn.Linear`` in ``layers`` (``{"shape": [out, in],
    "bias": bool}``, registration order), drawn as PyTorch's default init draws them
    (``U(−1/√in, 1/√in)``) from their own generator: the judge makes them again from the shapes
    alone, so a model's weights never have to travel as evidence."""
    generator = torch.Generator().manual_seed(seed)
    made = []
    for layer in layers:
        n_out, n_in = (int(size) for size in layer["shape"])
        bound = 1 / max(n_in, 1) ** 0.5
        weight = (torch.rand(n_out, n_in, generator=generator) * 2 - 1) * bound
        bias = (torch.rand(n_out, generator=generator) * 2 - 1) * bound if layer.get("bias") else None
        made.append((weight, bias))
    return made


def install_known_weights(model: nn.Module, seed: int) -> list[dict]:
    """Give every ``nn.Linear`` of ``model`` the :func:`known_weights` of its shape, and return
    the layers as the judge asks for them (shape and bias, registration order)."""
    linears = [module for _, module in linear_layers(model)]
    layers = [{"shape": list(module.weight.shape), "bias": module.bias is not None} for module in linears]
    with torch.no_grad():
        for module, (weight, bias) in zip(linears, known_weights(layers, seed)):
            module.weight.copy_(weight)
            if bias is not None:
                module.bias.copy_(bias)
    return layers
