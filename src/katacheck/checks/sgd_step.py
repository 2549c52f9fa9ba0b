"""A hand-written SGD step with momentum and weight decay, watched against ``torch.optim.SGD``.

Kata 13 asks for ``passo_sgd(parametros, velocidades, lr, momentum, weight_decay)``: one update
after ``backward()``, by the rule the course notes write::

    v ← μ·v + ∇J + λ·w        then        w ← w − η·v

in place, under ``torch.no_grad()``, with the velocities kept in a list that the function fills
on its first call. With the velocities starting at zero this is exactly what
``torch.optim.SGD(lr=η, momentum=μ, weight_decay=λ)`` does (no dampening, no Nesterov).

:func:`run_sgd_steps` calls the learner's step on a model of the test's. It computes the
gradients itself before each call, since the learner writes only the update. After every call it
records the model's parameters and what the velocity list holds. It also records what the call
built with autograd and where it subtracted from a parameter out of place
(``w = w - lr * v``). :func:`reference_sgd` makes the same run with ``torch.optim.SGD``; the
kata's judge calls it too, on the evidence the run submits.

When the steps do not follow SGD, :data:`RULES` says which rule they follow instead. Each entry
is an update that beginners write: weight decay forgotten, weight decay applied after the
velocity, momentum on the weights, the velocity lost between calls... Every entry is replayed
on the learner's own parameters and gradients, and the one that explains the steps names the
mistake.
"""

from __future__ import annotations

import copy
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from katacheck.checks import reference
from katacheck.checks.failures import call_learner, fail
from katacheck.checks.locations import definition_location, location_in_stack
from katacheck.checks.training import TrainingMonitor, expect_optimizer
from katacheck.i18n import t
from katacheck.result import Location

#: Largest gap (absolute, per element) between a parameter after the learner's steps and after
#: the same steps by ``torch.optim.SGD`` from the same start: the "to 1e-6" of the kata's
#: contract. Calibration: ``katas/13_sgd_momentum/CALIBRATION.md``.
STEP_TOLERANCE = 1e-6
#: Largest gap between a velocity the learner kept and the notes' v, relative to the size of
#: the velocities (``1 + max |v|``). Calibration: the same file.
VELOCITY_TOLERANCE = 1e-5
#: A wrong rule names the mistake when it lands this many times closer to the learner's steps
#: than the notes' rule does.
EXPLAINS = 20.0


@dataclass(frozen=True)
class SgdSettings:
    """The hyperparameters of one run: η (``lr``), μ (``momentum``) and λ (``weight_decay``)."""

    lr: float
    momentum: float = 0.9
    weight_decay: float = 1e-4

    def shown(self) -> str:
        return f"lr={self.lr:g}, momentum={self.momentum:g}, weight_decay={self.weight_decay:g}"


#: The notes' optimizer: ``optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)``.
NOTES = SgdSettings(lr=0.01, momentum=0.9, weight_decay=1e-4)


@dataclass
class SgdStepRun:
    """``steps`` calls of a learner's SGD step, observed (see :func:`run_sgd_steps`)."""

    step: Callable[..., Any]
    settings: SgdSettings
    names: list[str]
    #: ``torch.optim.SGD`` from the same start, with the same settings: the parameters at each point.
    reference: list[list[torch.Tensor]]
    #: The model's parameters before the first call, then after each call.
    params: list[list[torch.Tensor]] = field(default_factory=list)
    #: The gradients each call found in ``.grad``.
    grads: list[list[torch.Tensor]] = field(default_factory=list)
    #: After each call, the velocity list's tensors (copies), or None when it did not hold one
    #: tensor per parameter, of the parameter's shape.
    velocities: list[list[torch.Tensor] | None] = field(default_factory=list)
    #: After each call, ``len(velocidades)``.
    velocity_counts: list[int] = field(default_factory=list)
    #: The first entry of the list that is not a tensor of its parameter's shape: ``(index, what it is)``.
    velocity_misfit: tuple[int, str] | None = None
    #: The first velocity left holding an autograd graph: ``(index, grad_fn name)``.
    velocity_graph: tuple[int, str] | None = None
    #: The learner's first line that built an autograd graph during a call.
    graph_at: Location | None = None
    #: The learner's first line that subtracted from a parameter out of place.
    rebound_at: Location | None = None
    #: The ``parametros`` list came back with other tensors in it.
    replaced: bool = False


def reference_sgd(model: nn.Module, X: torch.Tensor, y: torch.Tensor, settings: SgdSettings, steps: int,
                  loss: Callable = reference.mse_loss) -> tuple[list[list[torch.Tensor]], list[list[torch.Tensor | None]]]:
    """``steps`` steps of ``torch.optim.SGD`` with ``settings`` on ``loss(model(X), y)``, on a copy
    of ``model``: the parameters at each point (the start first) and the momentum buffers after
    each step (None without momentum)."""
    model = copy.deepcopy(model)
    params = list(model.parameters())
    optimizer = reference.OPTIMIZERS["SGD"](params, lr=settings.lr, momentum=settings.momentum,
                                            weight_decay=settings.weight_decay)
    points, buffers = [_copies(params)], []
    for _ in range(steps):
        optimizer.zero_grad()
        loss(model(X), y).backward()
        optimizer.step()
        points.append(_copies(params))
        buffers.append([_buffer(optimizer.state.get(p, {})) for p in params])
    return points, buffers


def _buffer(state: dict) -> torch.Tensor | None:
    buffer = state.get("momentum_buffer")
    return None if buffer is None else buffer.detach().clone()


def _copies(tensors) -> list[torch.Tensor]:
    return [t.detach().clone() for t in tensors]


# -- running the learner's step ------------------------------------------------------------------


class _UpdateWatcher(TorchFunctionMode):
    """Sees every torch operation of one call: the first learner line whose result carries an
    autograd graph, and the first that subtracts from a parameter out of place."""

    def __init__(self, parameters: set[int]) -> None:
        super().__init__()
        self.parameters = parameters
        self.graph_at: Location | None = None
        self.rebound_at: Location | None = None

    def __torch_function__(self, func, types, args=(), kwargs=None):
        result = func(*args, **(kwargs or {}))
        if self.graph_at is None and isinstance(result, torch.Tensor) and result.grad_fn is not None:
            self.graph_at = location_in_stack()
        if (self.rebound_at is None and getattr(func, "__name__", "") in self.OUT_OF_PLACE
                and args and id(args[0]) in self.parameters):
            self.rebound_at = location_in_stack()
        return result

    #: ``w - lr * v`` and ``torch.sub(w, ...)``: a new tensor, where ``w -= ...`` changes ``w``.
    OUT_OF_PLACE = frozenset({"sub", "__sub__"})


def run_sgd_steps(step: Callable[..., Any], model: nn.Module, X: torch.Tensor, y: torch.Tensor,
                  settings: SgdSettings, *, steps: int, pass_defaults: bool = False,
                  evidence: str | None = None) -> SgdStepRun:
    """Call the learner's ``step(parametros, velocidades, lr, momentum=..., weight_decay=...)``
    ``steps`` times on ``model``, after computing the MSE gradients on ``(X, y)`` for each call.

    ``parametros`` is a fresh ``list(model.parameters())`` each time; ``velocidades`` is one
    list, empty at first, handed to every call. With ``pass_defaults``, only ``lr`` is passed: the
    function's own defaults must then be ``settings``' μ and λ. With ``evidence``, the
    parameters and velocities after each call go to the judge under that label.
    """
    params = list(model.parameters())
    reference_points, _ = reference_sgd(model, X, y, settings, steps)
    keywords = {} if pass_defaults else {"momentum": settings.momentum, "weight_decay": settings.weight_decay}
    velocities: list[Any] = []
    run = SgdStepRun(step, settings, [name for name, _ in model.named_parameters()], reference_points,
                     params=[_copies(params)])
    for _ in range(steps):
        model.zero_grad()
        reference.mse_loss(model(X), y).backward()
        run.grads.append(_copies(p.grad for p in params))
        given = list(params)
        watcher = _UpdateWatcher({id(p) for p in params})
        with watcher:
            call_learner(step, given, velocities, settings.lr, **keywords)
        run.graph_at = run.graph_at or watcher.graph_at
        run.rebound_at = run.rebound_at or watcher.rebound_at
        run.replaced |= len(given) != len(params) or any(a is not p for a, p in zip(given, params))
        run.params.append(_copies(params))
        _note_velocities(run, velocities, params)
    if evidence is not None:
        from katacheck.checks.evidence import submit

        submit(evidence, params=run.params, velocities=run.velocities)
    return run


def _note_velocities(run: SgdStepRun, velocities: Any, params: list[torch.Tensor]) -> None:
    """What the velocity list holds after a call: copies when it is one tensor per parameter."""
    count = len(velocities) if isinstance(velocities, list) else 0
    run.velocity_counts.append(count)
    misfit = next(((index, _kind(v)) for index, (v, p) in enumerate(zip(velocities, params))
                   if not isinstance(v, torch.Tensor) or v.shape != p.shape), None)
    run.velocity_misfit = run.velocity_misfit or misfit
    if count != len(params) or misfit is not None:
        run.velocities.append(None)
        return
    if run.velocity_graph is None:
        run.velocity_graph = next(((index, type(v.grad_fn).__name__) for index, v in enumerate(velocities)
                                   if v.grad_fn is not None), None)
    run.velocities.append(_copies(velocities))


def _kind(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return t("check.sgd_velocities_shape.tensor", shape=list(value.shape))
    return type(value).__name__


# -- the rules a step may follow -----------------------------------------------------------------

#: One parameter's update: ``(w, ∇J, v before, settings) → (v after, w after)``.
Update = Callable[[torch.Tensor, torch.Tensor, torch.Tensor, SgdSettings], tuple[torch.Tensor, torch.Tensor]]


def _notes(w, g, v, s):
    v = s.momentum * v + g + s.weight_decay * w
    return v, w - s.lr * v


def _without_weight_decay(w, g, v, s):
    v = s.momentum * v + g
    return v, w - s.lr * v


def _weight_decay_after(w, g, v, s):
    v = s.momentum * v + g
    return v, w - s.lr * (v + s.weight_decay * w)


def _momentum_lost(w, g, v, s):
    v = g + s.weight_decay * w
    return v, w - s.lr * v


def _momentum_on_weights(w, g, v, s):
    v = s.momentum * w + g + s.weight_decay * w
    return v, w - s.lr * v


def _wrong_sign(w, g, v, s):
    v = s.momentum * v + g + s.weight_decay * w
    return v, w + s.lr * v


def _dampened(w, g, v, s):
    # The moving average of Adam's first moment: v ← μ·v + (1 − μ)·(∇J + λ·w).
    v = s.momentum * v + (1 - s.momentum) * (g + s.weight_decay * w)
    return v, w - s.lr * v


def _nesterov(w, g, v, s):
    # Nesterov's look-ahead: the step uses ∇J + λ·w + μ·v, not v.
    d = g + s.weight_decay * w
    v = s.momentum * v + d
    return v, w - s.lr * (d + s.momentum * v)


@dataclass(frozen=True)
class Rule:
    """An update a learner's step may follow instead of the notes': ``code`` names it."""

    code: str
    update: Update
    #: The settings it runs with, when they differ from the run's (a value hard-coded).
    settings: SgdSettings | None = None
    values: dict[str, str] = field(default_factory=dict)


#: The beginner's updates, tried in order; the closest to the learner's steps wins.
RULES: tuple[Rule, ...] = (
    Rule("sgd_no_weight_decay", _without_weight_decay),
    Rule("sgd_weight_decay_after", _weight_decay_after),
    Rule("sgd_momentum_lost", _momentum_lost),
    Rule("sgd_momentum_on_weights", _momentum_on_weights),
    Rule("sgd_wrong_sign", _wrong_sign),
    Rule("sgd_dampened", _dampened),
    Rule("sgd_nesterov", _nesterov),
)


def _hard_coded(settings: SgdSettings) -> list[Rule]:
    """The notes' rule with one argument replaced by the notes' value: a step that ignores it."""
    rules = []
    for name in ("lr", "momentum", "weight_decay"):
        given, usual = getattr(settings, name), getattr(NOTES, name)
        if given != usual:
            rules.append(Rule("sgd_argument_ignored", _notes, replace(settings, **{name: usual}),
                              {"name": name, "value": f"{given:g}", "default": f"{usual:g}"}))
    return rules


def rule_gap(run: SgdStepRun, update: Update, settings: SgdSettings) -> tuple[float, list[list[torch.Tensor]]]:
    """How far the learner's steps are from ``update``, replayed on the learner's own parameters
    and gradients (its velocity state carried from call to call): the largest gap over every
    parameter after every call, and the velocities ``update`` kept after each call."""
    worst, state, kept = 0.0, [torch.zeros_like(p) for p in run.params[0]], []
    for before, grads, after in zip(run.params, run.grads, run.params[1:]):
        moved = [update(w, g, v, settings) for w, g, v in zip(before, grads, state)]
        state = [v for v, _ in moved]
        kept.append(state)
        worst = max(worst, parameter_gap(after, [w for _, w in moved]))
    return worst, kept


def parameter_gap(found, expected) -> float:
    """The largest absolute difference between two lists of tensors, element by element (inf
    when it is not a number)."""
    gap = max((float((a.to(torch.float64) - b.to(torch.float64)).abs().max()) for a, b in zip(found, expected)),
              default=0.0)
    return gap if math.isfinite(gap) else math.inf


def _explained(run: SgdStepRun) -> tuple[str, dict[str, str]] | None:
    """The rule that explains the learner's steps far better than the notes' rule, or None."""
    notes, _ = rule_gap(run, _notes, run.settings)
    best = None
    for rule in (*RULES, *_hard_coded(run.settings)):
        gap, _ = rule_gap(run, rule.update, rule.settings or run.settings)
        if best is None or gap < best[0]:
            best = (gap, rule)
    if best is not None and best[0] * EXPLAINS <= notes:
        return best[1].code, best[1].values
    return None


# -- expectations --------------------------------------------------------------------------------


def expect_sgd_defaults(step: Callable[..., Any], defaults: SgdSettings = NOTES) -> None:
    """``step``'s own defaults for ``momentum`` and ``weight_decay`` are the notes' values."""
    try:
        parameters = inspect.signature(step).parameters
    except (TypeError, ValueError):
        return
    found = {name: parameters[name].default for name in ("momentum", "weight_decay") if name in parameters}
    wanted = {"momentum": defaults.momentum, "weight_decay": defaults.weight_decay}
    if all(isinstance(found.get(n), (int, float)) and found[n] == wanted[n] for n in wanted):
        return
    shown = ", ".join(f"{name}={_shown_default(parameters, name)}" for name in wanted)
    fail("sgd_defaults", found=shown, location=definition_location(step))


def _shown_default(parameters, name: str) -> str:
    if name not in parameters:
        return "—"
    default = parameters[name].default
    return t("check.sgd_defaults.none") if default is inspect.Parameter.empty else repr(default)


def expect_updates_in_place(run: SgdStepRun) -> None:
    """The model's own parameters changed with the first call: the update was made on them, in
    place, not on new tensors bound to a name (``w = w - lr * v``, ``parametros[i] = ...``)."""
    if parameter_gap(run.params[1], run.params[0]) > 0:
        return
    if run.rebound_at is None and not run.replaced:
        fail("sgd_params_unchanged", location=definition_location(run.step))
    fail("sgd_not_in_place", location=run.rebound_at or definition_location(run.step))


def expect_velocities_filled(run: SgdStepRun) -> None:
    """After the first call, ``velocidades`` holds one tensor per parameter, of its shape."""
    if run.velocities and run.velocities[0] is not None:
        return
    location = definition_location(run.step)
    if run.velocity_misfit is not None:
        index, found = run.velocity_misfit
        fail("sgd_velocities_shape", index=index, found=found, name=run.names[index],
             shape=list(run.params[0][index].shape), location=location)
    fail("sgd_velocities_not_filled", step=1, found=run.velocity_counts[0], expected=len(run.names),
         location=location)


def expect_sgd_steps(run: SgdStepRun, tolerance: float = STEP_TOLERANCE) -> None:
    """After every call, each parameter is within ``tolerance`` of where ``torch.optim.SGD`` with
    the same settings has it, from the same start. When not, the rule the steps follow instead
    names the mistake (:data:`RULES`)."""
    failure = _steps_failure(run, tolerance)
    if failure is not None:
        code, values = failure
        fail(code, location=definition_location(run.step), **values)


def _steps_failure(run: SgdStepRun, tolerance: float) -> tuple[str, dict[str, Any]] | None:
    """The diagnosis of steps that leave ``torch.optim.SGD``'s trajectory, or None."""
    gaps = [parameter_gap(found, expected) for found, expected in zip(run.params[1:], run.reference[1:])]
    if max(gaps, default=0.0) <= tolerance:
        return None
    first = next(index for index, gap in enumerate(gaps) if not gap <= tolerance)
    values = {"step": first + 1, "gap": f"{gaps[first]:.2g}", "tolerance": f"{tolerance:g}",
              "settings": run.settings.shown(), "lr": f"{run.settings.lr:g}",
              "momentum": f"{run.settings.momentum:g}", "weight_decay": f"{run.settings.weight_decay:g}"}
    explained = _explained(run)
    code, named = explained if explained is not None else ("sgd_steps", {})
    return code, {**values, **named}


def expect_velocities_kept(run: SgdStepRun, tolerance: float = VELOCITY_TOLERANCE) -> None:
    """After every call, ``velocidades`` holds the notes' v (``μ·v + ∇J + λ·w``, carried from the
    call before), replayed on the learner's own parameters and gradients. Velocities that are
    wrong because the steps follow another rule get that rule's diagnosis."""
    expect_velocities_filled(run)
    _, expected = rule_gap(run, _notes, run.settings)
    location = definition_location(run.step)
    for step, (found, wanted) in enumerate(zip(run.velocities, expected), start=1):
        if found is None:
            fail("sgd_velocities_not_filled", step=step, found=run.velocity_counts[step - 1],
                 expected=len(run.names), location=location)
        if velocity_gap(found, wanted) <= tolerance:
            continue
        if velocity_gap(found, [run.settings.lr * v for v in wanted]) <= tolerance:
            fail("sgd_velocities_scaled", lr=f"{run.settings.lr:g}", location=location)
        failure = _steps_failure(run, STEP_TOLERANCE)
        if failure is not None and failure[0] != "sgd_steps":
            fail(failure[0], location=location, **failure[1])
        index = max(range(len(found)), key=lambda i: parameter_gap([found[i]], [wanted[i]]))
        fail("sgd_velocities_wrong", step=step, index=index, gap=f"{parameter_gap([found[index]], [wanted[index]]):.2g}",
             location=location)


def velocity_gap(found, expected) -> float:
    """How far the velocities ``found`` are from ``expected``, relative to their size."""
    if len(found) != len(expected) or any(a.shape != b.shape for a, b in zip(found, expected)):
        return math.inf
    scale = 1.0 + max((float(b.abs().max()) for b in expected if b.numel()), default=0.0)
    return parameter_gap(found, expected) / scale


def expect_no_graph(run: SgdStepRun) -> None:
    """The calls left no autograd graph behind: no velocity holds one (it would link every step
    to the one before it, and the memory would grow with each call)."""
    if run.velocity_graph is not None:
        index, node = run.velocity_graph
        fail("sgd_velocity_graph", index=index, node=node, location=run.graph_at or definition_location(run.step))


# -- the notes' optimizer ------------------------------------------------------------------------


def expect_returned_optimizer(value: Any, factory: Callable[..., Any]) -> None:
    """What the learner's ``factory(modelo)`` returned is an optimizer."""
    if not isinstance(value, reference.Optimizer):
        fail("sgd_factory_returned", found=type(value).__name__, location=definition_location(factory))


def expect_notes_optimizer(monitor: TrainingMonitor, model: nn.Module, settings: SgdSettings = NOTES) -> None:
    """The loop stepped exactly ``torch.optim.SGD`` over all of ``model``'s parameters, with the
    notes' ``lr``, ``momentum`` and ``weight_decay``, and SGD's plain update (no dampening, no
    Nesterov, not maximizing)."""
    record = expect_optimizer(monitor, "SGD", model)
    wanted = {"lr": settings.lr, "momentum": settings.momentum, "weight_decay": settings.weight_decay,
              "dampening": 0, "nesterov": False, "maximize": False}
    groups = record.optimizer.param_groups
    for index, group in enumerate(groups, start=1):
        differs = [name for name, value in wanted.items() if not _same_setting(group.get(name, value), value)]
        if not differs:
            continue
        if {"dampening", "weight_decay"} <= set(differs) and _same_setting(group.get("dampening"), wanted["weight_decay"]):
            # SGD(params, lr, momentum, weight_decay) by position: the fourth is dampening.
            fail("sgd_factory_positional", found=_shown(group.get("dampening")), location=record.created_at)
        found = ", ".join(f"{n}={_shown(group.get(n))}" for n in differs)
        if len(groups) > 1:
            found += t("check.sgd_factory_settings.group", index=index, count=len(groups))
        fail("sgd_factory_settings", found=found, expected=", ".join(f"{n}={_shown(wanted[n])}" for n in differs),
             location=record.created_at)


def _same_setting(found: Any, wanted: Any) -> bool:
    if isinstance(wanted, bool) or not isinstance(found, (int, float)):
        return found is wanted or found == wanted
    return math.isclose(float(found), float(wanted), rel_tol=1e-9, abs_tol=1e-12)


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
