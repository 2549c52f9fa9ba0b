"""Gradient clipping by norm (kata 18): the norm every step used, and the clip that set it.

The silent-bug monitor already sees each ``clip_grad_norm_`` and when it ran against
``backward()`` and ``step()`` (:func:`~katacheck.checks.expect_gradient_clipping`). This module
adds what kata 18 judges beyond that:

- the total gradient norm each optimizer step actually used, read from the gradients at the
  step (:func:`watch_step_norms`), so a clip that is skipped on some steps is caught too;
- ``clip_grad_value_`` where the norm was asked for: watched by name, and recognised from the
  gradients themselves when the name was imported before the check (every component cut to
  ``±clip_value`` while no ``clip_grad_norm_`` ran).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.optim.optimizer import register_optimizer_step_pre_hook

from katacheck.checks.failures import fail
from katacheck.checks.locations import location_in_stack
from katacheck.checks.patching import wrap
from katacheck.checks.silent import SilentBugMonitor, expect_gradient_clipping
from katacheck.checks.training import TrainingRun, optimizer_parameters
from katacheck.result import Location

#: Relative slack on the clipped norm: clip_grad_norm_ scales by max_norm / (norm + 1e-6), and
#: float32 sums of squares round in the 7th digit.
NORM_SLACK = 1e-4


@dataclass(frozen=True)
class ValueClip:
    clip_value: float | None
    location: Location | None


@dataclass
class StepNorms:
    """What each optimizer step used: the total gradient norm, and signs of value clipping."""

    norms: list[float] = field(default_factory=list)
    step_locations: list[Location | None] = field(default_factory=list)
    #: ``clip_grad_value_`` calls seen by name.
    value_clips: list[ValueClip] = field(default_factory=list)
    #: Steps whose gradients looked cut component by component (the largest |g| repeated).
    value_cut_steps: int = 0

    def _on_step(self, optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        grads = [p.grad for p in optimizer_parameters(optimizer) if p.grad is not None]
        if not grads or len(self.norms) >= 10_000:
            return
        with torch.no_grad():
            flat = torch.cat([g.detach().reshape(-1).double() for g in grads])
            self.norms.append(float(torch.linalg.vector_norm(flat)))
            top = float(flat.abs().max())
            if top > 0 and int((flat.abs() == top).sum()) >= max(2, flat.numel() // 4):
                self.value_cut_steps += 1
        self.step_locations.append(location_in_stack())

    def _value_clipping(self, original):
        def clip_grad_value_(parameters, clip_value, *args, **kwargs):  # noqa: ANN001
            if len(self.value_clips) < 10_000:
                self.value_clips.append(ValueClip(float(clip_value), location_in_stack()))
            return original(parameters, clip_value, *args, **kwargs)

        return clip_grad_value_


@contextlib.contextmanager
def watch_step_norms() -> Iterator[StepNorms]:
    """Record, until the block ends, the gradient norm at every optimizer step and every
    ``clip_grad_value_`` call (``torch.nn.utils.clip_grad_value_`` and its home module's)."""
    from torch.nn import utils
    from torch.nn.utils import clip_grad

    record = StepNorms()
    with contextlib.ExitStack() as stack:
        stack.callback(register_optimizer_step_pre_hook(record._on_step).remove)
        for owner in (clip_grad, utils):
            wrap(stack, owner, "clip_grad_value_", record._value_clipping)
        yield record


def expect_norm_clipping(monitor: SilentBugMonitor, norms: StepNorms, max_norm: float) -> None:
    """``clip_grad_norm_(..., max_norm)`` between each ``backward()`` and ``step()``; a
    ``clip_grad_value_`` in its place is named first (it bounds each component, not the norm)."""
    if not monitor.clips and (norms.value_clips or norms.value_cut_steps):
        clip = norms.value_clips[0] if norms.value_clips else ValueClip(None, _first(norms.step_locations))
        fail("clip_value_instead", max_norm=f"{max_norm:g}", location=clip.location)
    expect_gradient_clipping(monitor, max_norm=max_norm)
    # A clip over no parameters (a stored ``modelo.parameters()`` generator, spent on the first
    # call) has a total norm of exactly 0 while the steps still see real gradients.
    empty = next((i for i, clip in enumerate(monitor.clips) if clip.total_norm == 0), None)
    if empty is not None and any(norm > 0 for norm in norms.norms):
        fail("clip_no_parameters", step=empty + 1, location=monitor.clips[empty].location)


def expect_norm_at_every_step(norms: StepNorms, max_norm: float) -> None:
    """Every optimizer step used gradients whose total norm was at most ``max_norm``."""
    if not norms.norms:
        fail("clip_no_step")
    for index, norm in enumerate(norms.norms):
        if not norm <= max_norm * (1 + NORM_SLACK) + 1e-6:
            fail("clip_norm_exceeded", step=index + 1, norm=f"{norm:.4g}", max_norm=f"{max_norm:g}",
                 steps=len(norms.norms), location=norms.step_locations[index])


def expect_stable_loss(run: TrainingRun, max_ratio: float) -> None:
    """The loss stayed finite at every step and ended at most ``max_ratio`` times the first."""
    losses = list(getattr(run.monitor, "losses", ()))
    bad = next((i for i, value in enumerate(losses) if not math.isfinite(value)), None)
    if bad is not None or not math.isfinite(run.loss_after):
        step = (bad + 1) if bad is not None else len(losses)
        fail("gradients_exploded", step=step, first=f"{run.loss_before:.4g}")
    ratio = run.loss_after / run.loss_before
    if ratio > max_ratio:
        fail("clip_loss_not_falling", ratio=f"{ratio:.3g}", limit=f"{max_ratio:g}",
             before=f"{run.loss_before:.4g}", after=f"{run.loss_after:.4g}")


def _first(locations: list[Location | None]) -> Location | None:
    return next((location for location in locations if location is not None), None)
