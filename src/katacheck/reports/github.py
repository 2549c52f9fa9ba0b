"""What a verification tells GitHub Actions and GitHub Classroom.

- ``::error`` workflow commands: one annotation per failure, on the learner's line, with the
  diagnosis (https://docs.github.com/actions/reference/workflow-commands-for-github-actions);
- a Markdown table (kata, status, points, cause) appended to ``$GITHUB_STEP_SUMMARY``;
- the grade for GitHub Classroom, written the way its reporter action
  (classroom-resources/autograding-grading-reporter) writes it: a notice ``Points X/Y`` titled
  "Autograding complete" and a notice with ``{"totalPoints": X, "maxPoints": Y}`` titled
  "Autograding report";
- step outputs in ``$GITHUB_OUTPUT``: ``points``, ``max-points`` and ``result``, the base64 JSON
  a Classroom runner hands that reporter (``{"max_score": Y, "tests": [{"score": ...}]}``).

The Classroom strings ("Points", the two titles, the JSON keys) are a protocol that Classroom
parses, so they stay as they are in every language.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from katacheck.i18n import t
from katacheck.reports.scores import KataScore, format_points, in_course_order, json_number, score, totals
from katacheck.reports.text import diagnosis_text
from katacheck.result import Status, first_cause

if TYPE_CHECKING:
    from katacheck.packs import Kata
    from katacheck.result import Diagnosis, KataResult

CLASSROOM_POINTS_TITLE = "Autograding complete"
CLASSROOM_REPORT_TITLE = "Autograding report"


# --- workflow commands ---------------------------------------------------------------------------

def escape_data(text: str) -> str:
    """A command's message: ``%``, CR and LF escaped (as @actions/core does)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value: like data, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    """``::name key=value,...::message``; properties that are None are left out."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotations(
    results: Sequence[KataResult], katas: Sequence[Kata], *, file_for: Mapping[str, str]
) -> list[str]:
    """One ``::error`` per distinct failure, on the learner's line when it is known.

    ``file_for`` maps a kata id to its learner file, relative to the repository root. An error
    that fails several checks (a file that does not import) is annotated once.
    """
    lines = []
    for result in in_course_order(results, katas):
        file = file_for.get(result.kata_id)
        seen: list[Diagnosis] = []
        failures = [(check.title, check.diagnosis) for check in result.checks
                    if not check.passed and check.diagnosis is not None]
        if result.fatal is not None:
            failures.append((result.title, result.fatal))
        for title, diagnosis in failures:
            if diagnosis in seen:
                continue
            seen.append(diagnosis)
            line = diagnosis.location.line if diagnosis.location is not None and diagnosis.location.line else None
            lines.append(command(
                "error", _annotation_message(diagnosis),
                file=file, line=line,
                title=t("report.check_label", kata=result.kata_id, check=title),
            ))
    return lines


def _annotation_message(diagnosis: Diagnosis) -> str:
    # The line itself is where the annotation sits: the message is the cause and the hint.
    message = diagnosis.message
    if diagnosis.hint:
        message += f"\n{t('report.hint_prefix')} {diagnosis.hint}"
    return message


def classroom_commands(points: float, max_points: float) -> list[str]:
    """The two notices GitHub Classroom reads the grade from."""
    summary = json.dumps({"totalPoints": json_number(points), "maxPoints": json_number(max_points)})
    return [
        command("notice", f"Points {format_points(points)}/{format_points(max_points)}", title=CLASSROOM_POINTS_TITLE),
        command("notice", summary, title=CLASSROOM_REPORT_TITLE),
    ]


# --- step summary -------------------------------------------------------------------------------

#: The words of the table's status column: a run that broke or was tampered with "failed" too.
_STATUS_KEYS = {
    Status.PASS: "report.summary.status.passed",
    Status.FAIL: "report.summary.status.failed",
    Status.ERROR: "report.summary.status.failed",
    Status.TAMPER: "report.summary.status.failed",
    Status.MISSING: "report.summary.status.not_started",
    Status.NOT_VERIFIED: "report.summary.status.not_verified",
}


def step_summary(rows: Sequence[KataScore]) -> str:
    """The Markdown the job page shows: a title with the points, then one row per kata."""
    earned, possible = totals(rows)
    header = [t("report.summary.col.kata"), t("report.summary.col.status"),
              t("report.summary.col.points"), t("report.summary.col.cause")]
    lines = [
        f"## {t('report.summary.title', points=format_points(earned), total=format_points(possible))}",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for row in rows:
        cells = [
            f"`{row.kata.id}` — {_cell(row.kata.title)}",
            t(_STATUS_KEYS[row.status]),
            f"{format_points(row.points)}/{format_points(row.max_points)}",
            _cell(_cause(row)),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _cause(row: KataScore) -> str:
    if row.status is Status.MISSING:
        return t("report.summary.not_started", file=row.kata.learner_filename)
    if row.status is Status.NOT_VERIFIED:
        return t("report.summary.not_verified", kata=row.kata.id)
    if row.result is None or row.status is Status.PASS:
        return ""
    diagnosis = first_cause(row.result)
    if diagnosis is None:
        return ""
    where = diagnosis.location
    suffix = f" (`{row.kata.learner_filename}:{where.line}`)" if where is not None and where.line else ""
    return diagnosis.message + suffix


def _cell(text: str) -> str:
    """Text that stays inside one cell of a Markdown table."""
    return " ".join(text.split()).replace("|", "\\|")


# --- Classroom runner result --------------------------------------------------------------------

def classroom_result(rows: Sequence[KataScore]) -> dict[str, Any]:
    """The result a Classroom runner hands the reporter: one test per kata, all-or-nothing points."""
    _, possible = totals(rows)
    tests = []
    for task_id, row in enumerate(rows, start=1):
        # The Classroom reporter knows two words: a kata that did not pass failed.
        status = Status.PASS if row.status is Status.PASS else Status.FAIL
        cause = first_cause(row.result) if row.result is not None else None
        tests.append({
            "name": t("report.kata_label", kata=row.kata.id, title=row.kata.title),
            "status": status.value,
            "message": diagnosis_text(cause) if cause is not None else (None if status is Status.PASS else _cause(row)),
            "test_code": row.kata.learner_filename,
            "task_id": task_id,
            "score": json_number(row.points),
        })
    overall = Status.PASS if tests and all(test["status"] == Status.PASS for test in tests) else Status.FAIL
    return {"version": 3, "status": overall.value, "message": None, "max_score": json_number(possible), "tests": tests}


# --- all of it -----------------------------------------------------------------------------------

def publish(
    results: Sequence[KataResult],
    katas: Sequence[Kata],
    *,
    present: set[str],
    workspace_root: Path,
    environ: Mapping[str, str],
    stdout: IO[str],
) -> None:
    """Print the commands, append the summary, set the outputs (each file only when set)."""
    rows = score(results, katas, present)
    earned, possible = totals(rows)
    base = Path(environ.get("GITHUB_WORKSPACE") or Path.cwd())
    file_for = {kata.id: _relative(workspace_root / kata.learner_filename, base) for kata in katas}
    stdout.flush()
    for line in (*annotations(results, katas, file_for=file_for), *classroom_commands(earned, possible)):
        stdout.write(line + "\n")
    stdout.flush()
    if environ.get("GITHUB_STEP_SUMMARY"):
        with open(environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(step_summary(rows))
    if environ.get("GITHUB_OUTPUT"):
        encoded = base64.b64encode(json.dumps(classroom_result(rows), ensure_ascii=False).encode()).decode()
        with open(environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
            output.write(f"points={format_points(earned)}\n")
            output.write(f"max-points={format_points(possible)}\n")
            output.write(f"result={encoded}\n")


def _relative(path: Path, base: Path) -> str:
    """``path`` relative to the repository root, as GitHub wants it; absolute when outside."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
