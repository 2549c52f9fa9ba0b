"""Importing the learner's file, turning every way it can go wrong into a diagnosis."""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from collections.abc import Iterator
from types import ModuleType

from katacheck.checks.anomaly import locate_inplace
from katacheck.checks.context import LEARNER_MODULE
from katacheck.checks.diagnose import diagnose
from katacheck.checks.failures import KataFailure, learner_abort
from katacheck.i18n import t
from katacheck.result import Diagnosis, Location


def load_learner_module(path: str) -> ModuleType:
    """Import the learner's file as a module."""
    spec = importlib.util.spec_from_file_location(LEARNER_MODULE, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[LEARNER_MODULE] = module
    try:
        with _no_bytecode():
            spec.loader.exec_module(module)
    except SyntaxError as error:
        raise _syntax_failure(error, path) from None
    except (SystemExit, KeyboardInterrupt) as error:
        raise learner_abort(error) from None
    except Exception as error:  # noqa: BLE001 - any error in learner code is a diagnosis
        with _no_bytecode():
            locate_inplace(error, spec.loader.exec_module, module)  # in-place errors: find the line
        diagnosis = diagnose(error)
        raise KataFailure(
            Diagnosis(
                message=t("learner.import_failed", cause=diagnosis.message),
                hint=diagnosis.hint,
                location=diagnosis.location,
                code=diagnosis.code,
            )
        ) from None
    return module


@contextlib.contextmanager
def _no_bytecode() -> Iterator[None]:
    """Import without leaving a ``__pycache__`` folder in the learner's workspace."""
    before, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        yield
    finally:
        sys.dont_write_bytecode = before


def _syntax_failure(error: SyntaxError, path: str) -> KataFailure:
    line = error.lineno or 0
    return KataFailure(
        Diagnosis(
            message=t("learner.syntax_error", line=line, detail=error.msg),
            hint=t("learner.syntax_error.hint"),
            location=Location.at(path, line, source=error.text or ""),
            code="learner.syntax_error",
        )
    )
