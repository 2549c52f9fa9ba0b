"""``katacheck list``: every kata of the workspace's pack, with its status."""

from __future__ import annotations

import json

import click
from rich.table import Table
from rich.text import Text

from katacheck.cli._common import AppContext, pass_app
from katacheck.i18n import t
from katacheck.render.console import console, print_notice


@click.command(help=t("cli.list.help"), short_help=t("cli.list.short"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.list.option.json"))
@pass_app
def command(app: AppContext, as_json: bool) -> None:
    workspace = app.workspace()
    if not as_json:
        print_list(workspace)
        return
    progress = workspace.load_progress()
    data = [{"id": k.id, "title": k.title, "section": k.section, "status": _status(workspace, progress, k)}
            for k in workspace.pack.katas()]
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def print_list(workspace) -> None:
    """The table of the pack's katas with each one's status, and how many passed.

    Grouped by section, in course order: each section opens with a bold row (its number, its
    name, how many of its katas passed). A pack whose katas name no section is one plain list.
    Shared with the ``l`` key of ``katacheck watch``.
    """
    progress = workspace.load_progress()
    table = Table(title=t("cli.list.title", pack=workspace.pack.title))
    for column in ("cli.list.col.kata", "cli.list.col.title", "cli.list.col.status"):
        table.add_column(t(column))
    katas = workspace.pack.katas()
    number = 0
    for section, members in workspace.pack.sections():
        if section:
            number += 1
            passed = sum(progress.has_passed(kata.id) for kata in members)
            table.add_row(*(Text(cell, style="bold") for cell in (
                t("cli.list.section", number=number), section,
                t("cli.list.section_progress", passed=passed, total=len(members)))))
        for index, kata in enumerate(members):
            marker = " ←" if kata.id == progress.current else ""
            table.add_row(kata.id, kata.title, t(f"status.{_status(workspace, progress, kata)}") + marker,
                          end_section=index == len(members) - 1)
    console().print(table)
    console().print(t("cli.list.summary", passed=len(progress.passed), total=len(katas)))
    for kata in katas:  # an "invalid" status says what is wrong and how to fix it
        problem = workspace.learner_file_problem(kata)
        if problem is not None:
            print_notice(problem.message, problem.fix)


def _status(workspace, progress, kata) -> str:
    """invalid (a file that cannot be verified), passed, failing (passed before, fails now),
    pending (file exists) or locked."""
    if workspace.learner_file_problem(kata) is not None:  # `verify` would refuse it: say so first
        return "invalid"
    if progress.has_passed(kata.id):
        return "failing" if progress.last_result.get(kata.id) == "failed" else "passed"
    if workspace.learner_file(kata).exists():
        return "pending"
    return "locked"
