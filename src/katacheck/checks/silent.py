"""Silent-bug detectors: training code that runs without an error and is still wrong.

Each detector watches what the learner's code *does* at runtime (hooks, a
``TorchFunctionMode``, a few class-level patches undone on exit), never its text, and fails
with a diagnosis that names the learner's line and the values involved.

=====================================================  =================================================
bug                                                    detector
=====================================================  =================================================
softmax / log_softmax before ``cross_entropy``         :func:`expect_logits_to_cross_entropy`
``NLLLoss`` on probabilities (or raw logits)           :func:`expect_log_probabilities_to_nll`
``eval()`` / ``no_grad`` forgotten in validation       :func:`expect_evaluation_mode`
loss tensors accumulated instead of ``.item()``        :func:`expect_no_graph_kept`
``model.forward(x)`` instead of ``model(x)``           :func:`expect_modules_called`
learning rate too high or too low                      :func:`expect_learning_rate`
``shuffle`` forgotten                                  :func:`expect_shuffled_batches`
``clip_grad_norm_`` missing or misplaced               :func:`expect_gradient_clipping`
an optimizer over another model's parameters           :func:`expect_optimizer_over`
the result of ``tensor.to(device)`` not assigned       :func:`expect_moves_assigned`
=====================================================  =================================================

All but :func:`expect_evaluation_mode` judge the record of a :class:`SilentBugMonitor`, a
:class:`~katacheck.checks.training.TrainingMonitor` that also records what they need::

    with checks.cuda_available():               # if the kata simulates a GPU: outside the monitor
        execucao = checks.observe_training(treinar, modelo, X, y, epocas=5)
    checks.expect_logits_to_cross_entropy(execucao.monitor)
    checks.expect_moves_assigned(execucao.monitor)

A device mismatch raised inside the monitor right after a ``.to()`` whose result was thrown
away becomes the ``to_result_discarded`` diagnosis (pointing at the ``.to()`` line) instead of
PyTorch's generic error.
"""

from __future__ import annotations

import functools
import linecache
import math
import os
import sys
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

import torch
from torch import nn
from torch.nn.modules.module import register_module_forward_pre_hook
from torch.optim.optimizer import register_optimizer_step_pre_hook
from torch.overrides import TorchFunctionMode
from torch.utils.data import DataLoader, SequentialSampler

from katacheck.checks.context import is_learner_file
from katacheck.checks.failures import call_learner, fail, location_in_stack
from katacheck.checks.loss import dataset_loss
from katacheck.checks.training import OptimizerRecord, TrainingMonitor, TrainingRun
from katacheck.result import Location

__all__ = [
    "COURSE_LR_RANGES",
    "STALL_RATIO",
    "SilentBugMonitor",
    "expect_evaluation_mode",
    "expect_gradient_clipping",
    "expect_learning_rate",
    "expect_log_probabilities_to_nll",
    "expect_logits_to_cross_entropy",
    "expect_modules_called",
    "expect_moves_assigned",
    "expect_no_graph_kept",
    "expect_optimizer_over",
    "expect_shuffled_batches",
    "observe_training",
]

# -- calibrated thresholds (see CALIBRATION.md next to this file) ---------------------------------

#: Training "made no progress" when the whole-dataset loss ends above this fraction of where it
#: started. Calibration (CALIBRATION.md, 150 seeds, the course task: ``regression_data()``,
#: ``nn.Linear(10, 1)``, MSE, full batch, 100 epochs): every lr from the measured low edge to
#: the high edge of :data:`COURSE_LR_RANGES` ends at a ratio ≤ 0.80, a drop ≥ 0.20, 2× the 0.10
#: drop this threshold asks for; lr = 1e-4 ends at ≥ 0.938 (SGD) and ≥ 0.938 (Adam): flagged.
STALL_RATIO = 0.9
#: Training "diverged" when the whole-dataset loss ends above where it started (or is NaN/inf):
#: the course task's reference runs end at ≤ 0.80 (above), runs past the edges at ≥ 1.1.
DIVERGED_RATIO = 1.0
#: With a final ratio between STALL_RATIO and DIVERGED_RATIO, a step loss this many times the
#: first one means the loss oscillated (too high), not crawled (too low): runs with a too-low lr
#: peak at ≤ 1.0× the first loss (it only falls), 2× below this.
OSCILLATION_PEAK = 2.0
#: lr ranges that train the course task for every seed (ratio ≤ 0.80), with a 2× margin inside
#: the measured edges: SGD 7e-4 … 0.6 (0.64 diverges), Adam 7e-4 … 30 (100 diverges).
COURSE_LR_RANGES: dict[str, tuple[float, float]] = {"SGD": (1.5e-3, 0.3), "Adam": (1.5e-3, 15.0)}

# -- what the TorchFunctionMode looks at --------------------------------------------------------

_LOSS_INPUTS = frozenset({"cross_entropy", "nll_loss"})
_SOFTMAXES = frozenset({"softmax", "log_softmax", "_softmax", "_log_softmax"})
_MOVES = frozenset({"to", "cuda", "cpu"})
_ACCUMULATIONS = frozenset({
    "add", "add_", "__add__", "__radd__", "__iadd__",
    "sub", "sub_", "__sub__", "__rsub__", "__isub__", "stack", "cat",
})
_PRODUCERS = {"SoftmaxBackward0": "softmax", "LogSoftmaxBackward0": "log_softmax"}
#: Frames between a torch call and the code that made it: ours (the modes, the simulation) and
#: torch's dispatch to them (``handle_torch_function``, the Python wrappers of Tensor methods).
_CHECKS_DIR = os.path.dirname(__file__) + os.sep
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

    def __enter__(self) -> SilentBugMonitor:
        super().__enter__()
        self._cleanups.append(register_optimizer_step_pre_hook(self._on_silent_step))
        self._cleanups.append(_patch_clip(self._on_clip))
        self._cleanups.append(_patch_loader_init(self._on_loader))
        if self.model is not None:
            self._cleanups.append(_watch_forward_calls(self.model, self._on_direct_forward))
            self._cleanups.append(self.model.register_forward_pre_hook(self._on_batch))
        watcher = _Watcher(self)
        watcher.__enter__()
        self._cleanups.append(lambda: watcher.__exit__(None, None, None))
        return self

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

    def _note_backward(self, args: tuple, kwargs: dict) -> None:
        roots = args[0] if args else kwargs.get("tensors")
        for root in [roots] if isinstance(roots, torch.Tensor) else list(roots or ()):
            if isinstance(root, torch.Tensor) and root.grad_fn is not None:
                self._spent.append(root.grad_fn)
        self.backwards += 1
        self._last_backward_tick = self._next_tick()
        if self._first_backward_tick is None:
            self._first_backward_tick = self._last_backward_tick

    def _note_accumulation(self, args: tuple) -> None:
        location = _direct_learner_caller()
        if location is None:
            return
        spent = {id(node) for node in self._spent}
        for operand in _tensors_in(args):
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
        for tensor in _tensors_in(args, kwargs):
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
        if self.unclipped_step_norm is None and self._last_clip_tick < self._last_backward_tick:
            grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
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
        batch = next(iter(_tensors_in(args)), None)
        if batch is None or not (module.training and torch.is_grad_enabled()) or len(self.batches) >= _MAX_RECORDS:
            return
        with torch.no_grad():
            rows = batch.detach().reshape(batch.shape[0], -1).double().sum(1) if batch.dim() else batch.double()
            self.batches.append((tuple(batch.shape), float(rows.sum()), float(rows.cumsum(0).sum())))
        self.batch_locations.append(location_in_stack())


def observe_training(train: Callable, model: nn.Module, X: torch.Tensor, y: torch.Tensor,
                     *args: Any, **kwargs: Any) -> TrainingRun:
    """:func:`~katacheck.checks.run_training` under a :class:`SilentBugMonitor`: call
    ``train(model, X, y, *args, **kwargs)`` and measure the whole dataset's loss before and after."""
    before = dataset_loss(model, X, y)
    with SilentBugMonitor(model=model) as monitor:
        history = call_learner(train, model, X, y, *args, **kwargs)
    return TrainingRun(model, monitor, history, before, dataset_loss(model, X, y))


# -- the detectors --------------------------------------------------------------------------------


def expect_logits_to_cross_entropy(monitor: SilentBugMonitor) -> None:
    """Every ``cross_entropy`` (``nn.CrossEntropyLoss``) received raw scores (logits).

    Probabilities (rows ≥ 0 summing to 1) mean a softmax came first; log-probabilities (rows
    whose logsumexp is 0) mean a log_softmax did: ``cross_entropy`` applies log_softmax itself.
    Fails as well when the loop never called it.
    """
    calls = [call for call in monitor.loss_inputs if call.function == "cross_entropy"]
    if not calls:
        fail("loss_not_called", function="cross_entropy", cls="nn.CrossEntropyLoss")
    for call in calls:
        if call.kind == "probabilities":
            fail("softmax_before_cross_entropy", function=call.producer or "softmax", **_values(call))
        if call.kind == "log_probabilities":
            fail("log_softmax_before_cross_entropy", function=call.producer or "log_softmax", **_values(call))


def expect_log_probabilities_to_nll(monitor: SilentBugMonitor) -> None:
    """Every ``nll_loss`` (``nn.NLLLoss``) received log-probabilities (the output of
    ``log_softmax``), not probabilities nor raw logits. Fails as well when it was never called."""
    calls = [call for call in monitor.loss_inputs if call.function == "nll_loss"]
    if not calls:
        fail("loss_not_called", function="nll_loss", cls="nn.NLLLoss")
    for call in calls:
        if call.kind == "probabilities":
            fail("nll_on_probabilities", function=call.producer or "softmax", **_values(call))
        if call.kind == "logits":
            fail("nll_on_logits", **_values(call))


def _values(call: LossInput) -> dict[str, Any]:
    line = call.location.line if call.location else "?"
    return {"low": f"{call.low:.3g}", "high": f"{call.high:.3g}", "loss_line": line,
            "location": call.producer_location or call.location}


def expect_evaluation_mode(validate: Callable, model: nn.Module, *args: Any, **kwargs: Any) -> Any:
    """Call the learner's ``validate(model, *args, **kwargs)`` and check that every forward of
    ``model`` inside it ran in evaluation mode (``model.eval()``: Dropout off, BatchNorm on its
    running statistics) and without building a graph (``torch.no_grad()`` or
    ``torch.inference_mode()``). Returns what ``validate`` returned.

    The model is put in training mode first, as it is right after a training epoch.
    """
    seen: list[tuple[list[str], bool, Location | None]] = []

    def on_forward(module: nn.Module, inputs: tuple) -> None:
        training = list(dict.fromkeys(type(layer).__name__ for layer in module.modules()
                                      if layer.training and _mode_dependent(layer)))
        if not training and module.training:
            training = [type(module).__name__]
        seen.append((training, torch.is_grad_enabled(), location_in_stack()))

    direct: list[DirectForward] = []
    model.train()
    handle = model.register_forward_pre_hook(on_forward)
    unwatch = _watch_forward_calls(model, lambda module, cls: direct.append(
        DirectForward(module, cls, location_in_stack())))
    try:
        with torch.enable_grad():
            result = call_learner(validate, model, *args, **kwargs)
    finally:
        unwatch()
        handle.remove()
    if direct:
        _fail_direct_forward(direct[0])
    if not seen:
        fail("validation_no_forward")
    for training, _, location in seen:
        if training:
            fail("validation_train_mode", layers=", ".join(training), location=location)
    for _, grad_enabled, location in seen:
        if grad_enabled:
            fail("validation_grad_enabled", location=location)
    return result


def _mode_dependent(module: nn.Module) -> bool:
    """Layers that compute differently in training and evaluation mode."""
    from torch.nn.modules.batchnorm import _NormBase
    from torch.nn.modules.dropout import _DropoutNd

    return isinstance(module, (_DropoutNd, _NormBase, nn.AlphaDropout))


def expect_no_graph_kept(monitor: SilentBugMonitor | None = None, /, **values: Any) -> None:
    """No loss tensor was kept with its autograd graph: not added to a running total after its
    ``backward()`` (seen by ``monitor``), and not anywhere inside ``values`` (what the learner's
    function returned, by the name the learner knows it by: ``perdas=execucao.history``).
    Keep ``loss.item()`` instead."""
    if monitor is not None and monitor.graph_accumulated_at is not None:
        fail("graph_accumulated", backwards=monitor.graph_accumulated_after,
             location=monitor.graph_accumulated_at)
    for name, value in values.items():
        found = _tensor_with_graph(value, name)
        if found is not None:
            path, node = found
            fail("graph_kept", path=path, node=node)


def _tensor_with_graph(value: Any, path: str, depth: int = 0) -> tuple[str, str] | None:
    if isinstance(value, torch.Tensor):
        return (path, type(value.grad_fn).__name__) if value.grad_fn is not None else None
    if depth > 4:
        return None
    if isinstance(value, dict):
        items = ((f"{path}[{key!r}]", item) for key, item in value.items())
    elif isinstance(value, (list, tuple)):
        items = ((f"{path}[{index}]", item) for index, item in enumerate(value))
    else:
        return None
    for item_path, item in items:
        found = _tensor_with_graph(item, item_path, depth + 1)
        if found is not None:
            return found
    return None


def expect_modules_called(monitor: SilentBugMonitor) -> None:
    """The watched model and its layers were always called as ``model(x)``, never as
    ``model.forward(x)`` (which skips hooks, and with them every check that watches the model)."""
    if monitor.direct_forwards:
        _fail_direct_forward(monitor.direct_forwards[0])


def _fail_direct_forward(call: DirectForward) -> None:
    fail("forward_called_directly", module=call.module, cls=call.cls, location=call.location)


def expect_learning_rate(run: TrainingRun, *, working: tuple[float, float] | None = None,
                         stall_ratio: float = STALL_RATIO) -> None:
    """Blame the learning rate when training failed because of it.

    Training failed when the whole-dataset loss ended above ``stall_ratio`` of where it began:
    too high if it diverged (ended higher, or NaN/inf) or oscillated (a step loss
    :data:`OSCILLATION_PEAK` times the first one); too low otherwise. ``working`` is the lr range
    that trains the kata's task (calibrate it: ≥ 100 seeds, 2× margin); by default the course
    task's range for the optimizer used (:data:`COURSE_LR_RANGES`). With a range, an lr inside
    it is never blamed (something else broke the training: let the other checks say what).
    """
    stepped = run.monitor.stepped_optimizers
    if not stepped:
        return
    record = max(stepped, key=lambda r: r.steps)
    lr = float(record.optimizer.param_groups[0]["lr"])
    name = type(record.optimizer).__name__
    working = working or COURSE_LR_RANGES.get(name)
    ratio = run.loss_after / run.loss_before if run.loss_before > 0 else math.inf
    if math.isfinite(ratio) and ratio <= stall_ratio:
        return
    losses = list(getattr(run.monitor, "losses", ()))
    too_high = (not math.isfinite(ratio) or ratio > DIVERGED_RATIO
                or any(not math.isfinite(value) for value in losses)
                or (len(losses) > 1 and losses[0] > 0 and max(losses[1:]) > OSCILLATION_PEAK * losses[0]))
    values = {"lr": f"{lr:g}", "optimizer": name, "before": f"{run.loss_before:.4g}",
              "after": f"{run.loss_after:.4g}", "location": record.created_at}
    if working is None:
        fail("lr_diverged" if too_high else "lr_stalled", **values)
    low, high = working
    if too_high and lr > high:
        fail("lr_too_high", low=f"{low:g}", high=f"{high:g}", **values)
    if not too_high and lr < low:
        fail("lr_too_low", low=f"{low:g}", high=f"{high:g}", **values)


def expect_shuffled_batches(monitor: SilentBugMonitor) -> None:
    """The training batches did not come in the same order every epoch.

    Judged from the batches themselves (an order-sensitive fingerprint of each training input
    of the watched model), so it covers a ``DataLoader(shuffle=False)`` and hand-made batches
    alike; needs at least two epochs of more than one batch. Full-batch training passes.
    """
    batches = monitor.batches
    period = next((k for k in range(1, len(batches)) if batches[k] == batches[0]), None)
    if period is None or period == 1 or len(batches) < 2 * period or batches[period:2 * period] != batches[:period]:
        return
    sequential = [loader for loader in monitor.loaders if not loader.shuffled]
    if sequential:
        fail("shuffle_forgotten", batches=period, sampler=sequential[0].sampler, location=sequential[0].location)
    fail("batches_same_order", batches=period, location=monitor.batch_locations[period])


def expect_gradient_clipping(monitor: SilentBugMonitor, max_norm: float | None = None) -> None:
    """``clip_grad_norm_`` ran between each ``backward()`` and the ``step()`` that follows it
    (with ``max_norm``, when given). A clip before ``backward()`` or after ``step()`` clips
    gradients that the step never uses."""
    if not monitor.clips:
        fail("clip_missing", max_norm="max_norm" if max_norm is None else f"{max_norm:g}")
    clip = monitor.clips[0]
    if monitor.unclipped_step_norm is not None:
        norm = monitor.unclipped_step_norm
        before_backward = (monitor._first_clip_tick or 0) < (monitor._first_backward_tick or 0)
        fail("clip_before_backward" if before_backward else "clip_after_step",
             norm=f"{norm:.4g}", max_norm=f"{clip.max_norm:g}", location=clip.location)
    if max_norm is not None:
        wrong = next((c for c in monitor.clips if not math.isclose(c.max_norm, max_norm, rel_tol=1e-6)), None)
        if wrong is not None:
            fail("clip_max_norm", found=f"{wrong.max_norm:g}", expected=f"{max_norm:g}", location=wrong.location)


def expect_optimizer_over(monitor: TrainingMonitor, model: nn.Module) -> None:
    """The optimizers that stepped cover every trainable parameter of ``model`` (the model the
    learner's function received), not another model's (a new one, or a copy)."""
    stepped = monitor.stepped_optimizers
    if not stepped:
        return
    covered = {id(p) for record in stepped for p in _parameters(record)}
    trainable = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    missing = [name for name, p in trainable if id(p) not in covered]
    if not missing:
        return
    record = max(stepped, key=lambda r: r.steps)
    if len(missing) == len(trainable):
        fail("optimizer_other_model", count=len(_parameters(record)), expected=len(trainable),
             location=record.created_at)
    fail("optimizer_missing_params", count=len(missing), names=", ".join(missing), location=record.created_at)


def _parameters(record: OptimizerRecord) -> list[torch.Tensor]:
    return [p for group in record.optimizer.param_groups for p in group["params"]]


def expect_moves_assigned(monitor: SilentBugMonitor) -> None:
    """No ``tensor.to(device)`` (``.cuda()``, ``.cpu()``) had its result thrown away while the
    original tensor went on being used: ``.to()`` returns a new tensor; it never moves ``x``."""
    if monitor.discarded_moves:
        move = monitor.discarded_moves[0]
        fail("to_result_discarded", method=move.method, source=move.source, target=move.target,
             location=move.location)


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


def _tensors_in(args: tuple, kwargs: dict | None = None):
    for value in (*args, *(kwargs or {}).values()):
        if isinstance(value, torch.Tensor):
            yield value
        elif isinstance(value, (list, tuple)):
            yield from (item for item in value if isinstance(item, torch.Tensor))


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
    from katacheck.checks.cuda_sim import simulated_device_of

    if simulated_device_of(tensor).type == "cuda":
        return "cuda:0"
    return str(tensor.device)


def _direct_learner_caller() -> Location | None:
    """The learner's line when the torch call being handled came straight from the learner's
    file (not from inside torch: ``model.to()`` moving each parameter, ``clip_grad_norm_``...)."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (filename.startswith(_CHECKS_DIR) or filename in _DISPATCH_FILES):
            if not is_learner_file(filename):
                return None
            return Location(path=filename, line=frame.f_lineno,
                            source=linecache.getline(filename, frame.f_lineno).strip())
        frame = frame.f_back
    return None


def _module_label(name: str) -> str:
    """How the learner's code reaches a layer: ``modelo``, ``self.camada1``, ``self.rede[0]``."""
    if not name:
        return "modelo"
    return "self" + "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in name.split("."))


def _watch_forward_calls(model: nn.Module, on_direct: Callable[[str, str], None]) -> Callable[[], None]:
    """Report every ``forward`` of ``model`` or its layers that did not come through
    ``module(...)``: a global forward pre-hook counts the calls, a class-level wrapper of each
    layer class's ``forward`` spends them. Returns the function that undoes it all."""
    watched = {id(module): (_module_label(name), type(module).__name__) for name, module in model.named_modules()}
    pending: dict[int, int] = {}

    def pre_hook(module: nn.Module, args: tuple) -> None:
        if id(module) in watched:
            pending[id(module)] = pending.get(id(module), 0) + 1

    def wrap(cls: type, inner: Callable) -> Callable:
        @functools.wraps(inner)
        def forward(self, *args, **kwargs):
            key = id(self)
            if type(self) is cls and key in watched:  # not super().forward() from a subclass
                if pending.get(key):
                    pending[key] -= 1
                else:
                    on_direct(*watched[key])
            return inner(self, *args, **kwargs)

        return forward

    handle = register_module_forward_pre_hook(pre_hook)
    originals: list[tuple[type, Any]] = []
    for cls in {type(module) for module in model.modules()}:
        if isinstance(cls, type) and not issubclass(cls, torch.jit.ScriptModule):
            originals.append((cls, cls.__dict__.get("forward")))
            cls.forward = wrap(cls, cls.forward)

    def restore() -> None:
        handle.remove()
        for cls, original in reversed(originals):
            if original is None:
                del cls.forward
            else:
                cls.forward = original

    return restore


def _patch_clip(callback: Callable[[float, Any], None]) -> Callable[[], None]:
    """See every ``clip_grad_norm_`` call, even through a name the learner imported early:
    ``clip_grad_norm_`` looks ``_clip_grads_with_norm_`` up in its module at each call (torch
    ≥ 2.6; older versions: the public names are patched instead)."""
    from torch.nn import utils
    from torch.nn.utils import clip_grad

    if hasattr(clip_grad, "_clip_grads_with_norm_"):
        original = clip_grad._clip_grads_with_norm_

        @functools.wraps(original)
        def clip(parameters, max_norm, total_norm, foreach=None):  # noqa: ANN001
            callback(max_norm, total_norm)
            return original(parameters, max_norm, total_norm, foreach)

        owners, name = (clip_grad,), "_clip_grads_with_norm_"
    else:  # pragma: no cover - torch < 2.6
        original = clip_grad.clip_grad_norm_

        @functools.wraps(original)
        def clip(parameters, max_norm, *args, **kwargs):  # noqa: ANN001
            total = original(parameters, max_norm, *args, **kwargs)
            callback(max_norm, total)
            return total

        owners, name = (clip_grad, utils), "clip_grad_norm_"
    for owner in owners:
        setattr(owner, name, clip)

    def restore() -> None:
        for owner in owners:
            setattr(owner, name, original)

    return restore


def _patch_loader_init(callback: Callable[[DataLoader], None]) -> Callable[[], None]:
    original = DataLoader.__init__

    @functools.wraps(original)
    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        callback(self)

    DataLoader.__init__ = init

    def restore() -> None:
        DataLoader.__init__ = original

    return restore
