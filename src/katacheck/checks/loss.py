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

    The data follows the model to its device, wherever the learner's code left it.
    """
    parameter = next(model.parameters(), None)
    if parameter is None:
        fail("no_parameters")
    with torch.no_grad(), warnings.catch_warnings():
        # A shape mismatch warning here would come from our code, not the learner's.
        warnings.simplefilter("ignore")
        device = parameter.device
        return float(loss_fn(model(inputs.to(device)), targets.to(device)))


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


def expect_loss_history(history: object, epochs: int, *, first_loss: float) -> list[float]:
    """A list of ``epochs`` Python floats whose first value is the model's initial loss."""
    if not isinstance(history, (list, tuple)):
        fail("history_type", found=type(history).__name__)
    if any(isinstance(value, torch.Tensor) for value in history):
        fail("history_tensors")
    if not all(isinstance(value, (float, int)) for value in history):
        kinds = sorted({type(v).__name__ for v in history if not isinstance(v, (float, int))})
        fail("history_not_floats", kinds=", ".join(kinds))
    if len(history) != epochs:
        fail("history_length", found=len(history), expected=epochs)
    if not math.isclose(history[0], first_loss, rel_tol=1e-3, abs_tol=1e-6):
        fail("history_not_real", found=f"{history[0]:.4g}", expected=f"{first_loss:.4g}")
    return [float(value) for value in history]
