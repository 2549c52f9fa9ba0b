"""Gradient accumulation: one optimizer step from a batch cut in pieces (kata 09).

The learner's function runs under an :class:`AccumulationMonitor`, which records what the call
did to the watched model: the gradients each optimizer step found, the inputs of each forward
with gradients on, each backward pass through the model (and whether the gradients had been
cleared since the previous one), each ``zero_grad()`` and where. The checks then follow the
data: the gradients of the step are compared with the ones the test computes itself, piece by
piece, in float64; each wrong way of combining the pieces that learners write is a row of
:data:`COMBINATIONS`, and the row that matches names the mistake.

::

    execucao = checks.observe_accumulation(passo_acumulado, modelo, otimizador, criterio, X, y, partes,
                                           evidence="partes_iguais")
    checks.expect_accumulated_gradient(execucao)
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.optim.optimizer import register_optimizer_step_pre_hook

from katacheck.checks import reference
from katacheck.checks.failures import call_learner, fail
from katacheck.checks.locations import location_in_stack
from katacheck.checks.patching import call_after
from katacheck.checks.training import TrainingMonitor
from katacheck.result import Location

#: Largest gap between the gradients the step found (float32) and a combination of the pieces'
#: gradients recomputed here (float64), relative to the combination's largest entry. Measured
#: over 100 seeds of the kata's models: ≤ 2.1e-7 for the right combination, ≥ 0.026 for the
#: nearest wrong one (CALIBRATION.md of kata 09).
GRADIENT_TOLERANCE = 1e-4
#: Same, for the loss value a learner returns.
LOSS_TOLERANCE = 1e-4


@dataclass(frozen=True)
class Combination:
    """A way of combining the pieces' gradients: ``weights(sizes)`` gives each piece's weight;
    ``stale``: the gradients that were there before the call are added too."""

    code: str
    weights: Callable[[Sequence[int]], list[float]]
    stale: bool = False


def _share(sizes: Sequence[int]) -> list[float]:
    return [n / sum(sizes) for n in sizes]


def _last(weights: Callable[[Sequence[int]], list[float]]) -> Callable[[Sequence[int]], list[float]]:
    return lambda sizes: [0.0] * (len(sizes) - 1) + weights(sizes)[-1:]


#: The right combination first; then, in the order they are named, what learners write instead.
COMBINATIONS: tuple[Combination, ...] = (
    Combination("ok", _share),
    Combination("accumulation_stale", _share, stale=True),  # never zeroed before the pieces
    Combination("accumulation_unweighted", lambda sizes: [1.0] * len(sizes)),  # loss.backward() as is
    Combination("accumulation_equal_weights", lambda sizes: [1 / len(sizes)] * len(sizes)),  # loss / partes
    # zero_grad() inside the loop: only the last piece is left when step() comes
    Combination("accumulation_zeroed_inside", _last(_share)),
    Combination("accumulation_zeroed_inside", _last(lambda sizes: [1.0] * len(sizes))),
    Combination("accumulation_zeroed_inside", _last(lambda sizes: [1 / len(sizes)] * len(sizes))),
    # the right pieces, never zeroed, and unweighted or divided by the count: the stale part first
    Combination("accumulation_stale", lambda sizes: [1.0] * len(sizes), stale=True),
    Combination("accumulation_stale", lambda sizes: [1 / len(sizes)] * len(sizes), stale=True),
)


@dataclass
class AccumulationMonitor(TrainingMonitor):
    """A :class:`TrainingMonitor` that also records what gradient accumulation needs."""

    #: At each optimizer step: a clone of each watched parameter's gradient (None: no gradient).
    step_gradients: list[list[torch.Tensor | None]] = field(default_factory=list)
    step_locations: list[Location | None] = field(default_factory=list)
    #: The inputs of each forward of the watched model with gradients on, and its line.
    pieces: list[torch.Tensor] = field(default_factory=list)
    piece_locations: list[Location | None] = field(default_factory=list)
    #: The line of each backward pass that reached the watched model.
    passes: list[Location | None] = field(default_factory=list)
    #: The first backward pass that found the gradients of the previous one cleared.
    cleared_before: Location | None = None
    #: The lines of the ``zero_grad()`` calls made after the first backward pass.
    late_zero_grads: list[Location | None] = field(default_factory=list)
    _seen_pass: bool = False

    def _install(self, stack: contextlib.ExitStack) -> None:
        super()._install(stack)
        stack.callback(register_optimizer_step_pre_hook(self._on_gradients).remove)
        call_after(stack, reference.Optimizer, "zero_grad", self._on_zero_grad)
        call_after(stack, reference.Module, "zero_grad", self._on_zero_grad)
        if self.model is not None:
            stack.callback(self.model.register_forward_pre_hook(self._on_piece).remove)
            parameters = [p for p in self.model.parameters() if p.requires_grad]
            if parameters:
                # One hook on one parameter counts the passes; it runs before accumulation, so
                # it sees what the previous pass left in .grad.
                stack.callback(parameters[0].register_hook(self._pass_hook(parameters[0])).remove)

    def _on_gradients(self, optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        if self.model is None:
            return
        with torch.no_grad():
            self.step_gradients.append([None if p.grad is None else p.grad.detach().clone()
                                        for p in self.model.parameters()])
        self.step_locations.append(location_in_stack())

    def _on_zero_grad(self, owner: Any) -> None:
        if self._seen_pass:
            self.late_zero_grads.append(location_in_stack())

    def _on_piece(self, module: nn.Module, args: tuple) -> None:
        inputs = next((a for a in args if isinstance(a, torch.Tensor)), None)
        if inputs is not None and torch.is_grad_enabled():
            self.pieces.append(inputs.detach().clone())
            self.piece_locations.append(location_in_stack())

    def _pass_hook(self, parameter: torch.Tensor) -> Callable[[torch.Tensor], None]:
        def hook(incoming: torch.Tensor) -> None:
            location = location_in_stack()
            old = parameter.grad
            if self.passes and self.cleared_before is None and (old is None or not old.any()):
                self.cleared_before = location
            self.passes.append(location)
            self._seen_pass = True

        return hook


@dataclass
class AccumulationRun:
    """One call of the learner's accumulation function, observed, with what the test knows."""

    model: nn.Module
    monitor: AccumulationMonitor
    returned: object
    #: The batch the function received, and the sizes of its ``torch.tensor_split`` pieces.
    batch: torch.Tensor
    sizes: list[int]
    #: Each piece's gradient at the starting parameters (float64), and the full batch's.
    piece_gradients: list[list[torch.Tensor]]
    #: The gradients that were in ``.grad`` before the call (zeros where there were none).
    stale: list[torch.Tensor]
    #: The whole batch's loss, each piece's, and the whole batch's after the call (float64).
    loss_before: float
    piece_losses: list[float]
    loss_after: float
    #: Each piece's gradient with the loss of ``ignored_loss_fn`` (a loss written by hand in place
    #: of the criterion received), or None.
    ignored_gradients: list[list[torch.Tensor]] | None = None


def observe_accumulation(function: Callable, model: nn.Module, optimizer: torch.optim.Optimizer,
                         criterion: Callable, X: torch.Tensor, y: torch.Tensor, parts: int,
                         *, loss_fn: Callable = reference.mse_loss, evidence: str | None = None,
                         ignored_loss_fn: Callable | None = None) -> AccumulationRun:
    """Call ``function(model, optimizer, criterion, X, y, parts)`` under an
    :class:`AccumulationMonitor`, after computing each ``torch.tensor_split`` piece's gradient
    on a float64 copy of ``model`` (``loss_fn`` is what ``criterion`` computes). With
    ``evidence``, what the judge needs goes to it under that label. With ``ignored_loss_fn``
    (another loss than ``criterion``'s), a step made with it instead is named as such."""
    sizes = [len(piece) for piece in torch.tensor_split(X, parts)]
    stale = [torch.zeros_like(p, dtype=torch.float64) if p.grad is None else p.grad.detach().double()
             for p in model.parameters()]
    gradients, losses, loss_before = _piece_gradients(model, X, y, parts, loss_fn)
    ignored = None if ignored_loss_fn is None else _piece_gradients(model, X, y, parts, ignored_loss_fn)[0]
    with AccumulationMonitor(model=model) as monitor:
        returned = call_learner(function, model, optimizer, criterion, X, y, parts)
    loss_after = _loss(copy.deepcopy(model).double(), X, y, loss_fn)
    run = AccumulationRun(model, monitor, returned, X.detach().clone(), sizes, gradients, stale, loss_before, losses,
                          loss_after, ignored)
    if evidence is not None:
        _submit(evidence, run)
    return run


def _piece_gradients(model: nn.Module, X: torch.Tensor, y: torch.Tensor, parts: int, loss_fn: Callable):
    twin = copy.deepcopy(model).double()
    gradients, losses = [], []
    for inputs, targets in zip(torch.tensor_split(X.double(), parts), torch.tensor_split(y.double(), parts)):
        loss = loss_fn(twin(inputs), targets)
        gradients.append([g.detach() for g in torch.autograd.grad(loss, list(twin.parameters()))])
        losses.append(float(loss.detach()))
    return gradients, losses, _loss(twin, X, y, loss_fn)


def _loss(model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: Callable) -> float:
    with torch.no_grad():
        return float(loss_fn(model(X.double()), y.double()))


def _submit(label: str, run: AccumulationRun) -> None:
    from katacheck.checks.evidence import submit

    steps = run.monitor.steps
    submit(label, start=steps[0]["params"] if steps else None, final=[p.detach() for p in run.model.parameters()],
           steps=len(steps), sizes=[len(piece) for piece in run.monitor.pieces], passes=len(run.monitor.passes),
           loss=run.returned if isinstance(run.returned, (int, float)) and not isinstance(run.returned, bool) else None)


# -- expectations ---------------------------------------------------------------------------


def expect_pieces(run: AccumulationRun) -> None:
    """The model saw, with gradients on, exactly the pieces of ``torch.tensor_split(X, parts)``,
    in order, and each piece had its own backward pass."""
    monitor = run.monitor
    found = [len(piece) for piece in monitor.pieces]
    pieces = torch.tensor_split(run.batch, len(run.sizes))
    same = found == run.sizes and all(torch.equal(a, b) for a, b in zip(monitor.pieces, pieces))
    if not same and found == run.sizes:
        # The right sizes, other rows (X[i::partes], a shuffle): name the first piece that differs.
        index = next(i for i, (a, b) in enumerate(zip(monitor.pieces, pieces)) if not torch.equal(a, b))
        fail("accumulation_pieces_rows", parts=len(run.sizes), expected=_sizes(run.sizes), index=index + 1,
             location=monitor.piece_locations[index])
    if not same:
        location = monitor.piece_locations[0] if monitor.piece_locations else None
        fail("accumulation_pieces", parts=len(run.sizes), expected=_sizes(run.sizes),
             found=_sizes(found) if found else "—", location=location)
    if len(monitor.passes) == 1 and len(run.sizes) > 1:
        fail("accumulation_single_backward", parts=len(run.sizes), location=monitor.passes[0])
    if len(monitor.passes) != len(run.sizes):
        fail("accumulation_backwards", parts=len(run.sizes), found=len(monitor.passes),
             location=monitor.passes[-1] if monitor.passes else None)


def expect_single_step(run: AccumulationRun, optimizer: torch.optim.Optimizer) -> None:
    """``optimizer.step()`` ran exactly once, and it was the optimizer the function received."""
    monitor = run.monitor
    own = next((r for r in monitor.optimizers if r.optimizer is not optimizer and r.steps), None)
    if own is not None:
        fail("accumulation_own_optimizer", location=own.created_at)
    _expect_one_step(monitor)


def _expect_one_step(monitor: AccumulationMonitor) -> None:
    steps = len(monitor.step_locations)
    if steps != 1:
        fail("accumulation_step_count", found=steps, location=monitor.step_locations[1] if steps > 1 else None)


def expect_accumulated_gradient(run: AccumulationRun) -> None:
    """The one step's gradients are the whole batch's: each piece's loss weighted by its share
    of the batch, after the gradients from before were cleared. Otherwise the combination of the
    pieces that the step got is named (:data:`COMBINATIONS`)."""
    _expect_one_step(run.monitor)  # which step's gradients to judge, otherwise?
    found = run.monitor.step_gradients[0]
    if all(g is None or not g.any() for g in found):
        monitor = run.monitor
        if len(monitor.passes) == len(run.sizes) and not monitor.late_zero_grads and \
                all(g is not None for g in found) and any(any(g.any() for g in gs) for gs in run.piece_gradients):
            # Every piece had its backward(), nothing cleared them after, and still zero: each
            # loss was multiplied by 0 (len(X_parte) // len(X)).
            fail("accumulation_zero_weight", location=monitor.passes[0])
        fail("step_without_gradients", location=run.monitor.step_locations[0])
    found = [torch.zeros_like(s) if g is None else g.double() for g, s in zip(found, run.stale)]
    code = _combination(run, found)
    if code == "ok":
        return
    monitor = run.monitor
    first_pass = monitor.passes[0] if monitor.passes else None
    if code is None and run.ignored_gradients is not None:
        ignored = AccumulationRun(**{**run.__dict__, "piece_gradients": run.ignored_gradients})
        if _combination(ignored, found) is not None:
            # Some combination of the pieces, with another loss than the criterion received.
            location = monitor.piece_locations[0] if monitor.piece_locations else first_pass
            fail("accumulation_criterion_ignored", location=location)
    if code is None:
        expected = _combine(run, COMBINATIONS[0])
        fail("accumulation_gradient", gap=f"{_gap(found, expected):.3g}", location=first_pass)
    if code == "accumulation_zeroed_inside":
        location = monitor.late_zero_grads[0] if monitor.late_zero_grads else monitor.cleared_before
        fail(code, location=location)
    fail(code, parts=len(run.sizes), sizes=_sizes(run.sizes), location=first_pass)


def _combination(run: AccumulationRun, found: list[torch.Tensor]) -> str | None:
    has_stale = any(s.any() for s in run.stale)
    for combination in COMBINATIONS:
        if combination.stale and not has_stale:
            continue
        if _gap(found, _combine(run, combination)) <= GRADIENT_TOLERANCE:
            return combination.code
    return None


def _combine(run: AccumulationRun, combination: Combination) -> list[torch.Tensor]:
    weights = combination.weights(run.sizes)
    total = [s.clone() if combination.stale else torch.zeros_like(s) for s in run.stale]
    for weight, gradients in zip(weights, run.piece_gradients):
        for accumulated, gradient in zip(total, gradients):
            accumulated += weight * gradient
    return total


def _gap(found: Sequence[torch.Tensor], expected: Sequence[torch.Tensor]) -> float:
    scale = max(float(e.abs().max()) for e in expected) + 1e-12
    return max(float((f - e).abs().max()) for f, e in zip(found, expected)) / scale


def expect_accumulated_loss(run: AccumulationRun) -> float:
    """The function returned the whole batch's loss as a Python float, with the parameters
    before the step (the pieces' losses weighted by their shares)."""
    value = run.returned
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail("accumulation_loss_type", found=type(value).__name__)
    candidates = (
        ("accumulation_loss_unweighted", sum(run.piece_losses)),
        ("accumulation_loss_last_piece", run.piece_losses[-1]),
        ("accumulation_loss_after_step", run.loss_after),
    )
    if _close(value, run.loss_before):
        return float(value)
    code = next((code for code, candidate in candidates if _close(value, candidate)), "accumulation_loss_value")
    fail(code, found=f"{value:.6g}", expected=f"{run.loss_before:.6g}", parts=len(run.sizes))


def _close(value: float, expected: float) -> bool:
    return abs(value - expected) <= LOSS_TOLERANCE * max(1.0, abs(expected))


def _sizes(sizes: Sequence[int]) -> str:
    return ", ".join(map(str, sizes))
