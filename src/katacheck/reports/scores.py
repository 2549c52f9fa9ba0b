"""A verification as a grade: one row per kata of the pack, in course order, and its points.

Every report that gives points (GitHub's step summary, the Classroom result) starts from
:func:`score`; the point values are written the way GitHub Classroom's reporter writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from katacheck.result import Status

if TYPE_CHECKING:
    from katacheck.packs import Kata
    from katacheck.result import KataResult


@dataclass(frozen=True)
class KataScore:
    """One kata's line in a grade: its status and the points it earned (all or nothing).

    ``status`` is the result's (PASS, FAIL, ERROR, TAMPER); without a result, MISSING (the
    learner's file does not exist) or NOT_VERIFIED (it exists, but this run left it out).
    """

    kata: Kata
    status: Status
    result: KataResult | None = None

    @property
    def points(self) -> float:
        return self.kata.points if self.status is Status.PASS else 0.0

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
    started from one this run left out; without it every kata without a result is missing.
    """
    by_id = {result.kata_id: result for result in results}
    rows = []
    for kata in katas:
        result = by_id.get(kata.id)
        if result is not None:
            status = result.status
        elif present is not None and kata.id in present:
            status = Status.NOT_VERIFIED
        else:
            status = Status.MISSING
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
