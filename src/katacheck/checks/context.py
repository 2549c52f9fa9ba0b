"""Which file is the learner's: every check that points at "your line" asks here."""

from __future__ import annotations

import os

#: The learner's module is imported under this name (the file name is not an identifier).
LEARNER_MODULE = "katacheck_aluno"

_learner_file: str | None = None


def set_learner_file(path: str | os.PathLike[str] | None) -> None:
    global _learner_file
    _learner_file = os.path.realpath(path) if path else None


def learner_file() -> str | None:
    return _learner_file


def is_learner_file(filename: str) -> bool:
    return _learner_file is not None and os.path.realpath(filename) == _learner_file
