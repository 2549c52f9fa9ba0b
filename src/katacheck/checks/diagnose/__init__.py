"""From an exception raised by learner code to a named diagnosis in the learner's language.

Rules (:mod:`.rules`) match stable substrings of PyTorch's messages, which change between
versions; the named groups of each pattern become the values quoted back to the learner (shapes,
dtypes, devices). A rule may refine what it found (:mod:`.refine`): read the tensors PyTorch's
own Python code was holding when it raised (the input a ``nn.Linear`` refused), read the
learner's class with ``ast`` (a misspelled ``forward``), or use the second run of
:mod:`katacheck.checks.anomaly` (an in-place modification). Texts live in the catalog under
``diagnose.<code>`` (and ``diagnose.<code>.<variant>`` when a refinement knows more), each with
its ``.hint``.

Course authors get the same diagnoses for free: any exception escaping a hidden test goes
through :func:`diagnose`.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

from katacheck.checks.context import is_learner_file
from katacheck.checks.diagnose.rules import CODES, RULES, Finding, Rule
from katacheck.checks.failures import KataFailure
from katacheck.checks.locations import learner_location
from katacheck.i18n import has, t
from katacheck.result import Diagnosis, Location, truncate

__all__ = ["CODES", "PATTERNS", "RULES", "Finding", "Rule", "diagnose", "diagnose_warning"]

#: ``(code, exception type name or None for any, regex over the message)``, first match wins.
PATTERNS = tuple((rule.code, rule.kind, rule.pattern) for rule in RULES)


def diagnose(exc: BaseException) -> Diagnosis:
    """The diagnosis for ``exc``: the check's own, a named one, or the message itself.

    The location is the learner's line closest to the error (the traceback trimmed to the
    learner's file), or the line a refinement found when the error surfaced elsewhere.
    """
    location = learner_location(exc)
    if isinstance(exc, KataFailure):
        diagnosis = exc.diagnosis
        return diagnosis if diagnosis.location or not location else replace(diagnosis, location=location)
    finding = match(exc)
    if finding is not None:
        diagnosis = _named(finding)
        if diagnosis is not None:
            return diagnosis
    return Diagnosis(
        message=t("diagnose.unknown", kind=type(exc).__name__, message=_first_lines(str(exc))),
        hint=t("diagnose.unknown.hint"),
        location=location,
        code="unknown",
    )


def diagnose_warning(warning: warnings.WarningMessage) -> Diagnosis | None:
    """The diagnosis for a recorded warning (``warnings.catch_warnings(record=True)``), or
    None when no rule knows it. Some beginner mistakes only warn: a softmax without ``dim``,
    ``.grad`` read on a non-leaf tensor, an MSE target that broadcasts."""
    message = warning.message
    exc = message if isinstance(message, Warning) else warning.category(str(message))
    finding = match(exc)
    if finding is None:
        return None
    if finding.location is None and is_learner_file(warning.filename):
        finding.location = Location.at(warning.filename, warning.lineno)
    return _named(finding)


#: How much of an error's message the rules read. PyTorch's messages that they name are a few
#: hundred characters; learner code can raise one of megabytes, which some rules' patterns would
#: take minutes over (their time grows with the square of the length), timing the kata out.
MATCHED_CHARS = 4_000


def match(exc: BaseException) -> Finding | None:
    """The first rule that matches ``exc``, refined; None when no rule does."""
    text = str(exc)[:MATCHED_CHARS]
    kinds = {cls.__name__ for cls in type(exc).__mro__}
    for rule in RULES:
        if rule.kind is not None and rule.kind not in kinds:
            continue
        found = rule.pattern.search(text)
        if found is None:
            continue
        finding = Finding(exc, rule.code, {k: v for k, v in found.groupdict().items() if v is not None},
                          location=learner_location(exc))
        if rule.within is not None and not finding.passes_through(rule.within):
            continue
        if rule.refine is not None:
            rule.refine(finding)
        return finding
    return None


def _named(finding: Finding) -> Diagnosis | None:
    base = f"diagnose.{finding.code}"
    key = f"{base}.{finding.variant}" if finding.variant else base
    hint_key = f"{key}.hint" if has(f"{key}.hint") else f"{base}.hint"
    try:
        message = t(key, **finding.values)
        hint = t(hint_key, **finding.values) if has(hint_key) else None
    except (KeyError, IndexError):  # a placeholder the rule did not fill: say what we know
        if not finding.variant:
            return None
        return _named(replace(finding, variant=None))
    return Diagnosis(message=message, hint=hint, location=finding.location, code=finding.code)


def _first_lines(text: str, limit: int = 400) -> str:
    # PyTorch messages can run for paragraphs; the first lines carry the cause.
    return truncate("\n".join(text.strip().splitlines()[:3]), limit, "…", keep="start")
