"""The loss must go down, and the loss history a learner returns must be the real one."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import torch
from torch import nn

from katacheck.checks import context, reference
from katacheck.checks.failures import fail
from katacheck.result import LossCurve


def dataset_loss(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor,
                 loss_fn: Callable = reference.mse_loss) -> float:
    """The loss over the whole dataset (not one noisy batch), without touching gradients.

    The data follows the model to its device, wherever the learner's code left it, and to its
    floating dtype (a learner who trained in float64, ``modelo.double()``, left it there).
    """
    parameter = next(model.parameters(), None)
    if parameter is None:
        fail("no_parameters")
    with torch.no_grad(), warnings.catch_warnings():
        # A shape mismatch warning here would come from our code, not the learner's.
        warnings.simplefilter("ignore")
        device = parameter.device
        dtype = parameter.dtype if parameter.is_floating_point() else None
        return float(loss_fn(model(_moved(inputs, device, dtype)), _moved(targets, device, dtype)))


def _moved(data: torch.Tensor, device: torch.device, dtype: torch.dtype | None) -> torch.Tensor:
    """``data`` on ``device``; floating data in ``dtype`` too (class indices stay integers)."""
    if dtype is not None and data.is_floating_point():
        return data.to(device=device, dtype=dtype)
    return data.to(device)


def record_loss_curve(values: Sequence[float], *, limit: float | None = None) -> None:
    """Show ``values`` (a loss per step or epoch) as a plot under the current check, with
    the line ``limit`` the loss had to end under. Non-finite values are cut off the plot."""
    finite = [float(v) for v in values if math.isfinite(float(v))]
    if len(finite) >= 2:
        context.record("loss_curve", LossCurve.sampled(finite, limit))


def expect_loss_decreased(before: float, after: float, *, max_ratio: float,
                          curve: Sequence[float] | None = None) -> None:
    """``after / before`` must be finite and at most ``max_ratio`` (a calibrated threshold).

    With ``curve`` (e.g. ``TrainingMonitor.losses``), verify draws it with the target line
    ``before × max_ratio``, whether the check passes or not.
    """
    if curve is not None:
        record_loss_curve(curve, limit=before * max_ratio)
    if not math.isfinite(after):
        fail("loss_not_finite", before=f"{before:.4g}")
    ratio = after / before
    if ratio > max_ratio:
        fail("loss_not_decreasing", before=f"{before:.4g}", after=f"{after:.4g}",
             ratio=f"{ratio:.3f}", max_ratio=f"{max_ratio:.2f}")


def expect_loss_history(history: object, epochs: int, *, first_loss: float,
                        monitor: object | None = None) -> list[float]:
    """A list of ``epochs`` Python floats whose first value is the model's initial loss.

    With ``monitor`` (the run's :class:`~katacheck.checks.TrainingMonitor`), a first value that
    is not the model's loss is explained by what the run computed: a loss over broadcast shapes
    (seen by a :class:`~katacheck.checks.SilentBugMonitor`), or the very loss the learner's
    ``backward()`` received, computed some other way than the kata's.
    """
    if not isinstance(history, (list, tuple)):
        fail("history_type", found=type(history).__name__)
    if any(isinstance(value, torch.Tensor) for value in history):
        fail("history_tensors")
    if not all(isinstance(value, (float, int)) for value in history):
        kinds = sorted({type(v).__name__ for v in history if not isinstance(v, (float, int))})
        fail("history_not_floats", kinds=", ".join(kinds))
    if len(history) != epochs:
        fail("history_length", found=len(history), expected=epochs)
    if not _same_loss(history[0], first_loss):
        values = {"found": f"{history[0]:.4g}", "expected": f"{first_loss:.4g}"}
        explain_broadcast(monitor)
        backward_losses = getattr(monitor, "losses", None) or ()
        if backward_losses and _same_loss(history[0], backward_losses[0]):
            fail("history_other_loss", **values)
        fail("history_not_real", **values)
    _expect_each_epochs_loss(history, getattr(monitor, "losses", None) or ())
    return [float(value) for value in history]


def _expect_each_epochs_loss(history: Sequence[float], backward_losses: Sequence[float]) -> None:
    """Every value is the loss that epoch's ``backward()`` received (one backward an epoch, as
    the course loop has): a list right only in its length and first value is no history."""
    if len(backward_losses) != len(history):
        return  # another loop shape: the first value was all this check could compare
    for epoch, (value, received) in enumerate(zip(history, backward_losses), start=1):
        if not _same_loss(value, received):
            fail("history_not_per_epoch", epoch=epoch, found=f"{value:.4g}", expected=f"{received:.4g}")


def _same_loss(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-6)


def explain_broadcast(monitor: object | None) -> None:
    """Fail with ``loss_broadcast`` when ``monitor`` saw a regression loss compare an output
    and a target of different shapes (:class:`~katacheck.checks.silent.monitor.LossBroadcast`):
    that loss is not the model's loss on the data, whatever else the check was measuring."""
    broadcasts = getattr(monitor, "loss_broadcasts", None)
    if not broadcasts:
        return
    first = broadcasts[0]
    fail("loss_broadcast", function=first.function, input=_shape(first.input), target=_shape(first.target),
         result=_shape(first.result), pairs=math.prod(first.result), location=first.location)


def _shape(shape: Sequence[int]) -> str:
    return "[" + ", ".join(str(n) for n in shape) + "]"
