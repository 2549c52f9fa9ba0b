"""Every training run inside one call of learner code: which optimizer, at which rate, from
which weights to which.

A function that compares settings (``comparar_taxas``: one model per learning rate) trains
several models in one call, each with its own optimizer. :class:`RunRecorder` tells them apart by
optimizer: the first step of each one shows the weights its model started from and the rate it
used; the end of the call shows where each model ended. The checks judge the runs themselves
(which rate each really stepped with, whether two runs started from the same weights, whether one
started where another ended), never what the learner's code says about them.
"""

from __future__ import annotations

import contextlib
import math
import sys
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.optim.optimizer import register_optimizer_step_pre_hook

from katacheck.checks.context import is_learner_file
from katacheck.checks.failures import fail
from katacheck.checks.training import TrainingMonitor, optimizer_parameters
from katacheck.result import Location


@dataclass
class Run:
    """One optimizer's share of the call: its class, its rate, and the weights it moved."""

    optimizer: torch.optim.Optimizer = field(repr=False)
    kind: str
    lr: float
    #: The parameters right before the first step (the model's starting weights).
    start: list[torch.Tensor]
    #: The learner's line that created the optimizer, and the outermost learner line of the
    #: first step (the call that started this run: ``treinar(modelo, ...)`` in a loop).
    created_at: Location | None
    called_at: Location | None
    steps: int = 0
    #: The parameters when the call ended (filled when the recorder exits).
    end: list[torch.Tensor] = field(default_factory=list)

    def starts_at(self, weights: list[torch.Tensor]) -> bool:
        """Whether this run's first step began from exactly ``weights``."""
        # NaN equals NaN here: a diverged model handed on to the next run is still the same one.
        return len(weights) == len(self.start) and all(
            a.shape == b.shape and torch.allclose(a, b.to(a.dtype), rtol=0, atol=0, equal_nan=True)
            for a, b in zip(self.start, weights))


@dataclass
class RunRecorder(TrainingMonitor):
    """A :class:`TrainingMonitor` that also records every optimizer's run, in the order their
    first steps came (the order the learner's code trained the models)."""

    runs: list[Run] = field(default_factory=list)

    def _install(self, stack: contextlib.ExitStack) -> None:
        super()._install(stack)
        stack.callback(register_optimizer_step_pre_hook(self._on_run_step).remove)

    def __exit__(self, *exc_info: object) -> None:
        super().__exit__(*exc_info)
        for run in self.runs:
            run.end = [p.detach().clone() for p in optimizer_parameters(run.optimizer)]

    def _on_run_step(self, optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        run = next((run for run in self.runs if run.optimizer is optimizer), None)
        if run is None:
            group = optimizer.param_groups[0] if optimizer.param_groups else {}
            run = Run(optimizer, type(optimizer).__name__, float(group.get("lr", float("nan"))),
                      [p.detach().clone() for p in optimizer_parameters(optimizer)],
                      self._record_for(optimizer).created_at, _outermost_learner_line())
            self.runs.append(run)
        run.steps += 1


def _outermost_learner_line() -> Location | None:
    """The outermost line of the learner's file on the current call stack."""
    found, frame = None, sys._getframe(1)
    while frame is not None:
        if is_learner_file(frame.f_code.co_filename):
            found = Location.at(frame.f_code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return found


def initial_weights(model_factory, seed: int) -> list[torch.Tensor]:
    """The parameters of ``model_factory()`` built right after ``torch.manual_seed(seed)``; the
    global generator is put back as it was (the learner's code may rely on it)."""
    state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        return [p.detach().clone() for p in model_factory().parameters()]
    finally:
        torch.random.set_rng_state(state)


# -- expectations ---------------------------------------------------------------------------


def expect_one_run_per_rate(histories: object, runs: list[Run], rates) -> dict[float, Run]:
    """``histories`` maps each of ``rates`` (and nothing else) to something, and the call trained
    one run per rate, each stepping with its own rate (as its optimizer holds it). Returns the
    run of each rate."""
    if not isinstance(histories, dict):
        fail("rates_not_dict", found=type(histories).__name__)
    expected = [float(rate) for rate in rates]
    keys = list(histories)
    if not keys:
        fail("rates_empty", expected=_shown(expected))
    if sorted(map(_as_number, keys)) != sorted(expected):
        fail("rates_keys", found=_shown(keys), expected=_shown(expected))
    if len(runs) != len(expected):
        fail("rates_runs", found=len(runs), expected=len(expected))
    by_rate: dict[float, Run] = {}
    for run in runs:
        by_rate.setdefault(run.lr, run)
    for index, rate in enumerate(expected):
        if rate not in by_rate:
            run = runs[index]
            fail("rate_not_used", rate=f"{rate:g}", found=f"{run.lr:g}", location=run.created_at or run.called_at)
    return by_rate


def expect_runs_start_at(runs: dict[float, Run], weights: list[torch.Tensor], *, seed: int) -> None:
    """Every run began from ``weights`` (the model built right after ``torch.manual_seed(seed)``).
    A run that began where the one before it ended is named: the same model, trained again."""
    previous: Run | None = None
    for run in runs.values():  # in the order they trained
        if not run.starts_at(weights):
            if previous is not None and previous.end and run.starts_at(previous.end):
                fail("rates_model_reused", rate=f"{run.lr:g}", previous=f"{previous.lr:g}", location=run.called_at)
            fail("rates_other_start", rate=f"{run.lr:g}", seed=seed, location=run.called_at)
        previous = run


def best_rate(histories: dict) -> float | None:
    """The rate whose last loss is lowest among the histories whose every value is finite."""
    finite = {rate: losses for rate, losses in histories.items() if all(_finite(value) for value in losses)}
    return min(finite, key=lambda rate: finite[rate][-1]) if finite else None


def expect_best_rate(histories: dict, chosen: object) -> None:
    """``chosen`` is :func:`best_rate` of ``histories``; a wrong choice is named by what it did
    (a run that diverged, the lowest loss along the way instead of the last one)."""
    expected = best_rate(histories)
    summary = _summary(histories)
    inside = next((rate for rate in histories if isinstance(chosen, torch.Tensor) and chosen.numel() == 1
                   and _finite(rate) and math.isclose(float(chosen), float(rate), rel_tol=1e-6)), None)
    if inside is not None:
        # A rate, as a (float32) tensor (torch.tensor(taxas)[argmin]): the type is what is wrong.
        fail("best_rate_tensor", found=_value(chosen), rate=f"{float(inside):g}")
    if isinstance(chosen, torch.Tensor) or isinstance(chosen, bool) or not isinstance(chosen, (int, float)) \
            or float(chosen) not in {float(rate) for rate in histories}:
        fail("best_rate_not_a_rate", found=_value(chosen), rates=_shown(list(histories)), summary=summary)
    if float(chosen) == float(expected):
        return
    losses = next(losses for rate, losses in histories.items() if float(rate) == float(chosen))
    bad = next((i for i, value in enumerate(losses) if not _finite(value)), None)
    values = {"found": f"{float(chosen):g}", "expected": f"{expected:g}", "summary": summary}
    if bad is not None:
        fail("best_rate_diverged", epoch=bad + 1, value=_value(losses[bad]), **values)
    finite = {rate: ls for rate, ls in histories.items() if all(_finite(v) for v in ls)}
    if float(min(finite, key=lambda rate: min(finite[rate]))) == float(chosen):
        fail("best_rate_not_last", **values)
    fail("best_rate_wrong", **values)


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _as_number(key: object) -> float:
    return float(key) if isinstance(key, (int, float)) and not isinstance(key, bool) else math.nan


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _shown(values) -> str:
    return ", ".join(_value(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else _value(v)
                     for v in values) or "—"


def _summary(histories: dict) -> str:
    """``10: …, nan · 0.1: …, 0.0073`` — each rate with its last loss (and nan/inf if any)."""
    parts = []
    for rate, losses in histories.items():
        bad = next((v for v in losses if not _finite(v)), None)
        middle = f"{_value(bad)}, …, " if bad is not None and _finite(losses[-1]) else ""
        last = _value(losses[-1]) if losses else "—"
        parts.append(f"{_value(float(rate))}: …, {middle}{last}")
    return " · ".join(parts)
