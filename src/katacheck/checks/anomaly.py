"""Finding the learner's line for an in-place modification error.

``one of the variables needed for gradient computation has been modified by an inplace
operation`` is raised by ``backward()``, long after the forward line that caused it, and often
from the hidden test's own ``backward()`` call, where no line of the learner's file is on the
stack. The fix is to run the same code once more:

- under :func:`torch.autograd.detect_anomaly`, which records the forward traceback of every
  operation (``grad_fn.metadata["traceback_"]``) and reports the one whose saved tensor was
  modified (as a warning, which the code being run may silence);
- with a ``TorchFunctionMode`` that records every in-place operation made from the learner's
  file: the first one on a tensor with the shape and the origin quoted by the message is the
  modification (the *changed* line: ``h += 1``, ``relu_()``, ``inplace=True``), and the anomaly
  traceback of the tensor's ``grad_fn`` is where that tensor was computed (the *saved* line).

:func:`locate_inplace` does this for any callable and attaches the result to the exception;
:func:`~katacheck.checks.diagnose.diagnose` reads it back. :func:`katacheck.checks.call_learner`,
the learner import, and the child's test runner call it, so hidden tests get it for free.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from katacheck.checks.context import is_learner_file
from katacheck.checks.locations import location_in_stack
from katacheck.result import Location

#: The stable part of PyTorch's message.
INPLACE_MESSAGE = "modified by an inplace operation"

_DETAIL = re.compile(
    r"\[(?P<type>[\w.]+) \[(?P<shape>[\d, ]*)\]\]"
    r"(?:, which is output (?P<index>\d+) of (?P<op>\w+?)(?:Backward\d*)?)?, is at version"
)
_FORWARD_FRAME = re.compile(r'File "(?P<path>[^"]+)", line (?P<line>\d+)')
_ATTRIBUTE = "katacheck_inplace_trace"
#: Functions that modify their input when called with ``inplace=True`` (also positionally last).
_INPLACE_FLAG = frozenset({"relu", "relu6", "elu", "selu", "celu", "leaky_relu", "hardtanh",
                           "threshold", "dropout", "dropout1d", "dropout2d", "dropout3d",
                           "alpha_dropout", "rrelu", "silu", "mish", "hardswish", "hardsigmoid"})

_rerunning = False


@dataclass(frozen=True)
class InplaceTrace:
    """What the second run found: where the tensor autograd saved was computed (``saved``,
    from anomaly mode) and where an in-place operation modified it (``changed``)."""

    saved: Location | None
    changed: Location | None
    op: str | None = None
    shape: str | None = None


def is_inplace_error(exc: BaseException) -> bool:
    return isinstance(exc, RuntimeError) and INPLACE_MESSAGE in str(exc)


def trace_of(exc: BaseException) -> InplaceTrace | None:
    """The trace :func:`locate_inplace` attached to ``exc``, if any."""
    return getattr(exc, _ATTRIBUTE, None)


def locate_inplace(exc: BaseException, function: Callable[..., Any], /, *args: Any,
                   **kwargs: Any) -> InplaceTrace | None:
    """If ``exc`` is an in-place modification error raised by ``function(*args, **kwargs)``,
    call it again under anomaly detection, attach what was found to ``exc`` and return it.

    Any other exception is left alone (returns None). The second call repeats the learner's
    side effects (a model trained a few more steps, prints): it only happens when the first
    call already failed.
    """
    global _rerunning
    if not is_inplace_error(exc):
        return None
    if trace_of(exc) is not None or _rerunning:
        return trace_of(exc)
    detail = _DETAIL.search(str(exc))
    shape = detail["shape"] if detail else None
    op = detail["op"] if detail else None
    recorder = _InplaceRecorder()
    _rerunning = True
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                with torch.autograd.detect_anomaly(check_nan=False), recorder:
                    function(*args, **kwargs)
            except (Exception, SystemExit):  # noqa: BLE001, S110 - the error is expected again
                pass
    finally:
        _rerunning = False
    change = recorder.find(shape, op)
    trace = InplaceTrace(
        saved=(change.produced if change else None) or _forward_line(str(w.message) for w in caught),
        changed=change.location if change else None,
        op=op,
        shape=shape,
    )
    try:
        setattr(exc, _ATTRIBUTE, trace)
    except AttributeError:  # pragma: no cover - exceptions accept attributes
        return None
    return trace


def _forward_line(messages) -> Location | None:
    """The learner's innermost line in anomaly mode's "Traceback of forward call"."""
    for message in messages:
        if "Traceback of forward call" in message:
            found = _learner_line(message)
            if found is not None:
                return found
    return None


def _learner_line(stack: str) -> Location | None:
    """The learner's innermost line in a formatted stack (``File "...", line N``)."""
    found = None
    for frame in _FORWARD_FRAME.finditer(stack):
        if is_learner_file(frame["path"]):
            found = Location.at(frame["path"], int(frame["line"]))
    return found


@dataclass(frozen=True)
class _Change:
    location: Location
    shape: str
    origin: str | None  # the op that produced the tensor ("Relu"), None for a leaf
    produced: Location | None  # where that op ran (anomaly mode's traceback of the grad_fn)


class _InplaceRecorder(TorchFunctionMode):
    """Every in-place operation made from the learner's file on a tensor that autograd tracks."""

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[_Change] = []

    def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001
        kwargs = kwargs or {}
        target = args[0] if args and isinstance(args[0], torch.Tensor) else None
        if target is not None and target.requires_grad and _is_inplace(func, args, kwargs):
            where = location_in_stack()
            if where is not None:
                grad_fn = target.grad_fn
                origin = re.sub(r"Backward\d*$", "", type(grad_fn).__name__) if grad_fn else None
                shape = ", ".join(str(n) for n in target.shape)
                self.changes.append(_Change(where, shape, origin, _produced_at(grad_fn)))
        return func(*args, **kwargs)

    def find(self, shape: str | None, op: str | None) -> _Change | None:
        """The first change of a tensor with this shape and origin (``op`` None: a leaf)."""
        for change in self.changes:
            if (shape is None or change.shape == shape) and change.origin == op:
                return change
        return None


def _produced_at(grad_fn: Any) -> Location | None:
    try:
        stack = grad_fn.metadata.get("traceback_") if grad_fn is not None else None
    except (AttributeError, RuntimeError):
        return None
    if isinstance(stack, (list, tuple)):
        stack = "".join(str(line) for line in stack)
    return _learner_line(stack) if isinstance(stack, str) else None


def _is_inplace(func: Callable, args: tuple, kwargs: dict) -> bool:
    name = getattr(func, "__name__", "")
    if name == "__setitem__" or (name.endswith("_") and not name.startswith("_")):
        return True
    if name.startswith("__i") and name.endswith("__"):
        return True
    if name in _INPLACE_FLAG:
        return kwargs.get("inplace") is True or (len(args) > 1 and args[-1] is True)
    return False
