"""The silent-bug monitor: a :class:`TrainingMonitor` that also records what the detectors judge.

It watches what the learner's code *does*, never its text: a ``TorchFunctionMode`` shows it every
torch call (the scores each loss receives, the softmax that produced them, a spent loss added to
a running total, a ``.to()`` whose result is thrown away), hooks show it the batches and the
optimizer steps, and a few patches (``clip_grad_norm_``, ``DataLoader``, each layer class's
``forward``) show it the rest. Everything is undone on exit (:mod:`katacheck.checks.patching`).
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.nn.modules.module import register_module_forward_pre_hook
from torch.optim.optimizer import register_optimizer_step_pre_hook
from torch.overrides import TorchFunctionMode
from torch.utils.data import DataLoader, SequentialSampler

from katacheck.checks.context import is_learner_file
from katacheck.checks.cuda_sim import simulated_device_of
from katacheck.checks.failures import call_learner, fail
from katacheck.checks.locations import CHECKS_DIR, location_in_stack
from katacheck.checks.loss import dataset_loss
from katacheck.checks.patching import call_after, wrap
from katacheck.checks.tensors import tensors_in
from katacheck.checks.training import (
    TrainingMonitor,
    TrainingRun,
    expect_data_untouched,
    finish_run,
    optimizer_parameters,
    snapshot,
)
from katacheck.result import Location

# -- what the TorchFunctionMode looks at --------------------------------------------------------

_LOSS_INPUTS = frozenset({"cross_entropy", "nll_loss"})
#: Losses that compare an output with a target of the same shape, and broadcast when it differs.
_REGRESSION_LOSSES = frozenset({"mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"})
_SOFTMAXES = frozenset({"softmax", "log_softmax", "_softmax", "_log_softmax"})
_MOVES = frozenset({"to", "cuda", "cpu"})
_ACCUMULATIONS = frozenset({
    "add", "add_", "__add__", "__radd__", "__iadd__",
    "sub", "sub_", "__sub__", "__rsub__", "__isub__", "stack", "cat",
})
_PRODUCERS = {"SoftmaxBackward0": "softmax", "LogSoftmaxBackward0": "log_softmax"}
#: Frames between a torch call and the code that made it: torch's dispatch to the modes
#: (``handle_torch_function``, the Python wrappers of Tensor methods); ours are in CHECKS_DIR.
_DISPATCH_FILES = frozenset(os.path.join(os.path.dirname(torch.__file__), name)
                            for name in ("overrides.py", "_tensor.py", os.path.join("utils", "_device.py")))
#: How many autograd nodes one accumulation check walks at most (a kata's graph is far smaller).
_GRAPH_WALK_LIMIT = 20_000
_MAX_RECORDS = 10_000
_DEVICE_MISMATCH = "Expected all tensors to be on the same device"


@dataclass(frozen=True)
class LossInput:
    """What one call of ``cross_entropy`` or ``nll_loss`` received as its scores."""

    function: str  # "cross_entropy" or "nll_loss"
    kind: str  # "logits", "probabilities", "log_probabilities" or "unknown"
    producer: str | None  # "softmax" / "log_softmax" when known
    low: float
    high: float
    location: Location | None  # the line that called the loss
    producer_location: Location | None  # the line that called the softmax, when known


@dataclass(frozen=True)
class LossBroadcast:
    """A regression loss (``mse_loss``...) called with an output and a target of different
    shapes: PyTorch broadcasts one over the other, and the loss averages over ``result`` pairs,
    most of them of different samples (an output ``[N, 1]`` against a target ``[N]``: ``[N, N]``)."""

    function: str
    input: tuple[int, ...]
    target: tuple[int, ...]
    result: tuple[int, ...]
    location: Location | None


@dataclass(frozen=True)
class ClipCall:
    max_norm: float
    total_norm: float
    location: Location | None


@dataclass(frozen=True)
class DirectForward:
    module: str
    cls: str
    location: Location | None


@dataclass(frozen=True)
class LoaderRecord:
    sampler: str
    shuffled: bool
    location: Location | None


@dataclass(frozen=True)
class DiscardedMove:
    source: str
    target: str
    method: str
    location: Location | None


@dataclass
class _PendingMove:
    source: weakref.ref
    move: DiscardedMove


class _Watcher(TorchFunctionMode):
    """Shows every torch call to the monitor, which runs it."""

    def __init__(self, monitor: SilentBugMonitor) -> None:
        super().__init__()
        self.monitor = monitor

    def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001
        return self.monitor._on_torch_call(func, args, kwargs or {})


@dataclass
class SilentBugMonitor(TrainingMonitor):
    """A :class:`TrainingMonitor` that also records what the silent-bug detectors judge.

    Enter it *inside* ``checks.cuda_available()`` (so its mode sees the learner's ``.to()``
    calls before the simulation rewrites them).
    """

    #: Every ``cross_entropy`` / ``nll_loss`` call, classified (the first 10 000).
    loss_inputs: list[LossInput] = field(default_factory=list)
    #: Regression losses whose output and target had different shapes (the first 10 000).
    loss_broadcasts: list[LossBroadcast] = field(default_factory=list)
    #: Regression losses on the model's output (it requires grad): the loss function, the device
    #: of the target it compared against, and the line (the first 10 000).
    loss_targets: list[tuple[str, str, Location | None]] = field(default_factory=list)
    #: The device of each scalar ``backward()``'s loss, and the line (the first 10 000): a loss
    #: written by hand on ``saida.cpu()`` calls no loss function to see its targets by.
    backward_devices: list[tuple[str, Location | None]] = field(default_factory=list)
    #: The learner's line that added an already back-propagated loss to a running total.
    graph_accumulated_at: Location | None = None
    #: How many ``backward()`` calls had happened when that total was first added to.
    graph_accumulated_after: int = 0
    #: ``module.forward(x)`` calls on the watched model or its layers, bypassing ``__call__``.
    direct_forwards: list[DirectForward] = field(default_factory=list)
    #: DataLoaders built while the monitor was active.
    loaders: list[LoaderRecord] = field(default_factory=list)
    #: An order-sensitive fingerprint of each training batch the watched model received.
    batches: list[tuple[Any, ...]] = field(default_factory=list)
    batch_locations: list[Location | None] = field(default_factory=list)
    #: Every ``clip_grad_norm_`` call.
    clips: list[ClipCall] = field(default_factory=list)
    #: The total gradient norm at the first optimizer step whose gradients were not clipped
    #: after their ``backward()`` (None: every step was clipped).
    unclipped_step_norm: float | None = None
    #: How many optimizer steps had a ``clip_grad_norm_`` after their ``backward()``.
    clipped_steps: int = 0
    #: ``.to()`` / ``.cuda()`` / ``.cpu()`` results thrown away while the original tensor
    #: went on being used.
    discarded_moves: list[DiscardedMove] = field(default_factory=list)
    backwards: int = 0
    _first_backward_tick: int | None = None
    _first_clip_tick: int | None = None
    _last_backward_tick: int = -1
    _last_clip_tick: int = -1
    _tick: int = 0
    _spent: deque = field(default_factory=lambda: deque(maxlen=4))
    _softmaxes: deque = field(default_factory=lambda: deque(maxlen=1))
    _pending_moves: dict[int, _PendingMove] = field(default_factory=dict)
    _moved_sources: dict[int, _PendingMove] = field(default_factory=dict)

    def _install(self, stack: contextlib.ExitStack) -> None:
        super()._install(stack)
        stack.callback(register_optimizer_step_pre_hook(self._on_silent_step).remove)
        watch_clipping(stack, self._on_clip)
        call_after(stack, DataLoader, "__init__", self._on_loader)
        if self.model is not None:
            watch_forward_calls(stack, self.model, self._on_direct_forward)
            stack.callback(self.model.register_forward_pre_hook(self._on_batch).remove)
        stack.enter_context(_Watcher(self))  # last: the patches above are not torch calls to see

    def __deepcopy__(self, memo: dict) -> SilentBugMonitor:
        # The watched model's hooks are bound to the monitor: ``copy.deepcopy(modelo)`` in the
        # learner's loop (keeping the best model) must share it, not copy autograd nodes.
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        super().__exit__(exc_type, exc, tb)
        if (exc_type is not None and issubclass(exc_type, RuntimeError)
                and _DEVICE_MISMATCH in str(exc) and self.discarded_moves):
            move = self.discarded_moves[0]
            fail("to_result_discarded", method=move.method, source=move.source, target=move.target,
                 location=move.location)

    # -- the torch calls ----------------------------------------------------------------------

    def _on_torch_call(self, func: Callable, args: tuple, kwargs: dict) -> Any:
        name = getattr(func, "__name__", "")
        if self._pending_moves or self._moved_sources:
            self._note_uses(args, kwargs)
        if name in _LOSS_INPUTS:
            self._note_loss_input(name, args, kwargs)
        elif name in _REGRESSION_LOSSES:
            self._note_regression_loss(name, args, kwargs)
        elif name == "backward":
            # Wrappers around Tensor.backward (TrainingMonitor's) already ran on the way here.
            while hasattr(func, "__wrapped__"):
                func = func.__wrapped__
        elif name in _ACCUMULATIONS and self._spent and self.graph_accumulated_at is None:
            self._note_accumulation(args)
        result = func(*args, **kwargs)
        if name == "backward":
            self._note_backward(args, kwargs)
        elif name in _SOFTMAXES:
            self._softmaxes.append((name.lstrip("_"), location_in_stack()))
        elif name in _MOVES:
            self._note_move(name, args, result)
        return result

    def _note_loss_input(self, function: str, args: tuple, kwargs: dict) -> None:
        scores = args[0] if args else kwargs.get("input")
        if not isinstance(scores, torch.Tensor) or len(self.loss_inputs) >= _MAX_RECORDS:
            return
        kind, low, high = _classify_scores(scores)
        producer = _PRODUCERS.get(type(scores.grad_fn).__name__) if scores.grad_fn is not None else None
        producer_location = None
        if kind in ("probabilities", "log_probabilities") and self._softmaxes:
            last_name, producer_location = self._softmaxes[-1]
            producer = producer or last_name
        self.loss_inputs.append(LossInput(function, kind, producer, low, high, location_in_stack(),
                                          producer_location))

    def _note_regression_loss(self, function: str, args: tuple, kwargs: dict) -> None:
        output = args[0] if args else kwargs.get("input")
        target = args[1] if len(args) > 1 else kwargs.get("target")
        if not (isinstance(output, torch.Tensor) and isinstance(target, torch.Tensor)):
            return
        if output.requires_grad and len(self.loss_targets) < _MAX_RECORDS:
            self.loss_targets.append((function, str(target.device), location_in_stack()))
        if output.shape == target.shape or len(self.loss_broadcasts) >= _MAX_RECORDS:
            return
        try:
            result = tuple(torch.broadcast_shapes(output.shape, target.shape))
        except RuntimeError:  # shapes that do not broadcast: PyTorch's own error says it
            return
        self.loss_broadcasts.append(LossBroadcast(function, tuple(output.shape), tuple(target.shape), result,
                                                  location_in_stack()))

    def _note_backward(self, args: tuple, kwargs: dict) -> None:
        roots = args[0] if args else kwargs.get("tensors")
        for root in [roots] if isinstance(roots, torch.Tensor) else list(roots or ()):
            if isinstance(root, torch.Tensor) and root.grad_fn is not None:
                self._spent.append(root.grad_fn)
            if isinstance(root, torch.Tensor) and root.numel() == 1 and len(self.backward_devices) < _MAX_RECORDS:
                self.backward_devices.append((str(root.device), location_in_stack()))
        self.backwards += 1
        self._last_backward_tick = self._next_tick()
        if self._first_backward_tick is None:
            self._first_backward_tick = self._last_backward_tick

    def _note_accumulation(self, args: tuple) -> None:
        location = _direct_learner_caller()
        if location is None:
            return
        spent = {id(node) for node in self._spent}
        for operand in tensors_in(args):
            if operand.grad_fn is not None and operand.numel() == 1 and _graph_contains(operand.grad_fn, spent):
                self.graph_accumulated_at = location
                self.graph_accumulated_after = self.backwards
                return

    def _note_move(self, method: str, args: tuple, result: Any) -> None:
        source = args[0] if args else None
        if not (isinstance(source, torch.Tensor) and isinstance(result, torch.Tensor)) or result is source:
            return
        before, after = _device_name(source), _device_name(result)
        location = _direct_learner_caller() if before != after else None
        if location is None:
            return
        pending = _PendingMove(weakref.ref(source), DiscardedMove(before, after, method, location))
        key = id(result)
        self._pending_moves[key] = pending
        weakref.finalize(result, self._on_move_result_dead, key)

    def _on_move_result_dead(self, key: int) -> None:
        pending = self._pending_moves.pop(key, None)  # still there: the result was never used
        if pending is not None and pending.source() is not None:
            self._moved_sources[id(pending.source())] = pending

    def _note_uses(self, args: tuple, kwargs: dict) -> None:
        for tensor in tensors_in(args, kwargs):
            key = id(tensor)
            self._pending_moves.pop(key, None)
            pending = self._moved_sources.get(key)
            if pending is not None and pending.source() is tensor:
                del self._moved_sources[key]
                if len(self.discarded_moves) < _MAX_RECORDS:
                    self.discarded_moves.append(pending.move)

    # -- hooks ----------------------------------------------------------------------------------

    def _next_tick(self) -> int:
        self._tick += 1
        return self._tick

    def _on_silent_step(self, optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        self._next_tick()
        if self._last_clip_tick > self._last_backward_tick >= 0:
            self.clipped_steps += 1
        if self.unclipped_step_norm is None and self._last_clip_tick < self._last_backward_tick:
            grads = [p.grad for p in optimizer_parameters(optimizer) if p.grad is not None]
            if grads:
                with torch.no_grad():
                    norm = float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads])))
                self.unclipped_step_norm = norm

    def _on_clip(self, max_norm: float, total_norm: Any) -> None:
        self._last_clip_tick = self._next_tick()
        if self._first_clip_tick is None:
            self._first_clip_tick = self._last_clip_tick
        if len(self.clips) < _MAX_RECORDS:
            self.clips.append(ClipCall(float(max_norm), float(total_norm), location_in_stack()))

    def _on_loader(self, loader: DataLoader) -> None:
        sampler = getattr(loader, "sampler", None)
        self.loaders.append(LoaderRecord(type(sampler).__name__, not isinstance(sampler, SequentialSampler),
                                         location_in_stack()))

    def _on_direct_forward(self, module: str, cls: str) -> None:
        if len(self.direct_forwards) < _MAX_RECORDS:
            self.direct_forwards.append(DirectForward(module, cls, location_in_stack()))

    def _on_batch(self, module: nn.Module, args: tuple) -> None:
        batch = next(tensors_in(args), None)
        if batch is None or not (module.training and torch.is_grad_enabled()) or len(self.batches) >= _MAX_RECORDS:
            return
        with torch.no_grad():
            rows = batch.detach().reshape(batch.shape[0], -1).double().sum(1) if batch.dim() else batch.double()
            self.batches.append((tuple(batch.shape), float(rows.sum()), float(rows.cumsum(0).sum())))
        self.batch_locations.append(location_in_stack())


def observe_training(train: Callable, model: nn.Module, X: torch.Tensor, y: torch.Tensor,
                     *args: Any, evidence: str | None = None, **kwargs: Any) -> TrainingRun:
    """:func:`~katacheck.checks.run_training` under a :class:`SilentBugMonitor`: call
    ``train(model, X, y, *args, **kwargs)`` and measure the whole dataset's loss before and after
    (with ``evidence``, the trajectory goes to the judge under that label)."""
    before = dataset_loss(model, X, y)
    data = snapshot(X, y)
    with SilentBugMonitor(model=model) as monitor:
        history = call_learner(train, model, X, y, *args, **kwargs)
    expect_data_untouched(data, X, y)
    return finish_run(model, monitor, history, before, dataset_loss(model, X, y), evidence)


# -- watching calls that are not torch functions --------------------------------------------------


def watch_forward_calls(stack: contextlib.ExitStack, model: nn.Module, on_direct: Callable[[str, str], None]) -> None:
    """Until ``stack`` closes, report every ``forward`` of ``model`` or its layers that did not
    come through ``module(...)``, as ``on_direct(label, class name)``: a global forward pre-hook
    counts the calls, a class-level wrapper of each layer class's ``forward`` spends them."""
    watched = {id(module): (_module_label(name), type(module).__name__) for name, module in model.named_modules()}
    pending: dict[int, int] = {}

    def pre_hook(module: nn.Module, args: tuple) -> None:
        if id(module) in watched:
            pending[id(module)] = pending.get(id(module), 0) + 1

    def wrapper_for(cls: type) -> Callable[[Callable], Callable]:
        def wrapper(inner: Callable) -> Callable:
            def forward(self, *args, **kwargs):
                key = id(self)
                if type(self) is cls and key in watched:  # not super().forward() from a subclass
                    if pending.get(key):
                        pending[key] -= 1
                    else:
                        on_direct(*watched[key])
                return inner(self, *args, **kwargs)

            return forward

        return wrapper

    stack.callback(register_module_forward_pre_hook(pre_hook).remove)
    for cls in {type(module) for module in model.modules()}:
        if isinstance(cls, type) and not issubclass(cls, torch.jit.ScriptModule):
            wrap(stack, cls, "forward", wrapper_for(cls))


def watch_clipping(stack: contextlib.ExitStack, on_clip: Callable[[float, Any], None]) -> None:
    """Until ``stack`` closes, show every ``clip_grad_norm_`` call to ``on_clip(max_norm,
    total_norm)``, even through a name the learner imported early: ``clip_grad_norm_`` looks
    ``_clip_grads_with_norm_`` up in its module at each call (torch ≥ 2.6; older versions: the
    public names are patched instead)."""
    from torch.nn import utils
    from torch.nn.utils import clip_grad

    if hasattr(clip_grad, "_clip_grads_with_norm_"):
        def clipping(original: Callable) -> Callable:
            def clip(parameters, max_norm, total_norm, foreach=None):  # noqa: ANN001
                on_clip(max_norm, total_norm)
                return original(parameters, max_norm, total_norm, foreach)

            return clip

        wrap(stack, clip_grad, "_clip_grads_with_norm_", clipping)
    else:  # pragma: no cover - torch < 2.6
        def clipping_public(original: Callable) -> Callable:
            def clip(parameters, max_norm, *args, **kwargs):  # noqa: ANN001
                total = original(parameters, max_norm, *args, **kwargs)
                on_clip(max_norm, total)
                return total

            return clip

        for owner in (clip_grad, utils):
            wrap(stack, owner, "clip_grad_norm_", clipping_public)


# -- helpers ------------------------------------------------------------------------------------


def _classify_scores(scores: torch.Tensor) -> tuple[str, float, float]:
    """``("probabilities" | "log_probabilities" | "logits" | "unknown", min, max)`` of a loss's
    scores: the class dimension is 1 (0 for one unbatched sample); "unknown" when there is no
    class dimension to judge (PyTorch's own error, if any, says the rest)."""
    with torch.no_grad():
        values = scores.detach()
        if not values.is_floating_point() or values.dim() == 0 or values.numel() == 0:
            return "unknown", math.nan, math.nan
        dim = 1 if values.dim() >= 2 else 0
        values = values.float()
        low, high = float(values.min()), float(values.max())
        if values.shape[dim] < 2 or not (math.isfinite(low) and math.isfinite(high)):
            return "unknown", low, high
        if low >= -1e-6 and high <= 1 + 1e-6 and float((values.sum(dim) - 1).abs().max()) <= 1e-3:
            return "probabilities", low, high
        if high <= 1e-6 and float(torch.logsumexp(values, dim).abs().max()) <= 1e-3:
            return "log_probabilities", low, high
        return "logits", low, high


def _graph_contains(root: Any, targets: set[int]) -> bool:
    stack, seen = [root], set()
    while stack and len(seen) < _GRAPH_WALK_LIMIT:
        node = stack.pop()
        if id(node) in targets:
            return True
        seen.add(id(node))
        for following, _ in getattr(node, "next_functions", ()):
            if following is not None and id(following) not in seen:
                stack.append(following)
    return False


def _device_name(tensor: torch.Tensor) -> str:
    if simulated_device_of(tensor).type == "cuda":
        return "cuda:0"
    return str(tensor.device)


def _direct_learner_caller() -> Location | None:
    """The learner's line when the torch call being handled came straight from the learner's
    file (not from inside torch: ``model.to()`` moving each parameter, ``clip_grad_norm_``...)."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (filename.startswith(CHECKS_DIR) or filename in _DISPATCH_FILES):
            return Location.at(filename, frame.f_lineno) if is_learner_file(filename) else None
        frame = frame.f_back
    return None


def _module_label(name: str) -> str:
    """How the learner's code reaches a layer: ``modelo``, ``self.camada1``, ``self.rede[0]``."""
    if not name:
        return "modelo"
    return "self" + "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in name.split("."))
