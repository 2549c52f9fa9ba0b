"""The loss of a training run must go down; when it does not, say why, from what the run did.

:func:`expect_run_loss_decreased` is :func:`~katacheck.checks.expect_loss_decreased` for a
:class:`~katacheck.checks.TrainingRun`: the same calibrated threshold and the same verdict, but a
failure is explained by the first cause the run's record supports, in this order:

=====================================================  ====================  ==========================
what the monitor recorded                              diagnosis             points at
=====================================================  ====================  ==========================
an MSE between an output and a target of other shapes  ``loss_broadcast``    the loss line
the first backward's loss a whole multiple of the      ``loss_summed``       —
model's mean loss (a sum, not a mean)
the optimizer stepped every parameter with clean       ``loss_lr_too_high``  where the optimizer was
gradients, at an lr above what trains the task, and    ``loss_lr_too_low``   created
the loss rose (too high) or crawled (too low)
nothing of the above                                   ``loss_not_decreasing`` / ``loss_not_finite``
=====================================================  ====================  ==========================

An lr is blamed only outside both the range that trains the course task for every seed
(:data:`~katacheck.checks.silent.COURSE_LR_RANGES`, calibrated with a 2× margin) and the values
the kata's statement accepts: inside them, something else broke the training, and the other
checks say what.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from katacheck.checks.failures import fail
from katacheck.checks.loss import expect_loss_decreased, explain_broadcast, record_loss_curve
from katacheck.checks.silent.detectors import COURSE_LR_RANGES, loss_rose
from katacheck.checks.training import TrainingRun, optimizer_parameters
from katacheck.i18n import t
from katacheck.result import Location


@dataclass(frozen=True)
class LearningRateCause:
    """The learning rate, named as the reason a run's loss did not go down."""

    #: ``"loss_lr_too_high"`` (the loss rose, oscillated or became NaN/inf) or ``"loss_lr_too_low"``.
    code: str
    lr: float
    optimizer: str
    #: The bounds it is outside of: what trains the task, widened to what the kata accepts.
    low: float
    high: float
    steps: int
    location: Location | None


def expect_run_loss_decreased(run: TrainingRun, *, max_ratio: float,
                              accepted_lr: Sequence[float] = ()) -> None:
    """The whole-dataset loss of ``run`` ended at most ``max_ratio`` of where it began (drawn as
    the run's loss curve, with that line), or a diagnosis of why not (the table above).

    ``accepted_lr``: the learning rates the kata's statement asks for (``(0.01, 0.001)``), quoted
    in the hint and never blamed.
    """
    before, after = run.loss_before, run.loss_after
    record_loss_curve(run.monitor.losses, limit=before * max_ratio)
    if math.isfinite(after) and after / before <= max_ratio:
        return
    explain_broadcast(run.monitor)
    explain_summed_loss(run)
    cause = learning_rate_cause(run, accepted=accepted_lr)
    if cause is not None:
        fail(cause.code, lr=f"{cause.lr:g}", optimizer=cause.optimizer, before=f"{before:.4g}",
             after=_loss(after), steps=cause.steps, asked=_asked(accepted_lr, cause),
             location=cause.location)
    expect_loss_decreased(before, after, max_ratio=max_ratio)


def explain_summed_loss(run: TrainingRun) -> None:
    """Fail with ``loss_summed`` when the first loss the learner's ``backward()`` received is a
    whole multiple (2 or more) of the model's mean loss on the data, measured at the same
    weights: a loss that sums the errors (``reduction="sum"``) instead of averaging them, whose
    steps are that many times larger (the SGD then diverges at the lr the kata gives, and the
    lr would be blamed)."""
    losses = run.monitor.losses
    if not losses or not (math.isfinite(losses[0]) and math.isfinite(run.loss_before)) or run.loss_before <= 0:
        return
    ratio = losses[0] / run.loss_before
    count = round(ratio)
    if count >= 2 and abs(ratio - count) <= 1e-3 * count:
        fail("loss_summed", first=f"{losses[0]:.4g}", mean=f"{run.loss_before:.4g}", count=count)


def learning_rate_cause(run: TrainingRun, *, accepted: Sequence[float] = ()) -> LearningRateCause | None:
    """The learning rate, when it explains why ``run`` (a run that failed its loss check) did
    not train; None when the record points elsewhere.

    It does only when the optimizer that stepped most covered every trainable parameter of the
    run's model, every step had fresh gradients (stale or missing ones are the cause instead),
    and its lr lies on the side the loss shows: above the bounds if the loss rose
    (:func:`~katacheck.checks.silent.detectors.loss_rose`), below them if it crawled.
    """
    monitor = run.monitor
    stepped = monitor.stepped_optimizers
    if not stepped or monitor.stale_gradient_at is not None or monitor.empty_step_at is not None:
        return None
    record = max(stepped, key=lambda r: r.steps)
    name = type(record.optimizer).__name__
    working = COURSE_LR_RANGES.get(name)
    if working is None or not _covers_model(record.optimizer, run):
        return None
    lr = float(record.optimizer.param_groups[0]["lr"])
    low, high = min((working[0], *accepted)), max((working[1], *accepted))
    if loss_rose(run):
        code = "loss_lr_too_high" if lr > high else None
    else:
        code = "loss_lr_too_low" if lr < low else None
    if code is None:
        return None
    return LearningRateCause(code, lr, name, low, high, record.steps, record.created_at)


def _covers_model(optimizer, run: TrainingRun) -> bool:
    covered = {id(p) for p in optimizer_parameters(optimizer)}
    return all(id(p) in covered for p in run.model.parameters() if p.requires_grad)


def _loss(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else t("check.loss_value.not_finite")


def _asked(accepted: Sequence[float], cause: LearningRateCause) -> str:
    """What the kata asks for, as the hint quotes it: ``lr=0.01`` or ``lr=0.001``; without
    values, the range that trains the task."""
    if not accepted:
        return t("check.lr_asked.range", low=f"{cause.low:g}", high=f"{cause.high:g}")
    return t("check.lr_asked.or").join(f"`lr={value:g}`" for value in accepted)
