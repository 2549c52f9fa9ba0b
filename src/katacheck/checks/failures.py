"""``KataFailure``, how a check fails, and how learner code is called so that its errors are
diagnosed instead of ending the verification."""

from __future__ import annotations

from typing import NoReturn

from katacheck.checks.anomaly import locate_inplace

# Re-exported: the runner's child imports it from here (katacheck.checks.locations is its home).
from katacheck.checks.locations import (
    learner_traceback,  # noqa: F401
    location_in_stack,
    location_in_traceback,
)
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
        locate_inplace(exc, function, *args, **kwargs)
        raise
