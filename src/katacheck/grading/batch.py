"""Grading many submissions at once, each kata in its own sandboxed child process.

Every (submission, kata) pair whose file exists is one call of
:func:`katacheck.runner.run_kata`, the function ``katacheck verify`` uses: its own child
process and process group, the kata's timeout (times ``KATACHECK_TIMEOUT_FACTOR``), the memory
cap, the output cap, the static tamper scan and the signed results channel. Nothing a
submission does reaches another one's run or this process's loop: its crash, hang or cheat
becomes its row.

The pairs run on a pool of threads, ``jobs`` at a time (the number of cores by default). Threads
rather than processes because the work is already in child processes: a thread only writes a
job to a pipe and waits, with the GIL released, so threads cost nothing, need no pickling, and
share one loaded copy of the pack; a process pool would add a second layer of processes, each
importing katacheck again, for no parallelism gained.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from katacheck.grading.gradebook import Gradebook, LearnerGrade, Row, one_line
from katacheck.grading.submissions import FOLDER, NOT_FOUND, REPORT, WORKSPACE, Submission
from katacheck.i18n import LANGUAGES, t, translations
from katacheck.result import Status

if TYPE_CHECKING:
    from katacheck.packs import Kata


def grade(
    submissions: list[Submission],
    katas: list[Kata],
    *,
    pack: str,
    jobs: int | None = None,
    on_row: Callable[[Row], None] | None = None,
    course: list[Kata] | None = None,
    sandbox: str = "none",
) -> Gradebook:
    """Grade every kata of ``katas`` in every submission; ``on_row`` hears of each row as it
    is decided (for a progress bar). Returns the gradebook in the order given.

    ``course`` is the whole pack in course order (default: ``katas``): CI reports number the
    katas by their position in it. ``sandbox`` is the mode in force, already resolved
    (``"bwrap"`` or ``"none"``, :func:`katacheck.runner.parent.sandbox.resolve`): the gradebook
    records it.
    """
    started = time.monotonic()
    notify = on_row or (lambda row: None)
    slots: dict[tuple[int, int], Row] = {}
    work: list[tuple[int, int, Submission, Kata]] = []
    for i, submission in enumerate(submissions):
        if submission.kind == REPORT:
            for j, row in enumerate(rows_from_report(submission, katas, course or katas)):
                slots[i, j] = row
                notify(row)
            continue
        for j, kata in enumerate(katas):
            row = _without_running(submission, kata)
            if row is None:
                work.append((i, j, submission, kata))
            else:
                slots[i, j] = row
                notify(row)
    if work:
        from katacheck.runner.parent import use_judge_servers, use_sandbox, warm_up

        parallel = max(1, min(jobs or os.cpu_count() or 1, len(work)))
        use_sandbox(sandbox, katas)  # the workers start inside it, each with its own folder
        warm_up(parallel)  # one warm worker per job slot
        use_judge_servers(True)  # one judge for the whole class, not a fork per kata
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            futures = {pool.submit(_run, submission, kata): (i, j) for i, j, submission, kata in work}
            try:
                for future in as_completed(futures):
                    row = future.result()
                    slots[futures[future]] = row
                    notify(row)
            except BaseException:  # Ctrl-C: no new runs, and the running ones stop now
                from katacheck.runner.parent import stop_running

                pool.shutdown(wait=False, cancel_futures=True)
                stop_running()
                raise
        use_sandbox("none", katas)  # later runs in this process (verify, tests) run as before
        use_judge_servers(False)
    learners = [LearnerGrade(submission, [slots[i, j] for j in range(len(katas))])
                for i, submission in enumerate(submissions)]
    return Gradebook(pack=pack, katas=list(katas), learners=learners, seconds=time.monotonic() - started,
                     sandbox=sandbox)


def _without_running(submission: Submission, kata: Kata) -> Row | None:
    """The row of a kata that needs no run (nothing to run), or None."""
    if submission.kind == NOT_FOUND:
        return _row(submission, kata, Status.ERROR, t("grade.cause.no_folder", path=submission.path))
    if submission.unreadable is not None:
        return _row(submission, kata, Status.ERROR, t("grade.cause.bad_notebook", notebook=submission.notebook.name,
                                                      problem=submission.unreadable))
    if submission.learner_file(kata).is_file():
        return None
    key = "grade.cause.missing_file" if submission.kind == WORKSPACE else "grade.cause.not_workspace"
    return _row(submission, kata, Status.MISSING, t(key, file=kata.learner_filename))


def _run(submission: Submission, kata: Kata) -> Row:
    from katacheck.runner.parent import run_kata

    assert submission.kind in (WORKSPACE, FOLDER)
    try:
        result = run_kata(kata, submission.learner_file(kata), cwd=submission.path)
    except Exception as error:  # noqa: BLE001 - a bug of ours must not stop the batch either
        return _row(submission, kata, Status.ERROR, t("grade.cause.internal", error=f"{type(error).__name__}: {error}"))
    return Row.from_result(submission.learner, kata, result)


def _row(submission: Submission, kata: Kata, status: Status, cause: str) -> Row:
    from katacheck.runner.parent.dsession import printable

    # A CI report is the learner's own text: no escape sequence of it reaches the teacher's
    # terminal or gradebook (a kata run's result is made printable where it is assembled).
    return Row(submission.learner, kata.id, status, 0.0, kata.points, one_line(printable(cause)))


# -- reports from the learners' CI ------------------------------------------------------------


def rows_from_report(submission: Submission, katas: list[Kata], course: list[Kata] | None = None) -> list[Row]:
    """The rows of a ``katacheck verify --report`` JSON (Exercism v3) from a learner's CI.

    The report names each check's kata by ``task_id``, the kata's position in the pack
    (``course``, 1, 2, ...); a kata passes when it has tests and all of them passed. A report
    is what the learner's repository produced: it is only as trustworthy as that repository's
    workflow.
    """
    positions = {kata.id: index for index, kata in enumerate(course or katas, start=1)}
    try:
        data = json.loads(Path(submission.path).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("version") != 3 or not isinstance(data.get("tests"), list):
            raise ValueError(t("grade.cause.not_exercism"))
    except (OSError, ValueError) as error:
        cause = t("grade.cause.bad_report", path=submission.path, error=error)
        return [_row(submission, kata, Status.ERROR, cause) for kata in katas]
    by_task: dict[int, list[dict[str, Any]]] = {}
    for test in data["tests"]:
        if isinstance(test, dict) and isinstance(test.get("task_id"), int):
            by_task.setdefault(test["task_id"], []).append(test)
    rows = []
    for kata in katas:
        tests = by_task.get(positions[kata.id], [])
        if not tests:
            cause = data.get("message") if data.get("status") == Status.ERROR and data.get("message") else None
            rows.append(_row(submission, kata, Status.ERROR if cause else Status.MISSING,
                             cause or t("grade.cause.not_in_report")))
            continue
        failing = next((test for test in tests if test.get("status") != Status.PASS), None)
        if failing is None:
            rows.append(Row(submission.learner, kata.id, Status.PASS, kata.points, kata.points))
            continue
        message = str(failing.get("message") or "")
        status = Status.ERROR if failing.get("status") == Status.ERROR else Status.FAIL
        if message.startswith(_tamper_prefixes()):
            status = Status.TAMPER
        rows.append(_row(submission, kata, status, _first_lines(message)))
    return rows


def _first_lines(message: str) -> str:
    """The diagnosis of a report test's message, and the learner's line (``→ file:line``)."""
    lines = message.splitlines()
    if not lines:
        return ""
    cause = lines[0]
    if len(lines) > 1 and lines[1].startswith("→ "):
        cause += f" ({lines[1][2:].split()[0]})"
    return cause


def _tamper_prefixes() -> tuple[str, ...]:
    return tuple(translations(language).gettext("fatal.tampered").split("{what}")[0] for language in LANGUAGES)
