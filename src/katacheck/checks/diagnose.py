"""From an exception raised by learner code to a named diagnosis in the learner's language.

Patterns match stable substrings of PyTorch's messages (they change between versions); the
named groups of each pattern become the values quoted back to the learner (shapes, dtypes,
devices). Messages and hints live in the catalog under ``diagnose.<code>``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from katacheck.checks.context import LEARNER_MODULE
from katacheck.checks.failures import KataFailure, location_in_traceback
from katacheck.i18n import has, t
from katacheck.runner.results import Diagnosis

#: (code, exception type name or None for any, regex over the message). First match wins.
PATTERNS: tuple[tuple[str, str | None, re.Pattern[str]], ...] = tuple(
    (code, kind, re.compile(regex, re.DOTALL))
    for code, kind, regex in (
        ("device_mismatch", None,
         r"Expected all tensors to be on the same device.*?(?P<a>cuda:?\d*|cpu|mps)\b.*?(?P<b>cuda:?\d*|cpu|mps)\b"),
        ("cuda_not_compiled", None, r"Torch not compiled with CUDA enabled"),
        ("cuda_numpy", None, r"can't convert (?P<device>cuda:?\d*) device type tensor to numpy"),
        ("shapes_matmul", None,
         r"mat1 and mat2 shapes cannot be multiplied \((?P<n>\d+)x(?P<got>\d+) and (?P<want>\d+)x(?P<out>\d+)\)"),
        ("dtype_mismatch", None,
         r"must have the same dtype, but got (?P<a>\w+) and (?P<b>\w+)"),
        ("no_grad_fn", None, r"element 0 of tensors does not require grad"),
        ("missing_forward", None, r'Module \[(?P<cls>\w+)\] is missing the required "forward" function'),
        ("empty_parameters", None, r"optimizer got an empty parameter list"),
        ("super_init", None, r"cannot assign module before Module.__init__\(\) call"),
        ("float_backward", "AttributeError", r"'float' object has no attribute 'backward'"),
        ("missing_name", "AttributeError", rf"module '{LEARNER_MODULE}' has no attribute '(?P<name>\w+)'"),
        ("undefined_name", "NameError", r"name '(?P<name>\w+)' is not defined"),
        ("out_of_memory", None, r"can't allocate memory|CUDA out of memory"),
        ("out_of_memory", "MemoryError", r""),
        ("recursion", "RecursionError", r""),
    )
)


def diagnose(exc: BaseException) -> Diagnosis:
    """The diagnosis for ``exc``: the check's own, a named one, or the message itself."""
    location = location_in_traceback(exc.__traceback__)
    if isinstance(exc, KataFailure):
        diagnosis = exc.diagnosis
        return diagnosis if diagnosis.location or not location else replace(diagnosis, location=location)
    text = str(exc)
    for code, kind, pattern in PATTERNS:
        if kind is not None and type(exc).__name__ != kind:
            continue
        match = pattern.search(text)
        if match:
            return _named(code, match.groupdict(), location)
    return Diagnosis(
        message=t("diagnose.unknown", kind=type(exc).__name__, message=_first_lines(text)),
        hint=t("diagnose.unknown.hint"),
        location=location,
        code="unknown",
    )


def _named(code: str, values: dict[str, str], location) -> Diagnosis:
    key = f"diagnose.{code}"
    return Diagnosis(
        message=t(key, **values),
        hint=t(f"{key}.hint", **values) if has(f"{key}.hint") else None,
        location=location,
        code=code,
    )


def _first_lines(text: str, limit: int = 400) -> str:
    # PyTorch messages can run for paragraphs; the first lines carry the cause.
    short = "\n".join(text.strip().splitlines()[:3])
    return short if len(short) <= limit else short[:limit] + "…"
