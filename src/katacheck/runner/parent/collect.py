"""Parent side pytest integration: one test item per kata, each verified in a child process.

The children start as soon as collection ends, a few at a time (one per core), so verifying
five katas costs little more than verifying the slowest one.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from katacheck.i18n import t
from katacheck.render.report import render_text
from katacheck.reports.junit import RESULT_PROPERTY
from katacheck.runner.parent.dsession import run_kata, shutdown, warm_up

if TYPE_CHECKING:
    from katacheck.packs import Kata
    from katacheck.result import KataResult
    from katacheck.workspace import Workspace

RESULT_KEY = pytest.StashKey["KataResult"]()


class KataFailed(Exception):
    """A kata did not pass; carries its result for the report."""

    def __init__(self, result: KataResult) -> None:
        super().__init__(result.kata_id)
        self.result = result


@dataclass(frozen=True)
class _Crash:
    """Where and why, in one line: what pytest reads from a failure's ``reprcrash``."""

    path: str
    lineno: int
    message: str


class KataFailureRepr:
    """A failed kata as pytest reports it: the whole report, and its cause as the one-line
    message (the ``message`` of JUnit XML's ``<failure>``, the summary line of ``pytest -r``)."""

    def __init__(self, result: KataResult) -> None:
        from katacheck.reports import first_cause

        self.text = "\n".join(line.rstrip() for line in render_text(result).splitlines())
        cause = first_cause(result)
        where = cause.location if cause is not None else None
        self.reprcrash = _Crash(
            path=where.path if where is not None else "",
            lineno=where.line if where is not None else 0,
            message=cause.message if cause is not None else self.text.splitlines()[0],
        )

    def toterminal(self, tw) -> None:
        for line in self.text.splitlines():
            tw.line(line)

    def __str__(self) -> str:
        return self.text


class KataItem(pytest.Item):
    """One kata, verified against the learner's file."""

    def __init__(self, *, kata: Kata, learner_file: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.kata = kata
        self.learner_file = learner_file

    def runtest(self) -> None:
        session: WorkspaceSession = self.config.pluginmanager.get_plugin("katacheck-workspace")
        result = session.result_for(self)
        self.stash[RESULT_KEY] = result
        # JSON, not a dict: JUnit XML writes a property's value as text, and JSON stays readable.
        self.user_properties.append((RESULT_PROPERTY, json.dumps(result.to_dict(), ensure_ascii=False)))
        if not result.passed:
            raise KataFailed(result)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, KataFailed):
            return KataFailureRepr(excinfo.value.result)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, None, t("report.kata_label", kata=self.kata.id, title=self.kata.title)


class KataFile(pytest.File):
    """A learner's kata file in the workspace: it holds exactly one item, the kata."""

    def __init__(self, *, kata: Kata, **kwargs) -> None:
        super().__init__(**kwargs)
        self.kata = kata

    def collect(self):
        yield KataItem.from_parent(self, name=self.kata.id, kata=self.kata, learner_file=self.path)


class _NotAPythonTestModule(pytest.File):
    """Stands in for pytest's own Module so that a learner's file is never imported here."""

    def collect(self):
        return []


class WorkspaceSession:
    """The plugin object of a pytest session run inside a workspace."""

    def __init__(self, workspace: Workspace, selected: list[str], jobs: int | None) -> None:
        self.workspace = workspace
        self.selected = set(selected)
        self.jobs = jobs or os.cpu_count() or 1
        self.katas = {kata.learner_filename: kata for kata in workspace.pack.katas()}
        self.kata_ids = {kata.id for kata in self.katas.values()}
        self.results: dict[str, KataResult] = {}
        self._futures: dict[str, Future[KataResult]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def pytest_configure(self, config: pytest.Config) -> None:
        if config.option.collectonly:
            return
        present = [k for k in self.katas.values()
                   if self.workspace.learner_file(k).exists() and (not self.selected or k.id in self.selected)]
        if present:
            # Start the workers now: their torch import overlaps pytest's collection.
            warm_up(min(self.jobs, len(present)))

    def _kata_for(self, path: Path) -> Kata | None:
        if path.parent != self.workspace.root:
            return None
        kata = self.katas.get(path.name)
        if kata is None or (self.selected and kata.id not in self.selected):
            return None
        return kata

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector):
        kata = self._kata_for(file_path)
        if kata is not None:
            return KataFile.from_parent(parent, path=file_path, kata=kata)
        return None

    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makemodule(self, module_path: Path, parent: pytest.Collector):
        if self.katas.get(module_path.name) and module_path.parent == self.workspace.root:
            return _NotAPythonTestModule.from_parent(parent, path=module_path)
        return None

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        items = [item for item in session.items if isinstance(item, KataItem)]
        if not items:
            return
        self._pool = ThreadPoolExecutor(max_workers=min(self.jobs, len(items)))
        for item in items:
            self._futures[item.kata.id] = self._pool.submit(
                run_kata, item.kata, item.learner_file, cwd=self.workspace.root
            )

    def result_for(self, item: KataItem) -> KataResult:
        result = self._futures[item.kata.id].result()
        self.results[item.kata.id] = result
        return result

    def pytest_report_teststatus(self, report: pytest.TestReport):
        if report.when == "call" and report.nodeid.split("::")[-1] in self.kata_ids:
            if report.passed:
                return "passed", "✔", t("report.word.passed")
            if report.failed:
                return "failed", "✘", t("report.word.failed")
        return None

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        shutdown()
        if self.results:
            self._record_progress()

    def _record_progress(self) -> None:
        with self.workspace.updating_progress() as progress:
            for kata_id, result in self.results.items():
                progress.record_verification(kata_id, result.passed)
