"""Finding the learner's own line: on the call stack, in a traceback, where a name is defined.

Every check that points at "your line" asks here. A line belongs to the learner when its file is
the learner's (:func:`katacheck.checks.context.is_learner_file`); frames of pytest, katacheck and
PyTorch are passed over.
"""

from __future__ import annotations

import inspect
import os
import sys
from types import FrameType, TracebackType

from katacheck.checks.context import is_learner_file
from katacheck.result import Location

#: The folder of the checks: a frame there is katacheck watching, never the code being watched.
CHECKS_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def location_in_stack() -> Location | None:
    """The innermost line of the learner's file on the current call stack."""
    frame = sys._getframe(1)
    while frame is not None:
        if is_learner_file(frame.f_code.co_filename):
            return Location.at(frame.f_code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return None


def location_in_traceback(tb: TracebackType | None) -> Location | None:
    """The last line of the learner's file in a traceback (the one closest to the error)."""
    found = None
    while tb is not None:
        if is_learner_file(tb.tb_frame.f_code.co_filename):
            found = Location.at(tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def learner_traceback(exc: BaseException) -> list[Location]:
    """The traceback of ``exc`` trimmed to the learner's own lines, outermost first.

    Frames of pytest, katacheck and PyTorch are dropped. When ``exc`` itself never passed
    through the learner's file, the exception it was raised from (``__cause__``) or while
    handling (``__context__``) is searched instead.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        lines = []
        tb = current.__traceback__
        while tb is not None:
            if is_learner_file(tb.tb_frame.f_code.co_filename):
                lines.append(Location.at(tb.tb_frame.f_code.co_filename, tb.tb_lineno))
            tb = tb.tb_next
        if lines:
            return lines
        current = current.__cause__ or current.__context__
    return []


def learner_location(exc: BaseException) -> Location | None:
    """The learner's line closest to where ``exc`` was raised (see :func:`learner_traceback`)."""
    lines = learner_traceback(exc)
    return lines[-1] if lines else None


def frames(exc: BaseException) -> list[FrameType]:
    """Every frame of ``exc``'s traceback, outermost first: the locals of PyTorch's own Python
    code (the ``nn.Linear`` that refused an input, the tensors a loss received) survive there
    and carry the values a diagnosis quotes."""
    found = []
    tb = exc.__traceback__
    while tb is not None:
        found.append(tb.tb_frame)
        tb = tb.tb_next
    return found


def definition_location(obj: object) -> Location | None:
    """Where a class or function of the learner's file is defined."""
    try:
        filename = inspect.getsourcefile(obj)  # type: ignore[arg-type]
        _, line = inspect.getsourcelines(obj)  # type: ignore[arg-type]
    except (TypeError, OSError):
        return None
    if filename is None or not is_learner_file(filename):
        return None
    return Location.at(filename, line)
