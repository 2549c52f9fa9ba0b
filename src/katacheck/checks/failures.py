"""``KataFailure`` and the helpers that find the learner's own line."""

from __future__ import annotations

import inspect
import linecache
import sys
from types import FrameType, TracebackType
from typing import NoReturn

from katacheck.checks.context import is_learner_file
from katacheck.i18n import has, t
from katacheck.result import Diagnosis, Location


class KataFailure(AssertionError):
    """A check failed. Carries the :class:`Diagnosis` the learner sees."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        super().__init__(diagnosis.message)
        self.diagnosis = diagnosis


def fail(code: str, /, *, location: Location | None = None, **params: object) -> NoReturn:
    """Fail the current check with catalog message ``check.<code>`` (and its hint, if any).

    Without an explicit ``location``, the innermost line of the learner's file on the current
    stack is used, when there is one.
    """
    key = f"check.{code}"
    hint = t(f"{key}.hint", **params) if has(f"{key}.hint") else None
    raise KataFailure(
        Diagnosis(
            message=t(key, **params),
            hint=hint,
            location=location or location_in_stack(),
            code=code,
        )
    )


def _location(filename: str, line: int) -> Location:
    source = linecache.getline(filename, line).strip()
    return Location(path=filename, line=line, source=source)


def location_in_traceback(tb: TracebackType | None) -> Location | None:
    """The last line of the learner's file in a traceback (the one closest to the error)."""
    found = None
    while tb is not None:
        if is_learner_file(tb.tb_frame.f_code.co_filename):
            found = _location(tb.tb_frame.f_code.co_filename, tb.tb_lineno)
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
                lines.append(_location(tb.tb_frame.f_code.co_filename, tb.tb_lineno))
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


def location_in_stack() -> Location | None:
    """The innermost line of the learner's file on the current call stack."""
    frame = sys._getframe(1)
    while frame is not None:
        if is_learner_file(frame.f_code.co_filename):
            return _location(frame.f_code.co_filename, frame.f_lineno)
        frame = frame.f_back
    return None


def definition_location(obj: object) -> Location | None:
    """Where a class or function of the learner's file is defined."""
    try:
        filename = inspect.getsourcefile(obj)  # type: ignore[arg-type]
        _, line = inspect.getsourcelines(obj)  # type: ignore[arg-type]
    except (TypeError, OSError):
        return None
    if filename is None or not is_learner_file(filename):
        return None
    return _location(filename, line)


def learner_abort(exc: BaseException) -> KataFailure:
    """A ``sys.exit()`` or ``KeyboardInterrupt`` from learner code, as a failed check."""
    code = "learner.exit" if isinstance(exc, SystemExit) else "learner.interrupt"
    return KataFailure(
        Diagnosis(
            message=t(code, code=getattr(exc, "code", "")),
            hint=t(f"{code}.hint"),
            location=location_in_traceback(exc.__traceback__),
            code=code,
        )
    )


def call_learner(function, /, *args, **kwargs):
    """Call the learner's ``function``; ``sys.exit()`` or ``KeyboardInterrupt`` inside it
    becomes a failed check instead of ending the verification.

    An error that surfaces far from its cause (an in-place modification, reported only by
    ``backward()``) is traced back to the learner's line by calling ``function`` once more
    under anomaly detection (:mod:`katacheck.checks.anomaly`), before it propagates.
    """
    try:
        return function(*args, **kwargs)
    except (SystemExit, KeyboardInterrupt) as exc:
        raise learner_abort(exc) from None
    except Exception as exc:
        from katacheck.checks.anomaly import locate_inplace

        locate_inplace(exc, function, *args, **kwargs)
        raise
