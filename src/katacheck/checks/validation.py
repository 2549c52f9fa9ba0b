"""Training and validation in one loop: the mode and the grad state of every forward (kata 10).

The learner's loop runs under a :class:`PhaseMonitor`, which tells the forwards of the watched
model apart by their data (the training inputs, the validation inputs, anything else) and
records, for each: which mode-dependent layers (Dropout, BatchNorm) were in training mode,
whether gradients were on, the learner's line, the model's state just before it (parameters and
buffers, for the judge), its output, and the masks its Dropout layers drew. The checks follow
that record in time order, so the first forward in the wrong state is the one named; the
classic bug, a ``model.eval()`` in the validation and never a ``model.train()`` again, is named
as such at the first training forward it spoils.

::

    execucao = checks.observe_phases(treinar_e_avaliar, modelo, X, y, X_val, y_val, epocas=8, lr=0.05,
                                     evidence="treino")
    checks.expect_phase_modes(execucao)
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.nn.modules.dropout import _DropoutNd

from katacheck.checks import reference
from katacheck.checks.failures import call_learner, fail
from katacheck.checks.locations import location_in_stack
from katacheck.checks.silent.detectors import _mode_dependent
from katacheck.checks.silent.monitor import DirectForward, watch_forward_calls
from katacheck.checks.training import TrainingMonitor
from katacheck.result import Location

#: Largest gap between a loss the learner reports (float32) and the one recomputed here from
#: the same forward's output (float64), relative to the loss: both come from one float32 output,
#: so only the mean's rounding differs (≤ 1.7e-7 over 100 seeds, CALIBRATION.md of kata 10).
LOSS_TOLERANCE = 1e-4

TRAIN, VALIDATION, OTHER = "treino", "validacao", "outro"
#: Mode-dependent layers that change the model itself when they run in training mode.
_STATISTICS_LAYERS = frozenset({"BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm", "InstanceNorm1d"})
#: The diagnosis codes of a returned history, by phase: not a list of floats, not one value
#: per epoch, a value that is not its epoch's loss.
HISTORY_CODES = {TRAIN: ("phases_train_list", "phases_train_length", "phases_train_value"),
                 VALIDATION: ("phases_validation_list", "phases_validation_length", "phases_validation_value")}


@dataclass
class PhaseForward:
    """One forward of the watched model, as the monitor saw it."""

    data: str  # TRAIN, VALIDATION or OTHER: whose inputs it got
    training: list[str]  # the mode-dependent layers in training mode ([]: evaluation mode)
    grad_enabled: bool
    location: Location | None
    state: dict[str, torch.Tensor]  # parameters and buffers just before it
    output: torch.Tensor | None = None
    masks: list[torch.Tensor] = field(default_factory=list)  # each Dropout's mask (0/1), in training mode
    #: While the validation inputs come in consecutive pieces (a loop over batches of X_val):
    #: the phase they belong to and how many of its rows came so far; None otherwise.
    pieces_of: tuple[str, int] | None = None


def training_layers(model: nn.Module) -> list[str]:
    """The classes of ``model``'s layers that compute differently in training mode and are in
    it now (the model itself when it has none of those and is in training mode)."""
    training = list(dict.fromkeys(type(layer).__name__ for layer in model.modules()
                                  if layer.training and _mode_dependent(layer)))
    if not training and model.training and not any(_mode_dependent(layer) for layer in model.modules()):
        training = [type(model).__name__]
    return training


def model_state(model: nn.Module) -> dict[str, torch.Tensor]:
    """A copy of ``model``'s parameters and buffers, by name."""
    with torch.no_grad():
        return {name: value.detach().clone() for name, value in model.state_dict().items()}


@dataclass
class PhaseMonitor(TrainingMonitor):
    """A :class:`TrainingMonitor` that records each forward's phase (see the module's docs).

    ``inputs`` maps each phase (:data:`TRAIN`, :data:`VALIDATION`) to the inputs it is known by.
    """

    inputs: dict[str, torch.Tensor] = field(default_factory=dict)
    calls: list[PhaseForward] = field(default_factory=list)
    direct_forwards: list[DirectForward] = field(default_factory=list)

    def _install(self, stack: contextlib.ExitStack) -> None:
        super()._install(stack)
        if self.model is None:
            return
        stack.callback(self.model.register_forward_pre_hook(self._on_call).remove)
        stack.callback(self.model.register_forward_hook(self._on_output).remove)
        for layer in self.model.modules():
            if isinstance(layer, _DropoutNd):
                stack.callback(layer.register_forward_hook(self._on_dropout).remove)
        watch_forward_calls(stack, self.model, lambda module, cls: self.direct_forwards.append(
            DirectForward(module, cls, location_in_stack())))

    _merging: bool = False

    def _on_call(self, module: nn.Module, args: tuple) -> None:
        inputs = next((a for a in args if isinstance(a, torch.Tensor)), None)
        call = PhaseForward(self._phase(inputs), training_layers(module), torch.is_grad_enabled(),
                            location_in_stack(), model_state(module))
        self._merging = False
        if call.data == OTHER and inputs is not None:
            self._pieces(call, inputs)
        if not self._merging:
            self.calls.append(call)

    def _pieces(self, call: PhaseForward, inputs: torch.Tensor) -> None:
        """The validation inputs in consecutive row pieces, the model unchanged between them: one
        forward of the whole validation set, recorded as such once its last row has come."""
        known = self.inputs.get(VALIDATION)
        if known is None or inputs.dim() != known.dim() or inputs.shape[1:] != known.shape[1:]:
            return
        last = self.calls[-1] if self.calls else None
        start = 0
        if last is not None and last.pieces_of is not None and last.pieces_of[0] == VALIDATION \
                and last.training == call.training and last.grad_enabled == call.grad_enabled \
                and _same_state(last.state, call.state):
            start = last.pieces_of[1]
        rows = len(inputs)
        if not 0 < rows <= len(known) - start or \
                not torch.equal(inputs.detach().to(known.device), known[start:start + rows]):
            return
        if start:
            self._merging = True
            last.pieces_of = (VALIDATION, start + rows)
            if start + rows == len(known):
                last.data, last.pieces_of = VALIDATION, None
        else:
            call.pieces_of = (VALIDATION, rows)

    def _on_output(self, module: nn.Module, args: tuple, output: Any) -> None:
        if self.calls and isinstance(output, torch.Tensor):
            last = self.calls[-1]
            if self._merging and last.output is not None:
                last.output = torch.cat([last.output, output.detach().clone()])
            else:
                last.output = output.detach().clone()

    def _on_dropout(self, layer: nn.Module, args: tuple, output: Any) -> None:
        inputs = next((a for a in args if isinstance(a, torch.Tensor)), None)
        if self.calls and layer.training and isinstance(output, torch.Tensor) and inputs is not None:
            with torch.no_grad():
                # Where the input is 0 the mask cannot be read, and does not matter: it multiplies 0.
                mask = ((output != 0) & (inputs != 0)).to(torch.float32)
                last = self.calls[-1]
                if self._merging and last.masks:
                    last.masks[-1] = torch.cat([last.masks[-1], mask])
                else:
                    last.masks.append(mask)

    def _phase(self, inputs: torch.Tensor | None) -> str:
        if inputs is None:
            return OTHER
        for phase, known in self.inputs.items():
            if inputs.shape == known.shape and torch.equal(inputs.detach().to(known.device), known):
                return phase
        return OTHER

    # -- what the record says -----------------------------------------------------------------

    def of(self, phase: str) -> list[PhaseForward]:
        return [call for call in self.calls if call.data == phase]


def _same_state(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(a[k].shape == b[k].shape and torch.equal(a[k], b[k]) for k in a)


@dataclass
class PhaseRun:
    """One call of the learner's train-and-validate function, observed."""

    model: nn.Module
    monitor: PhaseMonitor
    returned: object
    epochs: int
    y: torch.Tensor
    y_val: torch.Tensor


def observe_phases(function: Callable, model: nn.Module, X: torch.Tensor, y: torch.Tensor,
                   X_val: torch.Tensor, y_val: torch.Tensor, *, epocas: int, evidence: str | None = None,
                   **kwargs: Any) -> PhaseRun:
    """Call ``function(model, X, y, X_val, y_val, epocas=epocas, **kwargs)`` under a
    :class:`PhaseMonitor`; with ``evidence``, every forward's record and the histories go to
    the judge under that label."""
    with PhaseMonitor(model=model, inputs={TRAIN: X.detach().clone(), VALIDATION: X_val.detach().clone()}) as monitor:
        returned = call_learner(function, model, X, y, X_val, y_val, epocas=epocas, **kwargs)
    run = PhaseRun(model, monitor, returned, epocas, y.detach().clone(), y_val.detach().clone())
    if evidence is not None:
        from katacheck.checks.evidence import submit

        submit(evidence, calls=[_call_evidence(call) for call in monitor.calls], final=model_state(model),
               steps=len(monitor.steps), histories=_plain_histories(returned),
               optimizers=len(monitor.stepped_optimizers))
    return run


def _call_evidence(call: PhaseForward) -> dict[str, Any]:
    return {"data": call.data, "training": call.training, "grad": call.grad_enabled, "state": call.state,
            "masks": call.masks}


def _plain_histories(returned: object) -> Any:
    if not isinstance(returned, (tuple, list)):
        return None
    return [[v for v in history if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if isinstance(history, (list, tuple)) else None for history in returned]


# -- expectations ---------------------------------------------------------------------------


def expect_phase_modes(run: PhaseRun) -> None:
    """Every forward on the training inputs ran in training mode, and every forward on the
    validation inputs in evaluation mode without gradients, in time order: the first one in
    the wrong state is named. A training forward in evaluation mode after a validation is
    the classic bug: ``eval()`` once, and never ``train()`` again."""
    monitor = run.monitor
    if monitor.direct_forwards:
        call = monitor.direct_forwards[0]
        fail("forward_called_directly", module=call.module, cls=call.cls, location=call.location)
    if not monitor.of(TRAIN):
        fail("phases_no_training_forward")
    if not monitor.of(VALIDATION):
        _fail_no_validation(monitor)
    extra = next((c for c in monitor.calls if not c.grad_enabled and c.data != VALIDATION and c.pieces_of is None
                  and any(name in _STATISTICS_LAYERS for name in c.training)), None)
    if extra is not None:
        # A forward without gradients in training mode (a loss measured after the step, say):
        # the BatchNorm takes its statistics again, and the model that validates is another one.
        fail("phases_extra_train_forward", layers=", ".join(extra.training), location=extra.location)
    trained = validated = 0
    for call in monitor.calls:
        if call.data == TRAIN and call.grad_enabled:
            trained += 1
            if not call.training:
                code = "train_mode_not_restored" if validated else "training_in_eval_mode"
                fail(code, epoch=trained, location=call.location)
        elif call.data == VALIDATION:
            validated += 1
            if call.training:
                fail("validation_train_mode", layers=", ".join(call.training), location=call.location)
            if call.grad_enabled:
                fail("validation_grad_enabled", location=call.location)


def _fail_no_validation(monitor: PhaseMonitor) -> None:
    """No forward got X_val: the model was called without gradients on what, then?"""
    on_train = next((c for c in monitor.of(TRAIN) if not c.grad_enabled), None)
    if on_train is not None:
        fail("phases_validation_on_training_data", location=on_train.location)
    other = next((c for c in monitor.of(OTHER) if not c.grad_enabled), None)
    if other is not None:
        fail("phases_validation_other_data", location=other.location)
    fail("validation_no_forward")


def expect_one_step_per_epoch(run: PhaseRun) -> None:
    """One optimizer step per epoch, each after one training forward (with gradients on: an
    extra evaluation of the training data under ``no_grad`` is no training step), all by the
    one optimizer made before the loop."""
    steps, forwards = len(run.monitor.steps), len(_loss_forwards(run.monitor, TRAIN))
    if steps != run.epochs or forwards != run.epochs:
        fail("phases_steps", steps=steps, forwards=forwards, epochs=run.epochs)
    stepped = run.monitor.stepped_optimizers
    if len(stepped) > 1:
        fail("phases_optimizer_per_epoch", count=len(stepped), location=stepped[1].created_at)


def expect_phase_histories(run: PhaseRun) -> tuple[list[float], list[float]]:
    """The function returned ``(training losses, validation losses)``: for each epoch, the loss
    of its training forward and the loss of its validation forward, as floats."""
    returned = run.returned
    if not (isinstance(returned, (tuple, list)) and len(returned) == 2):
        fail("phases_histories_type", found=type(returned).__name__)
    histories = []
    for phase, history, targets in ((TRAIN, returned[0], run.y), (VALIDATION, returned[1], run.y_val)):
        not_a_list, length, wrong_value = HISTORY_CODES[phase]
        expected = [_mse(call.output, targets) for call in _loss_forwards(run.monitor, phase)]
        if phase == VALIDATION and not expected:
            _fail_no_validation(run.monitor)
        if len(expected) != run.epochs:
            fail("phases_steps", steps=len(run.monitor.steps), forwards=len(_loss_forwards(run.monitor, TRAIN)),
                 epochs=run.epochs)
        kinds = _kinds(history)
        if kinds is not None:
            fail(not_a_list, found=kinds)
        if len(history) != run.epochs:
            fail(length, found=len(history), expected=run.epochs)
        for epoch, (value, reference_value) in enumerate(zip(history, expected), start=1):
            if not _close(float(value), reference_value):
                fail(wrong_value, epoch=epoch, found=f"{value:.6g}", expected=f"{reference_value:.6g}")
        histories.append([float(value) for value in history])
    return histories[0], histories[1]


def _kinds(history: object) -> str | None:
    """None for a list (or tuple) of Python numbers; otherwise what it is, for the message."""
    if not isinstance(history, (list, tuple)):
        return type(history).__name__
    odd = sorted({type(v).__name__ for v in history if isinstance(v, bool) or not isinstance(v, (int, float))})
    return f"{type(history).__name__}[{', '.join(odd)}]" if odd else None


def _loss_forwards(monitor: PhaseMonitor, phase: str) -> list[PhaseForward]:
    # The training loss of an epoch is its forward with gradients on; extra evaluation
    # forwards on the training data (under no_grad) are not a training step.
    return [call for call in monitor.of(phase) if call.output is not None and (phase != TRAIN or call.grad_enabled)]


def _mse(output: torch.Tensor, targets: torch.Tensor) -> float:
    with torch.no_grad():
        return float(reference.mse_loss(output.double(), targets.to(output.device).double()))


def _close(value: float, expected: float) -> bool:
    return math.isfinite(value) and abs(value - expected) <= LOSS_TOLERANCE * max(1.0, abs(expected))


# -- the validation function alone ------------------------------------------------------------


@dataclass
class EvaluationRun:
    """One call of the learner's ``avaliar``, observed."""

    returned: object
    #: The eval-mode loss of the model on the data, as it was before the call (float64).
    expected: float
    calls: list[PhaseForward]
    #: The same with the MSE, when the criterion given was another one (None otherwise).
    mse: float | None = None


def observe_evaluation(avaliar: Callable, model: nn.Module, X: torch.Tensor, y: torch.Tensor,
                       criterion: Callable, *, evidence: str | None = None,
                       runner: Callable | None = None, loss_fn: Callable | None = None) -> EvaluationRun:
    """Call ``avaliar(model, X, y, criterion)`` (through ``runner(avaliar, model, X, y,
    criterion)`` when given: :func:`~katacheck.checks.expect_evaluation_mode` checks the mode
    as it calls) with the model in training mode, as a training epoch leaves it; with
    ``evidence``, the state before the call, each forward's mode and the value returned go to
    the judge. ``loss_fn`` is what ``criterion`` computes when it is not the MSE: an MSE
    written by hand in place of ``criterion`` is then named as such."""
    model.train()
    state = model_state(model)
    expected = _evaluation_loss(model, X, y, loss_fn or reference.mse_loss)
    mse = None if loss_fn is None else _evaluation_loss(model, X, y)
    with PhaseMonitor(model=model, inputs={VALIDATION: X.detach().clone()}) as monitor:
        returned = (runner or call_learner)(avaliar, model, X, y, criterion)
    if evidence is not None:
        from katacheck.checks.evidence import submit

        value = returned if isinstance(returned, (int, float)) and not isinstance(returned, bool) else None
        submit(evidence, state=state, calls=[_call_evidence(call) for call in monitor.calls], value=value)
    return EvaluationRun(returned, expected, monitor.calls, mse)


def _evaluation_loss(model: nn.Module, X: torch.Tensor, y: torch.Tensor,
                     loss_fn: Callable = reference.mse_loss) -> float:
    import copy

    twin = copy.deepcopy(model).double().eval()
    with torch.no_grad():
        return float(loss_fn(twin(X.double()), y.double()))


def expect_evaluation_loss(run: EvaluationRun) -> float:
    """``avaliar`` returned, as a float, the model's loss in evaluation mode on the data."""
    value = run.returned
    if isinstance(value, torch.Tensor):
        fail("evaluation_value_tensor")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail("evaluation_value_type", found=type(value).__name__)
    if not _close(float(value), run.expected):
        if run.mse is not None and _close(float(value), run.mse):
            fail("evaluation_criterion_ignored", found=f"{value:.6g}", expected=f"{run.expected:.6g}")
        fail("evaluation_value", found=f"{value:.6g}", expected=f"{run.expected:.6g}")
    return float(value)
