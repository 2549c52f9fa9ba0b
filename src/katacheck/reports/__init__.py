"""Machine-readable reports of one verification, for course CI and graders.

Every builder here is a pure function of the verification's results (:class:`KataResult`, in
any order) and the pack's katas (:class:`Kata`, in course order): it returns data or text and
writes nothing. :func:`write_reports` is the one place that writes files and talks to GitHub.

- :mod:`katacheck.reports.exercism`: the JSON of Exercism's test-runner interface, version 3;
- :mod:`katacheck.reports.github`: annotations, the step summary, the Classroom points.

JUnit XML is not built here: pytest's own writer produces it during the verification.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from katacheck.i18n import t

if TYPE_CHECKING:
    from katacheck.packs import Kata
    from katacheck.result import Diagnosis, KataResult
    from katacheck.workspace import Workspace

__all__ = [
    "KataScore",
    "first_cause",
    "format_points",
    "score",
    "write_reports",
]

#: Status of a kata in a score row.
PASSED = "passed"
FAILED = "failed"
NOT_STARTED = "not_started"  # the learner's file does not exist
NOT_VERIFIED = "not_verified"  # the file exists, but this run did not verify the kata


@dataclass(frozen=True)
class KataScore:
    """One kata's line in a grade: its status and the points it earned (all or nothing)."""

    kata: Kata
    status: str
    result: KataResult | None = None

    @property
    def points(self) -> float:
        return self.kata.points if self.status == PASSED else 0.0

    @property
    def max_points(self) -> float:
        return self.kata.points


def in_course_order(results: Sequence[KataResult], katas: Sequence[Kata]) -> list[KataResult]:
    """``results`` sorted like the katas of the pack (unknown katas last, as they came)."""
    position = {kata.id: index for index, kata in enumerate(katas)}
    return sorted(results, key=lambda result: position.get(result.kata_id, len(position)))


def score(
    results: Sequence[KataResult], katas: Sequence[Kata], present: set[str] | None = None
) -> list[KataScore]:
    """One row per kata of the pack, in course order.

    A kata earns its ``points`` (kata.toml; 1 by default, so equal weights) when it passed, and
    nothing otherwise. ``present`` names the katas whose file exists, to tell a kata never
    started from one this run left out; without it every kata without a result is "not started".
    """
    by_id = {result.kata_id: result for result in results}
    rows = []
    for kata in katas:
        result = by_id.get(kata.id)
        if result is not None:
            status = PASSED if result.passed else FAILED
        elif present is not None and kata.id in present:
            status = NOT_VERIFIED
        else:
            status = NOT_STARTED
        rows.append(KataScore(kata=kata, status=status, result=result))
    return rows


def totals(rows: Sequence[KataScore]) -> tuple[float, float]:
    """Points earned and points possible."""
    return sum(row.points for row in rows), sum(row.max_points for row in rows)


def format_points(value: float) -> str:
    """``3`` rather than ``3.0``, ``2.5`` as it is: the way the Classroom reporter prints numbers."""
    value = round(float(value), 2)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def json_number(value: float) -> int | float:
    """A point value for JSON: an integer when it is one."""
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def first_cause(result: KataResult) -> Diagnosis | None:
    """Why a kata failed, in one diagnosis: its fatal problem, else its first failed check."""
    if result.fatal is not None:
        return result.fatal
    return next((check.diagnosis for check in result.checks if not check.passed and check.diagnosis), None)


def diagnosis_text(diagnosis: Diagnosis) -> str:
    """A diagnosis as plain text: the cause, the learner's line, the hint."""
    lines = [diagnosis.message]
    if diagnosis.location is not None:
        where = diagnosis.location
        lines.append(f"→ {Path(where.path).name}:{where.line}   {where.source}".rstrip())
    if diagnosis.hint:
        lines.append(f"{t('report.hint_prefix')} {diagnosis.hint}")
    return "\n".join(lines)


def write_reports(
    workspace: Workspace,
    results: Sequence[KataResult],
    *,
    report: Path | None = None,
    message: str | None = None,
    environ: Mapping[str, str] | None = None,
    stdout: IO[str] | None = None,
) -> None:
    """Write the reports one ``katacheck verify`` asked for.

    ``report``: the Exercism v3 JSON. When ``GITHUB_ACTIONS=true``: the workflow commands on
    ``stdout`` (annotations, the Classroom points), the table appended to
    ``$GITHUB_STEP_SUMMARY`` and the step outputs in ``$GITHUB_OUTPUT``. ``message`` says why
    nothing was verified, when nothing was.
    """
    from katacheck.workspace import write_atomically

    environ = os.environ if environ is None else environ
    katas = list(workspace.pack.katas())
    if report is not None:
        import json

        from katacheck.reports import exercism

        data = exercism.build(results, katas, message=message)
        write_atomically(report, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    if environ.get("GITHUB_ACTIONS") == "true":
        from katacheck.reports import github

        present = {kata.id for kata in katas if workspace.learner_file(kata).exists()}
        github.publish(
            results, katas, present=present, workspace_root=workspace.root,
            environ=environ, stdout=stdout or sys.stdout,
        )
