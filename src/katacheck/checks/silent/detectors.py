"""The silent-bug detectors: each judges what a :class:`SilentBugMonitor` recorded (or, for
:func:`expect_evaluation_mode`, runs the learner's validation itself) and fails with a diagnosis
that names the learner's line and the values involved. The table of bugs is in
:mod:`katacheck.checks.silent`.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from typing import Any

import torch
from torch import nn
from torch.nn.modules.batchnorm import _NormBase
from torch.nn.modules.dropout import _DropoutNd

from katacheck.checks.failures import call_learner, fail
from katacheck.checks.locations import location_in_stack
from katacheck.checks.silent.monitor import DirectForward, LossInput, SilentBugMonitor, watch_forward_calls
from katacheck.checks.training import TrainingMonitor, TrainingRun, optimizer_parameters
from katacheck.result import Location

# -- calibrated thresholds (see CALIBRATION.md next to this file) -------------------------------

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

# -- the detectors --------------------------------------------------------------------------------


def expect_logits_to_cross_entropy(monitor: SilentBugMonitor) -> None:
    """Every ``cross_entropy`` (``nn.CrossEntropyLoss``) received raw scores (logits).

    Probabilities (rows ≥ 0 summing to 1) mean a softmax came first; log-probabilities (rows
    whose logsumexp is 0) mean a log_softmax did: ``cross_entropy`` applies log_softmax itself.
    Fails as well when the loop never called it.
    """
    calls = [call for call in monitor.loss_inputs if call.function == "cross_entropy"]
    if not calls:
        nll = next((call for call in monitor.loss_inputs if call.function == "nll_loss"
                    and call.kind == "log_probabilities"), None)
        if nll is not None:
            # log_softmax + nn.NLLLoss: the same number, but not the loss the kata asks for.
            fail("cross_entropy_as_nll", location=nll.location)
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
    with contextlib.ExitStack() as stack:
        stack.callback(model.register_forward_pre_hook(on_forward).remove)
        watch_forward_calls(stack, model, lambda module, cls: direct.append(
            DirectForward(module, cls, location_in_stack())))
        with torch.enable_grad():
            result = call_learner(validate, model, *args, **kwargs)
            # A torch.set_grad_enabled(False) left behind turns off every backward that follows.
            left_off = not torch.is_grad_enabled()
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
    if left_off:
        fail("validation_grad_left_off")
    return result


def _mode_dependent(module: nn.Module) -> bool:
    """Layers that compute differently in training and evaluation mode."""
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
    too_high = loss_rose(run)
    values = {"lr": f"{lr:g}", "optimizer": name, "before": f"{run.loss_before:.4g}",
              "after": f"{run.loss_after:.4g}", "location": record.created_at}
    if working is None:
        fail("lr_diverged" if too_high else "lr_stalled", **values)
    low, high = working
    if too_high and lr > high:
        fail("lr_too_high", low=f"{low:g}", high=f"{high:g}", **values)
    if not too_high and lr < low:
        fail("lr_too_low", low=f"{low:g}", high=f"{high:g}", **values)


def loss_rose(run: TrainingRun) -> bool:
    """Whether a failed run's loss went up rather than crawled down: it ended above where it
    began (:data:`DIVERGED_RATIO`) or NaN/inf, a step's loss was NaN/inf, or a step's loss was
    :data:`OSCILLATION_PEAK` times the first one. A learning rate too high does this; one too
    low never does (the loss only falls, slowly)."""
    ratio = run.loss_after / run.loss_before if run.loss_before > 0 else math.inf
    losses = list(getattr(run.monitor, "losses", ()))
    return (not math.isfinite(ratio) or ratio > DIVERGED_RATIO
            or any(not math.isfinite(value) for value in losses)
            or (len(losses) > 1 and losses[0] > 0 and max(losses[1:]) > OSCILLATION_PEAK * losses[0]))


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
        if monitor.clipped_steps:  # clipped in place on some steps, skipped on others
            fail("clip_skipped", norm=f"{norm:.4g}", max_norm=f"{clip.max_norm:g}", location=clip.location)
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
    covered = {id(p) for record in stepped for p in optimizer_parameters(record.optimizer)}
    trainable = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    missing = [name for name, p in trainable if id(p) not in covered]
    if not missing:
        return
    record = max(stepped, key=lambda r: r.steps)
    if len(missing) == len(trainable):
        fail("optimizer_other_model", count=len(optimizer_parameters(record.optimizer)), expected=len(trainable),
             location=record.created_at)
    fail("optimizer_missing_params", count=len(missing), names=", ".join(missing), location=record.created_at)


def expect_moves_assigned(monitor: SilentBugMonitor) -> None:
    """No ``tensor.to(device)`` (``.cuda()``, ``.cpu()``) had its result thrown away while the
    original tensor went on being used: ``.to()`` returns a new tensor; it never moves ``x``."""
    if monitor.discarded_moves:
        move = monitor.discarded_moves[0]
        fail("to_result_discarded", method=move.method, source=move.source, target=move.target,
             location=move.location)
