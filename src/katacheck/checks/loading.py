"""Importing the learner's file, turning every way it can go wrong into a diagnosis.

What runs is exactly what the parent's scan read (:mod:`katacheck.runner.parent.scan`): the
file's own bytes, compiled here. Python's usual loader would prefer a ``__pycache__/*.pyc``
next to the file (one marked "unchecked hash" is used without even looking at the source, and
survives a ``git clone``), and would decode the source in whatever encoding a ``# coding:``
line declares (UTF-7 can hide a whole line of code inside what a UTF-8 reader sees as a
comment). :class:`SourceOnlyLoader` does neither: it reads the source, refuses anything but
UTF-8, compiles, and never reads nor writes a bytecode cache.
"""

from __future__ import annotations

import codecs
import importlib.machinery
import importlib.util
import io
import os
import re
import sys
import tokenize
from types import CodeType, ModuleType

from katacheck.checks.anomaly import locate_inplace
from katacheck.checks.context import LEARNER_MODULE
from katacheck.checks.diagnose import diagnose
from katacheck.checks.failures import KataFailure, learner_abort
from katacheck.i18n import t
from katacheck.result import Diagnosis, Location

#: What ``tokenize.detect_encoding`` calls the encodings we read (the second one has a BOM).
UTF8_NAMES = frozenset({"utf-8", "utf-8-sig"})
#: PEP 263's coding declaration, to point at its line.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def load_learner_module(path: str) -> ModuleType:
    """Import the learner's file as a module, from its source (see the module docstring)."""
    loader = SourceOnlyLoader(LEARNER_MODULE, path)
    spec = importlib.util.spec_from_file_location(LEARNER_MODULE, path, loader=loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[LEARNER_MODULE] = module
    try:
        loader.exec_module(module)
    except SourceEncodingError as error:
        raise KataFailure(error.diagnosis) from None
    except SyntaxError as error:
        raise _syntax_failure(error, path) from None
    except (SystemExit, KeyboardInterrupt) as error:
        raise learner_abort(error) from None
    except Exception as error:  # noqa: BLE001 - any error in learner code is a diagnosis
        locate_inplace(error, loader.exec_module, module)  # in-place errors: find the line
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


class SourceOnlyLoader(importlib.machinery.SourceFileLoader):
    """A loader that compiles the file's UTF-8 source every time: no bytecode cache is read
    (a planted ``.pyc`` never runs) nor written (no ``__pycache__`` in the workspace).

    The child's import guard (:mod:`katacheck.runner.child.imports`) also hands it out when
    learner code imports its own file under another name.
    """

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        data = self.get_data(path)
        problem = encoding_problem(data)
        if problem is not None:
            raise SourceEncodingError(path, *problem)
        # dont_inherit: the learner's code gets none of this module's __future__ flags.
        return compile(data, path, "exec", dont_inherit=True)

    def exec_module(self, module: ModuleType) -> None:
        # Run here, not through importlib's own frames: the child's audit hook accepts the
        # learner file's code only from this function (anything else would be Python's own
        # loader, and a cached .pyc).
        exec(self.get_code(module.__name__), module.__dict__)  # noqa: S102 - the learner's module


def encoding_problem(data: bytes) -> tuple[int, str | None] | None:
    """Why ``data`` is not a UTF-8 Python source, or None: ``(line, encoding)`` for a coding
    declaration of another encoding, ``(line, None)`` for bytes that are not UTF-8."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        # An unknown encoding, a BOM with another declaration, or a first line that is not
        # UTF-8 (then there is no declaration, and the decoding below says where).
        line, declared = _declared(data)
        if declared is not None and _normalized(declared) not in UTF8_NAMES:
            return line or 1, declared
        encoding = "utf-8"
    if _normalized(encoding) not in UTF8_NAMES:
        line, declared = _declared(data)
        return line or 1, declared or encoding  # in the learner's words
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        return data[: error.start].count(b"\n") + 1, None
    return None


def _declared(data: bytes) -> tuple[int | None, str | None]:
    """The line (1 or 2) and the name of the coding declaration, if there is one."""
    for number, line in enumerate(data.split(b"\n", 2)[:2], start=1):
        found = _COOKIE.match(line.removeprefix(b"\xef\xbb\xbf"))
        if found:
            return number, found.group(1).decode("ascii", "replace")
    return None, None


def _normalized(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


class SourceEncodingError(ValueError):
    """The learner's file is not UTF-8: :attr:`diagnosis` says which line and how to fix it."""

    def __init__(self, path: str, line: int, encoding: str | None) -> None:
        file = os.path.basename(path)
        if encoding is None:
            message, hint = t("learner.not_utf8", file=file, line=line), t("learner.not_utf8.hint", file=file)
            code = "learner.not_utf8"
        else:
            message = t("learner.encoding", file=file, line=line, encoding=encoding)
            hint, code = t("learner.encoding.hint", file=file), "learner.encoding"
        super().__init__(message)
        self.diagnosis = Diagnosis(message=message, hint=hint, location=Location.at(path, line), code=code)


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
