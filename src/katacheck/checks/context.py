"""What the running check knows: which file is the learner's, and what the check recorded.

Every check that points at "your line" asks here for the learner's file. A check can also
record data for the report (a loss curve, a note of what it measured); the runner takes it when
the check ends.
"""

from __future__ import annotations

import os

#: The learner's module is imported under this name (the file name is not an identifier).
LEARNER_MODULE = "katacheck_aluno"

_learner_file: str | None = None
_recorded: dict[str, object] = {}
_real_paths: dict[str, str] = {}


def set_learner_file(path: str | os.PathLike[str] | None) -> None:
    global _learner_file
    _learner_file = os.path.realpath(path) if path else None


def learner_file() -> str | None:
    return _learner_file


def is_learner_file(filename: str) -> bool:
    if _learner_file is None:
        return False
    # Asked for every frame of every stack a check walks (each forward, each step): the real
    # path of a code object's file never changes, so it is worked out once.
    real = _real_paths.get(filename)
    if real is None:
        real = _real_paths[filename] = os.path.realpath(filename)
    return real == _learner_file


def record(key: str, value: object) -> None:
    """Attach ``value`` to the current check's result (e.g. ``"loss_curve"``)."""
    _recorded[key] = value


def record_note(text: str) -> None:
    """Show ``text`` under the current check: something it measured, never part of the verdict."""
    _recorded.setdefault("notes", []).append(text)  # type: ignore[union-attr]


def record_evidence(item: dict[str, object]) -> None:
    """Add one piece of evidence for the judge to the current check (see :mod:`.evidence`)."""
    _recorded.setdefault("evidence", []).append(item)  # type: ignore[union-attr]


def take_recorded() -> dict[str, object]:
    """What the check recorded since the last call; clears it for the next check."""
    taken = dict(_recorded)
    _recorded.clear()
    return taken
