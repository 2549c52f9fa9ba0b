"""Results in the JSON of Exercism's test-runner interface, version 3.

Spec: https://exercism.org/docs/building/tooling/test-runners/interface. How katas map onto it:

- one test per hidden check, named ``"<kata> — <check title>"``, in course order and, within a
  kata, in the order of its hidden tests (Exercism shows the first failure first);
- ``task_id`` is the kata's position in the pack (1, 2, ...): a check belongs to exactly one
  kata, the way an Exercism test belongs to one numbered task of the instructions;
- ``test_code`` is what the check verifies (its title), never the hidden test's source;
- a kata whose run broke (a timeout, a crash, an exit) adds one test with status ``error``,
  named ``"<kata> — <kata title>"``; a learner file with a syntax error makes every check of
  its kata an ``error`` (none of them ran);
- ``status`` is ``pass`` when every test passed, ``error`` when no test ran (every test is an
  error, or nothing was verified), else ``fail``; ``message`` says why only for ``error``;
- ``output`` is what the learner's code printed, at most 500 characters, with a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from katacheck.i18n import t
from katacheck.reports.scores import in_course_order
from katacheck.reports.text import diagnosis_text
from katacheck.result import Status, truncate

if TYPE_CHECKING:
    from katacheck.packs import Kata
    from katacheck.result import CheckResult, KataResult

VERSION = 3
#: The interface's limit on a test's ``output``.
OUTPUT_LIMIT = 500
#: The interface's limit on the top-level ``message``.
MESSAGE_LIMIT = 65535


def build(results: Sequence[KataResult], katas: Sequence[Kata], *, message: str | None = None) -> dict[str, Any]:
    """The ``results.json`` of one verification. ``message`` explains an empty run."""
    task_ids = {kata.id: index for index, kata in enumerate(katas, start=1)}
    tests: list[dict[str, Any]] = []
    for result in in_course_order(results, katas):
        task_id = task_ids.get(result.kata_id)
        tests.extend(_check_test(result, check, task_id) for check in result.checks)
        if result.fatal is not None:
            tests.append(_fatal_test(result, task_id))
    status = _overall(tests)
    return {
        "version": VERSION,
        "status": status.value,
        "message": _error_message(tests, message) if status is Status.ERROR else None,
        "tests": tests,
    }


def _overall(tests: list[dict[str, Any]]) -> Status:
    """PASS when every test passed, ERROR when none ran (or there is none), else FAIL."""
    statuses = {Status(test["status"]) for test in tests}
    if statuses == {Status.PASS}:
        return Status.PASS
    return Status.FAIL if statuses - {Status.ERROR} else Status.ERROR


def _check_test(result: KataResult, check: CheckResult, task_id: int | None) -> dict[str, Any]:
    diagnosis = check.diagnosis
    test: dict[str, Any] = {
        "name": t("report.check_label", kata=result.kata_id, check=check.title),
        "status": check.status.value,
        "message": diagnosis_text(diagnosis) if diagnosis is not None and not check.passed else None,
        "output": truncate_output(check.output),
        "test_code": check.title,
    }
    if task_id is not None:
        test["task_id"] = task_id
    return test


def _fatal_test(result: KataResult, task_id: int | None) -> dict[str, Any]:
    assert result.fatal is not None
    test: dict[str, Any] = {
        "name": t("report.check_label", kata=result.kata_id, check=result.title),
        "status": Status.ERROR.value,
        "message": diagnosis_text(result.fatal),
        "output": truncate_output(result.output),
        "test_code": result.title,
    }
    if task_id is not None:
        test["task_id"] = task_id
    return test


def _error_message(tests: list[dict[str, Any]], message: str | None) -> str:
    parts = [message] if message else []
    seen: set[str] = set()
    for test in tests:
        if test["message"] and test["message"] not in seen:
            seen.add(test["message"])
            parts.append(f"{test['name']}\n{test['message']}")
    text = "\n\n".join(parts) or t("report.exercism.nothing_ran")
    return truncate(text, MESSAGE_LIMIT, "", keep="start")


def truncate_output(text: str, limit: int = OUTPUT_LIMIT) -> str | None:
    """What the learner printed, within ``limit`` characters note included; None when nothing.

    The end is kept: that is where an error or the last values usually are.
    """
    text = text.strip()
    if not text:
        return None
    # t() without values leaves "{omitted}" for truncate to fill in.
    return truncate(text, limit, t("report.output_truncated"), keep="end", note_counts=True)
