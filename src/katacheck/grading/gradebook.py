"""The gradebook: one row per learner per kata, a total per learner, as CSV and JSON.

Statuses (machine-readable, the same in every language):

- ``pass``: the kata passed: its points (``points`` in kata.toml, 1 by default);
- ``fail``: the checks ran and some failed;
- ``error``: the run itself broke: a timeout, a crash, an exit, a file that does not parse;
- ``tamper``: an attempt to fool the checker was detected (see :mod:`katacheck.runner.child.integrity`);
- ``missing``: the kata's file is not there (or the CI report does not cover the kata).

Every status but ``pass`` earns 0 points. ``cause`` is the diagnosis, in the learner's language,
on one line: what a teacher reads in a spreadsheet.

The JSON report also says which sandbox the runs had (``"sandbox": "bwrap"`` or ``"none"``, see
:mod:`katacheck.runner.parent.sandbox`); the CSV's columns never change.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from katacheck.reports.scores import format_points, json_number
from katacheck.result import Status, first_cause, truncate

if TYPE_CHECKING:
    from katacheck.grading.submissions import Submission
    from katacheck.packs import Kata
    from katacheck.result import Diagnosis, KataResult

#: The statuses of a row, in the order the counts list them.
STATUSES = (Status.PASS, Status.FAIL, Status.ERROR, Status.TAMPER, Status.MISSING)
#: The kata column of a learner's total row in the CSV.
TOTAL = "TOTAL"
CSV_COLUMNS = ("learner", "kata", "status", "points", "max_points", "cause")
#: Longest cause kept in a row.
CAUSE_LIMIT = 300
#: Version of the JSON report's layout.
REPORT_VERSION = 1


@dataclass(frozen=True)
class Row:
    """One learner's result on one kata."""

    learner: str
    kata: str
    status: Status
    points: float
    max_points: float
    cause: str = ""
    seconds: float = 0.0

    @classmethod
    def from_result(cls, learner: str, kata: Kata, result: KataResult) -> Row:
        status = result.status
        passed = status is Status.PASS
        cause = None if passed else first_cause(result)
        return cls(learner, kata.id, status, kata.points if passed else 0.0, kata.points,
                   cause_text(cause) if cause is not None else "", round(result.duration, 2))


def cause_text(diagnosis: Diagnosis) -> str:
    """A diagnosis on one line, with the learner's file and line when there is one."""
    text = diagnosis.message
    if diagnosis.location is not None:
        text += f" ({Path(diagnosis.location.path).name}:{diagnosis.location.line})"
    return one_line(text)


def one_line(text: str, limit: int = CAUSE_LIMIT) -> str:
    """``text`` on one line of at most ``limit`` characters, "…" where it was cut."""
    return truncate(re.sub(r"\s+", " ", text).strip(), limit, "…", keep="start", note_counts=True)


@dataclass
class LearnerGrade:
    """A learner's rows, in course order, and their total."""

    submission: Submission
    rows: list[Row] = field(default_factory=list)

    @property
    def learner(self) -> str:
        return self.submission.learner

    @property
    def points(self) -> float:
        return sum(row.points for row in self.rows)

    @property
    def max_points(self) -> float:
        return sum(row.max_points for row in self.rows)

    @property
    def passed(self) -> int:
        return sum(row.status is Status.PASS for row in self.rows)


@dataclass
class Gradebook:
    """The grades of a batch."""

    pack: str
    katas: list[Kata]
    learners: list[LearnerGrade]
    seconds: float = 0.0
    #: The sandbox the runs had: ``"bwrap"`` or ``"none"`` (never ``"auto"``: what was in force).
    sandbox: str = "none"

    @property
    def rows(self) -> list[Row]:
        return [row for learner in self.learners for row in learner.rows]

    def status_counts(self) -> dict[str, int]:
        """How many rows have each status, by its word: ``{"pass": 3, "fail": 1, ...}``."""
        return _count_statuses(self.rows)

    def to_csv(self) -> str:
        """``learner,kata,status,points,max_points,cause``: each learner's kata rows, then their
        total row (kata ``TOTAL``, status ``passed/katas``)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for learner in self.learners:
            for row in learner.rows:
                writer.writerow([row.learner, row.kata, row.status.value, format_points(row.points),
                                 format_points(row.max_points), row.cause])
            writer.writerow([learner.learner, TOTAL, f"{learner.passed}/{len(learner.rows)}",
                             format_points(learner.points), format_points(learner.max_points), ""])
        return buffer.getvalue()

    def to_json(self) -> dict[str, Any]:
        """The whole batch: the katas, every learner with their rows and total, and counts."""
        by_kata = {kata.id: _count_statuses(row for row in self.rows if row.kata == kata.id) for kata in self.katas}
        return {
            "version": REPORT_VERSION,
            "pack": self.pack,
            "sandbox": self.sandbox,
            "katas": [{"id": kata.id, "title": kata.title, "points": json_number(kata.points)} for kata in self.katas],
            "learners": [
                {
                    "learner": learner.learner,
                    "source": str(learner.submission.path),
                    "kind": learner.submission.kind,
                    "points": json_number(learner.points),
                    "max_points": json_number(learner.max_points),
                    "passed": learner.passed,
                    "katas": [
                        {"kata": row.kata, "status": row.status.value, "points": json_number(row.points),
                         "max_points": json_number(row.max_points), "cause": row.cause, "seconds": row.seconds}
                        for row in learner.rows
                    ],
                }
                for learner in self.learners
            ],
            "summary": {
                "learners": len(self.learners),
                "seconds": round(self.seconds, 2),
                "status": self.status_counts(),
                "katas": by_kata,
            },
        }


def _count_statuses(rows: Iterable[Row]) -> dict[str, int]:
    counts = {status.value: 0 for status in STATUSES}
    for row in rows:
        counts[row.status.value] += 1
    return counts
