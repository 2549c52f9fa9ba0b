"""``katacheck verify`` as a pytest session: the same plugin plain ``pytest`` uses."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import pytest

from katacheck.runner.parent.collect import RESULT_PROPERTY
from katacheck.result import KataResult

if TYPE_CHECKING:
    from katacheck.packs import Kata
    from katacheck.workspace import Workspace


class _ResultCollector:
    """Gathers each kata's result from the test reports, in the order they finish."""

    def __init__(self) -> None:
        self.results: list[KataResult] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call":
            return
        for name, value in report.user_properties:
            if name == RESULT_PROPERTY:
                self.results.append(KataResult.from_dict(json.loads(value) if isinstance(value, str) else value))


def verify_katas(workspace: Workspace, katas: list[Kata], extra_args: tuple[str, ...] = ()) -> list[KataResult]:
    """Verify ``katas`` in ``workspace``; returns their results in course order."""
    collector = _ResultCollector()
    args = [
        str(workspace.root),
        f"--katacheck-workspace={workspace.root}",
        *(f"--katacheck-kata={kata.id}" for kata in katas),
        f"--rootdir={workspace.root}",
        # The workspace's own pytest settings and conftest.py play no part in a verification,
        # and no learner's test file is collected: only the katas.
        "-c", os.devnull, "--noconftest", "-o", "python_files=",
        "-p", "no:cacheprovider", "-p", "no:terminal", "-p", "no:warnings",
        *extra_args,
    ]
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        args += ["-p", "katacheck.pytest_plugin"]
    pytest.main(args, plugins=[collector])
    order = {kata.id: index for index, kata in enumerate(katas)}
    return sorted(collector.results, key=lambda result: order.get(result.kata_id, len(order)))
