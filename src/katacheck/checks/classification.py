"""Checks on a classifier: trained with ``nn.CrossEntropyLoss`` on the raw logits and the integer
class labels, and predicting class indices.

:func:`observe_classifier_training` runs the learner's training under a
:class:`~katacheck.checks.SilentBugMonitor` (which already tells a softmax before the loss) and a
``TorchFunctionMode`` that records what every loss function received: which loss, the scores'
shape, the targets' shape and dtype, the learner's line. From that record the checks name the
mistakes a loss of its own would hide: a regression loss (MSE) on the classes, labels turned
into one-hot rows or into floats, even when PyTorch raises for them (the record is read before the
error goes on to the automatic diagnosis).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from katacheck.checks.failures import KataFailure, call_learner, fail
from katacheck.checks.locations import definition_location, location_in_stack
from katacheck.checks.loss import dataset_loss
from katacheck.checks.silent.monitor import SilentBugMonitor
from katacheck.checks.training import TrainingRun, finish_run
from katacheck.result import Location

#: Captured before any learner code runs: the loss the checks measure with is torch's own.
cross_entropy = nn.functional.cross_entropy
#: Regression losses: they compare numbers, not classes.
REGRESSION_LOSSES = {"mse_loss": "nn.MSELoss", "l1_loss": "nn.L1Loss", "smooth_l1_loss": "nn.SmoothL1Loss",
                     "huber_loss": "nn.HuberLoss"}
#: Every loss whose arguments the record keeps.
WATCHED_LOSSES = frozenset({"cross_entropy", "nll_loss", "binary_cross_entropy",
                            "binary_cross_entropy_with_logits", *REGRESSION_LOSSES})
_MAX_CALLS = 10_000


@dataclass(frozen=True)
class LossCall:
    """What one call of a loss function received."""

    function: str
    scores: tuple[int, ...]
    target: tuple[int, ...]
    target_dtype: str
    location: Location | None
    #: The cross-entropy's options that are not the defaults, as written (``label_smoothing=0.1``).
    options: tuple[str, ...] = ()

    @property
    def float_target(self) -> bool:
        return self.target_dtype.startswith(("float", "bfloat", "half", "double"))


class _LossRecorder(TorchFunctionMode):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[LossCall] = []

    def __torch_function__(self, func: Callable, types, args=(), kwargs=None):  # noqa: ANN001
        kwargs = kwargs or {}
        name = getattr(func, "__name__", "")
        if name in WATCHED_LOSSES and len(self.calls) < _MAX_CALLS:
            scores = args[0] if args else kwargs.get("input")
            target = args[1] if len(args) > 1 else kwargs.get("target")
            if isinstance(scores, torch.Tensor) and isinstance(target, torch.Tensor):
                self.calls.append(LossCall(name, tuple(scores.shape), tuple(target.shape),
                                           str(target.dtype).removeprefix("torch."), location_in_stack(),
                                           _options(name, kwargs)))
        return func(*args, **kwargs)


def _options(function: str, kwargs: dict) -> tuple[str, ...]:
    """The options of a ``cross_entropy`` call (``nn.CrossEntropyLoss(...)`` passes them all by
    name) that change what it computes: class weights, a sum instead of the mean, smoothing."""
    if function != "cross_entropy":
        return ()
    found = []
    if kwargs.get("weight") is not None:
        found.append("weight=...")
    if kwargs.get("reduction", "mean") != "mean":
        found.append(f"reduction={kwargs['reduction']!r}")
    smoothing = kwargs.get("label_smoothing", 0.0)
    if isinstance(smoothing, (int, float)) and smoothing != 0:
        found.append(f"label_smoothing={smoothing!r}")
    return tuple(found)


@dataclass
class ClassifierRun:
    """A learner's training of a classifier, observed: the run and what each loss received."""

    run: TrainingRun
    loss_calls: list[LossCall] = field(default_factory=list)

    @property
    def monitor(self) -> SilentBugMonitor:
        return self.run.monitor  # type: ignore[return-value]

    @property
    def model(self) -> nn.Module:
        return self.run.model


def observe_classifier_training(train: Callable, model: nn.Module, X: torch.Tensor, labels: torch.Tensor,
                                *args: Any, evidence: str | None = None, **kwargs: Any) -> ClassifierRun:
    """Call ``train(model, X, labels, *args, **kwargs)`` under a :class:`SilentBugMonitor` and a
    record of every loss call; the cross-entropy over the whole data set is measured before and
    after (with ``evidence``, the trajectory goes to the judge under that label). A training that
    raises for a wrong loss or wrong labels fails with that cause named, at the learner's line."""
    before = dataset_loss(model, X, labels, loss_fn=cross_entropy)
    recorder = _LossRecorder()
    try:
        with warnings.catch_warnings():
            # A regression loss on the classes also warns that its shapes broadcast, and that
            # warning's fix (squeeze / unsqueeze) would be wrong here: the loss itself is named.
            warnings.filterwarnings("ignore", message="Using a target size", category=UserWarning)
            with SilentBugMonitor(model=model) as monitor, recorder:
                history = call_learner(train, model, X, labels, *args, **kwargs)
    except KataFailure:
        raise
    except Exception:
        if recorder.calls:
            _judge_call(recorder.calls[-1], labels)
        raise
    run = finish_run(model, monitor, history, before, dataset_loss(model, X, labels, loss_fn=cross_entropy), evidence)
    return ClassifierRun(run, recorder.calls)


def expect_class_index_targets(observed: ClassifierRun, labels: torch.Tensor) -> None:
    """The training's loss is the cross-entropy, and it received the class labels as they came
    (int64 ``[N]``): not a regression loss on the classes, not one-hot rows, not floats."""
    calls = observed.loss_calls
    entropy = [call for call in calls if call.function == "cross_entropy"]
    if not entropy:
        regression = next((call for call in calls if call.function in REGRESSION_LOSSES), None)
        if regression is not None:
            _judge_call(regression, labels)
        return  # no loss at all, or another one: expect_logits_to_cross_entropy says so
    for call in entropy:
        _judge_call(call, labels)


def _judge_call(call: LossCall, labels: torch.Tensor) -> None:
    """Fail when ``call`` is a regression loss, or a cross-entropy on labels changed from ``labels``."""
    line = call.location.line if call.location else "?"
    given = {"labels": list(labels.shape), "target": list(call.target), "dtype": call.target_dtype,
             "loss_line": line, "location": call.location}
    if call.function in REGRESSION_LOSSES:
        fail("mse_on_classes", function=call.function, cls=REGRESSION_LOSSES[call.function], **given)
    if call.function != "cross_entropy":
        return
    if len(call.target) == 2 and call.target == call.scores:
        fail("cross_entropy_one_hot", **given)
    if call.float_target:
        fail("cross_entropy_float_labels", **given)
    if call.options:
        fail("cross_entropy_options", options=", ".join(call.options), location=call.location)


# -- what a classifier predicts -------------------------------------------------------------------


def predicted_classes(model: nn.Module, X: torch.Tensor) -> torch.Tensor:
    """The class of highest score for each row of ``X``, in evaluation mode and without gradients
    (the model's mode is restored afterwards)."""
    training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return model(X).argmax(dim=1)
    finally:
        model.train(training)


def accuracy(model: nn.Module, X: torch.Tensor, labels: torch.Tensor) -> float:
    """The fraction of the rows of ``X`` whose :func:`predicted_classes` is their label."""
    return float((predicted_classes(model, X) == labels).double().mean())


def expect_accuracy(found: float, *, min_accuracy: float, points: int) -> None:
    """``found`` (an accuracy on ``points`` held-out points) is at least ``min_accuracy``."""
    if not found >= min_accuracy:
        fail("accuracy_low", accuracy=f"{found:.0%}", limit=f"{min_accuracy:.0%}", points=points)


def expect_class_predictions(predictions: object, model: nn.Module, X: torch.Tensor,
                             function: Callable | None = None) -> torch.Tensor:
    """What a learner's ``prever(model, X)`` returned is a tensor of class indices: int64, one per
    row of ``X`` (shape ``[N]``), equal to the class of highest score in evaluation mode."""
    where = definition_location(function) if function is not None else None
    if not isinstance(predictions, torch.Tensor):
        pair = isinstance(predictions, tuple) and len(predictions) == 2
        fail("predictions_pair" if pair else "predictions_type", found=type(predictions).__name__, location=where)
    expected_shape = [X.shape[0]]
    if list(predictions.shape) != expected_shape:
        fail("predictions_shape", found=list(predictions.shape), expected=expected_shape, location=where)
    if predictions.dtype != torch.int64:
        fail("predictions_dtype", found=str(predictions.dtype).removeprefix("torch."), location=where)
    expected = predicted_classes(model, X)
    wrong = int((predictions.detach().cpu() != expected.cpu()).sum())
    if wrong:
        fail("predictions_wrong", wrong=wrong, points=X.shape[0], location=where)
    return predictions
