"""Watching a learner's training loop from the inside, through hooks.

``TrainingMonitor`` is a context manager around a call to the learner's training function.
It records, without the learner's code knowing:

- every optimizer created (its class and the learner's line that built it) and every step;
- stale gradients: a gradient still holding a previous step's value when a new backward pass
  adds to it (a leaf parameter's tensor hook runs *before* accumulation, so it sees the old
  ``.grad``), parameter by parameter: which ones kept their old gradient and which were
  cleared. Zeroing anywhere in the loop, ``set_to_none=False``, ``model.zero_grad()`` and
  gradient accumulation (several backwards per step) all pass;
- whether each step had gradients at all, and whether they were finite;
- the devices of the watched model's parameters and inputs at each forward call;
- the value of every scalar ``backward()`` (the learner's loss, step by step: the loss curve).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import torch
from torch import nn
from torch.optim.optimizer import register_optimizer_step_pre_hook

from katacheck.checks import reference
from katacheck.checks.failures import call_learner, fail
from katacheck.checks.locations import location_in_stack
from katacheck.checks.loss import dataset_loss
from katacheck.checks.patching import call_after, wrap
from katacheck.result import Location

_Monitor = TypeVar("_Monitor", bound="TrainingMonitor")


@dataclass
class OptimizerRecord:
    optimizer: torch.optim.Optimizer
    created_at: Location | None
    steps: int = 0
    #: Created before the monitor started watching (first seen at a step): by the tests, or kept
    #: by the learner's code from an earlier call (a global, a default argument).
    created_before: bool = False


def optimizer_parameters(optimizer: torch.optim.Optimizer) -> list[torch.Tensor]:
    """Every parameter ``optimizer`` updates, all its parameter groups together."""
    return [p for group in optimizer.param_groups for p in group["params"]]


@dataclass
class ForwardRecord:
    parameter_devices: set[str]
    input_devices: set[str]
    location: Location | None


@dataclass
class TrainingMonitor:
    """Records what a training loop does; the ``expect_*`` functions judge the record.

    Entering it installs hooks and patches (:meth:`_install`); leaving it undoes them all.
    """

    model: nn.Module | None = None
    optimizers: list[OptimizerRecord] = field(default_factory=list)
    stale_gradient_at: Location | None = None
    #: Per stepped parameter (by ``id``), in the order first seen: whether its gradient was ever
    #: stale at the first backward after a step (True), or always found cleared (False).
    stale_by_parameter: dict[int, bool] = field(default_factory=dict)
    empty_step_at: Location | None = None
    non_finite_step_at: Location | None = None
    #: A parameter of the watched model that reached a step with no (or an all-zero) gradient.
    param_without_grad: str | None = None
    forwards: list[ForwardRecord] = field(default_factory=list)
    #: The loss at each ``backward()`` of a scalar, in order.
    losses: list[float] = field(default_factory=list)
    #: Before each optimizer step: the watched model's parameters and who stepped (the judge's
    #: evidence, :func:`katacheck.checks.evidence.trajectory`).
    steps: list[dict[str, Any]] = field(default_factory=list)
    _stepped: dict[int, bool] = field(default_factory=dict)
    #: How to undo every hook and patch, in reverse order (see :mod:`katacheck.checks.patching`).
    _undo: contextlib.ExitStack = field(default_factory=contextlib.ExitStack, repr=False)

    def __deepcopy__(self, memo: dict) -> TrainingMonitor:
        # Its hooks live on the model: a learner's copy.deepcopy(modelo) must not copy the monitor.
        return self

    def __enter__(self: _Monitor) -> _Monitor:
        with contextlib.ExitStack() as stack:
            self._install(stack)
            self._undo = stack.pop_all()  # installed in full: undone on exit (else right here)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._undo.close()

    def _install(self, stack: contextlib.ExitStack) -> None:
        """Put every hook and patch in place, each with its undoing on ``stack``. Subclasses
        that watch more extend it."""
        stack.callback(register_optimizer_step_pre_hook(self._on_step).remove)
        call_after(stack, reference.Optimizer, "__init__", self._on_optimizer_created)
        wrap(stack, torch.Tensor, "backward", _reporting_backward(self._on_backward))
        if self.model is not None:
            stack.callback(self.model.register_forward_pre_hook(self._on_forward).remove)

    # -- hooks --------------------------------------------------------------------------------

    def _on_optimizer_created(self, optimizer: torch.optim.Optimizer) -> None:
        self.optimizers.append(OptimizerRecord(optimizer, location_in_stack()))

    def _on_backward(self, loss: torch.Tensor) -> None:
        if loss.numel() == 1:
            with torch.no_grad():
                self.losses.append(float(loss.detach().float().cpu()))

    def _on_step(self, optimizer: torch.optim.Optimizer, args: Any, kwargs: Any) -> None:
        record = self._record_for(optimizer)
        record.steps += 1
        self._note_step(optimizer, record)
        parameters = optimizer_parameters(optimizer)
        grads = [p.grad for p in parameters]
        if all(g is None or not g.any() for g in grads):
            self.empty_step_at = self.empty_step_at or location_in_stack()
        elif not all(torch.isfinite(g).all() for g in grads if g is not None):
            self.non_finite_step_at = self.non_finite_step_at or location_in_stack()
        self._note_params_without_grad()
        for parameter in parameters:
            if id(parameter) not in self._stepped:
                self._undo.callback(parameter.register_hook(self._stale_hook(parameter)).remove)
            self._stepped[id(parameter)] = True

    def _note_step(self, optimizer: torch.optim.Optimizer, record: OptimizerRecord) -> None:
        if self.model is None:
            return
        covered = {id(p) for p in optimizer_parameters(optimizer)}
        group = optimizer.param_groups[0] if optimizer.param_groups else {}
        self.steps.append({
            "params": [p.detach().clone() for p in self.model.parameters()],
            "optimizer": type(optimizer).__name__,
            "instance": self.optimizers.index(record),
            "settings": {key: value for key, value in group.items()
                         if key != "params" and isinstance(value, (bool, int, float, str, tuple, type(None)))},
            "covers": [name for name, p in self.model.named_parameters() if id(p) in covered],
        })

    def _note_params_without_grad(self) -> None:
        if self.model is None or self.param_without_grad is not None:
            return
        for name, parameter in self.model.named_parameters():
            if parameter.grad is None or not parameter.grad.any():
                self.param_without_grad = name
                return

    def _stale_hook(self, parameter: torch.Tensor):
        def hook(incoming: torch.Tensor) -> None:
            # The first backward after a step must find the gradient zeroed (or None);
            # later backwards before the next step are deliberate accumulation.
            if self._stepped.get(id(parameter)):
                self._stepped[id(parameter)] = False
                old = parameter.grad
                stale = old is not None and bool(old.any())
                self.stale_by_parameter[id(parameter)] = self.stale_by_parameter.get(id(parameter), False) or stale
                if stale and self.stale_gradient_at is None:
                    self.stale_gradient_at = location_in_stack()

        return hook

    def _on_forward(self, module: nn.Module, args: tuple) -> None:
        self.forwards.append(ForwardRecord(
            parameter_devices={str(p.device) for p in module.parameters()},
            input_devices={str(a.device) for a in args if isinstance(a, torch.Tensor)},
            location=location_in_stack(),
        ))

    def _record_for(self, optimizer: torch.optim.Optimizer) -> OptimizerRecord:
        for record in self.optimizers:
            if record.optimizer is optimizer:
                return record
        record = OptimizerRecord(optimizer, None, created_before=True)
        self.optimizers.append(record)
        return record

    # -- what the record says -----------------------------------------------------------------

    @property
    def stepped_optimizers(self) -> list[OptimizerRecord]:
        return [record for record in self.optimizers if record.steps]

    def stale_parameters(self) -> tuple[list[str], list[str]]:
        """``(stale, cleared)``: the names of the stepped parameters whose gradient was stale at
        some backward, and of those whose gradient was always cleared before it. Names are the
        watched model's (``named_parameters()``: ``linear.bias``); a parameter outside it is
        named by its shape."""
        names = {id(p): name for name, p in self.model.named_parameters()} if self.model is not None else {}
        shapes = {id(p): p for record in self.optimizers for p in optimizer_parameters(record.optimizer)}
        stale, cleared = [], []
        for key, was_stale in self.stale_by_parameter.items():
            name = names.get(key)
            if name is None:
                parameter = shapes.get(key)
                name = str(list(parameter.shape)) if parameter is not None else "?"
            (stale if was_stale else cleared).append(name)
        return stale, cleared


def _reporting_backward(callback: Callable[[torch.Tensor], None]):
    """A wrapper of ``Tensor.backward`` that shows each tensor to ``callback`` first (the loss
    curve comes from here)."""

    def wrapper(original):
        inside = False

        def backward(self, *args, **kwargs):
            # A tensor subclass (the simulated GPU) re-enters backward once more for the same call.
            nonlocal inside
            if inside:
                return original(self, *args, **kwargs)
            inside = True
            try:
                callback(self)
                return original(self, *args, **kwargs)
            finally:
                inside = False

        return backward

    return wrapper


# -- expectations ---------------------------------------------------------------------------


def expect_optimizer(monitor: TrainingMonitor, expected: str, model: nn.Module,
                     *, lr: float | None = None) -> OptimizerRecord:
    """The loop stepped exactly ``torch.optim.<expected>`` over all of the model's parameters.

    The class is compared with ``is`` against the class captured before the learner's code
    ran: ``AdamW`` subclasses ``Adam`` and must not pass for it.
    """
    expected_cls = reference.OPTIMIZERS[expected]
    stepped = monitor.stepped_optimizers
    if not stepped:
        if monitor.optimizers:
            fail("optimizer_never_stepped", location=monitor.optimizers[0].created_at)
        fail("optimizer_missing", expected=expected)
    record = max(stepped, key=lambda r: r.steps)
    found = type(record.optimizer)
    if found is not expected_cls:
        fail("optimizer_wrong_class", found=found.__name__, expected=expected, location=record.created_at)
    covered = {id(p) for p in optimizer_parameters(record.optimizer)}
    missing = [name for name, p in model.named_parameters() if p.requires_grad and id(p) not in covered]
    if missing and record.created_before:
        # Not made in this call: kept from an earlier one, over an earlier model's parameters.
        fail("optimizer_from_earlier_call", count=len(missing), names=", ".join(missing))
    if missing and _a_copy_of(optimizer_parameters(record.optimizer), model):
        fail("optimizer_on_copy", location=record.created_at)
    if missing:
        fail("optimizer_missing_params", count=len(missing), names=", ".join(missing), location=record.created_at)
    if lr is not None:
        used = record.optimizer.param_groups[0]["lr"]
        if abs(used - lr) > 1e-12:
            fail("optimizer_lr", found=used, expected=lr, location=record.created_at)
    return record


def _a_copy_of(parameters: list[torch.Tensor], model: nn.Module) -> bool:
    """``parameters`` have the shapes of all of ``model``'s, in order, and not one of them is
    the model's: the optimizer trains a copy (``copy.deepcopy(modelo)``, a new model)."""
    own = list(model.parameters())
    mine = {id(p) for p in own}
    return (len(parameters) == len(own) > 0 and not any(id(p) in mine for p in parameters)
            and [tuple(p.shape) for p in parameters] == [tuple(p.shape) for p in own])


def expect_clean_gradients(monitor: TrainingMonitor) -> None:
    """No stale gradients reached a step, and every step had finite gradients.

    When only some parameters kept an old gradient (the others were cleared before each
    backward), the diagnosis names the ones left (``stale_gradients_partial``).
    """
    if monitor.stale_gradient_at is not None:
        stale, cleared = monitor.stale_parameters()
        if stale and cleared:
            fail("stale_gradients_partial", count=len(stale), names=_quoted(stale), cleared=_quoted(cleared),
                 location=monitor.stale_gradient_at)
        fail("stale_gradients", location=monitor.stale_gradient_at)
    if monitor.empty_step_at is not None:
        fail("step_without_gradients", location=monitor.empty_step_at)
    if monitor.non_finite_step_at is not None:
        fail("step_non_finite", location=monitor.non_finite_step_at)
    if monitor.param_without_grad is not None:
        fail("grad_missing_at_step", param=monitor.param_without_grad)


def expect_constant_lr(monitor: TrainingMonitor) -> None:
    """The learning rate the optimizer stepped with never changed during the run (as each step
    recorded it): a scheduler (``lr_scheduler.StepLR``) or a write to ``param_groups`` is named
    by the step where the rate changed, instead of a step that "does not move as the optimizer
    moves" (the judge replays the rate the run started with) or a final rate that "is not the one
    received"."""
    if not monitor.steps:
        return
    instance = monitor.steps[0].get("instance")
    first = monitor.steps[0].get("settings", {}).get("lr")
    for index, step in enumerate(monitor.steps[1:], start=2):
        found = step.get("settings", {}).get("lr")
        if step.get("instance") == instance and isinstance(first, (int, float)) and found != first:
            fail("lr_changed", step=index, first=f"{first:g}", found=_number(found))


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def expect_full_batch_steps(history: object, monitor: TrainingMonitor, epochs: int) -> None:
    """A history of ``epochs`` values came from ``epochs`` optimizer steps: the course loop's
    one step per epoch on the whole dataset. Mini-batches inside each epoch (a loss per epoch
    averaged over them) are named here, before the history's first value is compared with the
    whole dataset's loss, which would only say it "does not match". A history of another
    length is :func:`~katacheck.checks.expect_loss_history`'s to name (``range(epocas)``)."""
    if not isinstance(history, (list, tuple)) or len(history) != epochs:
        return
    steps = sum(record.steps for record in monitor.stepped_optimizers)
    if steps and steps != epochs:
        fail("steps_per_epoch", steps=steps, epochs=epochs)


def _quoted(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


@dataclass
class TrainingRun:
    """One call of a learner's training function, observed: see :func:`run_training`."""

    model: nn.Module
    monitor: TrainingMonitor
    history: object
    loss_before: float
    loss_after: float


def run_training(train: Any, model: nn.Module, X: torch.Tensor, y: torch.Tensor,
                 *args: Any, evidence: str | None = None, **kwargs: Any) -> TrainingRun:
    """Call ``train(model, X, y, *args, **kwargs)`` under a :class:`TrainingMonitor`,
    measuring the whole dataset's loss before and after; with ``evidence``, the run's
    trajectory goes to the judge under that label."""
    before = dataset_loss(model, X, y)
    data = snapshot(X, y)
    with TrainingMonitor(model=model) as monitor:
        history = call_learner(train, model, X, y, *args, **kwargs)
    expect_data_untouched(data, X, y)
    return finish_run(model, monitor, history, before, dataset_loss(model, X, y), evidence)


def snapshot(X: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Copies of the data a training function is given, to see afterwards whether it changed them."""
    return X.detach().clone(), y.detach().clone()


def expect_data_untouched(data: tuple[torch.Tensor, torch.Tensor], X: torch.Tensor, y: torch.Tensor) -> None:
    """The training function left the caller's ``X`` and ``y`` as they were: one that normalises
    them in place (``X.sub_(...)``, ``X -= ...``) trains on other data than the kata's, and every
    later check would only see the consequences (a first loss that "does not match")."""
    for name, original, now in (("X", data[0], X), ("y", data[1], y)):
        if now.shape != original.shape or not torch.equal(now.detach().to(original.device), original):
            fail("data_changed_in_place", name=name)


def finish_run(model: nn.Module, monitor: TrainingMonitor, history: object, before: float, after: float,
               evidence: str | None) -> TrainingRun:
    """The :class:`TrainingRun`, after its trajectory went to the judge (with ``evidence``)."""
    if evidence is not None:
        from katacheck.checks.evidence import trajectory

        trajectory(evidence, model, monitor.steps)
    return TrainingRun(model, monitor, history, before, after)
