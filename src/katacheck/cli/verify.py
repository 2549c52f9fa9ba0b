"""``katacheck verify [KATA] [--all]``: run the hidden tests and explain the verdict.

``--report`` and ``--junitxml`` write the results for machines; on GitHub Actions the same run
also annotates the learner's lines and reports the points (:mod:`katacheck.reports`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

from katacheck.cli._common import AppContext, kata_argument, pass_app, resolve_kata
from katacheck.errors import ExitCode, KatacheckError, LearnerFileMissingError, NoCurrentKataError
from katacheck.i18n import t
from katacheck.render.console import console


@click.command(help=t("cli.verify.help"), short_help=t("cli.verify.short"))
@kata_argument(required=False)
@click.option("--all", "verify_all", is_flag=True, help=t("cli.verify.option.all"))
@click.option("--no-hints", "offer_hints", is_flag=True, flag_value=False, default=True,
              help=t("cli.verify.option.no_hints"))
@click.option("--report", metavar=t("cli.metavar.path"), type=click.Path(dir_okay=False, path_type=Path),
              help=t("cli.verify.option.report"))
@click.option("--junitxml", metavar=t("cli.metavar.path"), type=click.Path(dir_okay=False, path_type=Path),
              help=t("cli.verify.option.junitxml"))
@pass_app
def command(app: AppContext, kata_id: str | None, verify_all: bool, offer_hints: bool,
            report: Path | None, junitxml: Path | None) -> None:
    workspace = app.workspace()
    try:
        katas = _select(workspace, kata_id, verify_all)
    except KatacheckError as error:
        # A course's CI on a repository where no kata was started yet still reports a grade (0).
        if verify_all and (report is not None or _on_github()):
            from katacheck.reports import write_reports

            write_reports(workspace, [], report=report, message=error.message)
        raise
    from katacheck.runner.parent import warm_up
    from katacheck.verifying import record, run_in_workspace

    # The workers import torch while this process goes on: the two costs overlap.
    warm_up(min(len(katas), os.cpu_count() or 1))
    from katacheck.render.report import render

    started = time.time()
    with console().status(t("cli.verify.running", count=len(katas))):
        # Nothing of the workspace is imported or collected here: each kata runs in a child.
        results = run_in_workspace(workspace, katas)
    record(workspace, results)
    if junitxml is not None:
        from katacheck.reports import junit

        junit.write(junitxml.resolve(), results, started=started)
    out = console()
    for result in results:
        out.print(render(result))
        out.print()
    failed = [r for r in results if not r.passed]
    if offer_hints:
        _offer_hints(workspace, failed)
    _summary(workspace, results, failed)
    if report is not None or _on_github():
        from katacheck.reports import write_reports

        write_reports(workspace, results, report=report)
    raise SystemExit(ExitCode.KATA_FAILED if failed else ExitCode.OK)


def _on_github() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def _select(workspace, kata_id: str | None, verify_all: bool) -> list:
    if verify_all:
        for kata in workspace.pack.katas():  # a folder, a link, a file not in UTF-8: exit 2, say why
            workspace.check_learner_file(kata)
        katas = [k for k in workspace.pack.katas() if workspace.learner_file(k).exists()]
        if not katas:
            raise KatacheckError(t("error.nothing_to_verify"), fix="katacheck next")
        return katas
    if kata_id is None:
        kata_id = workspace.load_progress().current
        if kata_id is None:
            raise NoCurrentKataError()
    kata = resolve_kata(workspace, kata_id)
    workspace.check_learner_file(kata)  # a folder, a link, a file not in UTF-8: exit 2, say why
    if not workspace.learner_file(kata).exists():
        current = workspace.load_progress().current
        fix = "katacheck next" if current in (None, kata.id) else f"katacheck reset {kata.id}"
        raise LearnerFileMissingError(kata.learner_filename, fix)
    return [kata]


def _offer_hints(workspace, failed) -> None:
    """After repeated failures of a kata, show its next hint without being asked."""
    from katacheck.hints import render_hints
    from katacheck.verifying import offer_hints

    out = console()
    for offer in offer_hints(workspace, failed):
        out.print(t("cli.verify.hint_offered", kata=offer.kata.id, attempts=offer.failures), style="yellow")
        out.print(render_hints(offer.kata, offer.level, only_last=True))
        out.print()


def _summary(workspace, results, failed) -> None:
    out = console()
    passed = len(results) - len(failed)
    if not failed:
        out.print(t("cli.verify.all_passed", passed=passed, total=len(results)), style="bold green")
        current = workspace.load_progress().current
        if any(r.kata_id == current for r in results):
            out.print(t("cli.verify.next_step"))
        return
    out.print(t("cli.verify.some_failed", passed=passed, total=len(results)), style="bold red")
    out.print(t("cli.verify.failed_step", kata=failed[0].kata_id))
