"""Machine-readable reports of one verification, for course CI and graders.

Every builder here is a pure function of the verification's results (:class:`KataResult`, in
any order) and the pack's katas (:class:`Kata`, in course order): it returns data or text and
writes nothing. :func:`write_reports` is the one place that writes them and talks to GitHub.

- :mod:`katacheck.reports.scores`: the grade, one row per kata, and its points;
- :mod:`katacheck.reports.text`: a diagnosis as plain text;
- :mod:`katacheck.reports.exercism`: the JSON of Exercism's test-runner interface, version 3;
- :mod:`katacheck.reports.github`: annotations, the step summary, the Classroom points;
- :mod:`katacheck.reports.junit`: JUnit XML, as pytest writes it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from katacheck.reports import exercism, github
from katacheck.reports.scores import KataScore, format_points, score
from katacheck.result import first_cause
from katacheck.workspace import write_atomically

if TYPE_CHECKING:
    from katacheck.result import KataResult
    from katacheck.workspace import Workspace

__all__ = [
    "KataScore",
    "first_cause",
    "format_points",
    "score",
    "write_reports",
]


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
    environ = os.environ if environ is None else environ
    katas = list(workspace.pack.katas())
    if report is not None:
        data = exercism.build(results, katas, message=message)
        write_atomically(report, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    if environ.get("GITHUB_ACTIONS") == "true":
        present = {kata.id for kata in katas if workspace.learner_file(kata).exists()}
        github.publish(
            results, katas, present=present, workspace_root=workspace.root,
            environ=environ, stdout=stdout or sys.stdout,
        )
