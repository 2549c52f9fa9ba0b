"""``katacheck list``: every kata of the workspace's pack, with its status."""

from __future__ import annotations

import json

import click
from rich.table import Table

from katacheck.cli._common import AppContext, pass_app
from katacheck.render.console import console
from katacheck.i18n import t


@click.command(help=t("cli.list.help"), short_help=t("cli.list.short"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.list.option.json"))
@pass_app
def command(app: AppContext, as_json: bool) -> None:
    workspace = app.workspace()
    progress = workspace.load_progress()
    rows = [(kata, _status(workspace, progress, kata)) for kata in workspace.pack.katas()]
    if as_json:
        data = [{"id": k.id, "title": k.title, "status": status} for k, status in rows]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(title=t("cli.list.title", pack=workspace.pack.title))
    for column in ("cli.list.col.kata", "cli.list.col.title", "cli.list.col.status"):
        table.add_column(t(column))
    for kata, status in rows:
        marker = " ←" if kata.id == progress.current else ""
        table.add_row(kata.id, kata.title, t(f"status.{status}") + marker)
    console().print(table)
    console().print(t("cli.list.summary", passed=len(progress.passed), total=len(rows)))


def _status(workspace, progress, kata) -> str:
    """passed, failing (passed before, fails now), pending (file exists) or locked."""
    if progress.has_passed(kata.id):
        return "failing" if progress.last_result.get(kata.id) == "failed" else "passed"
    if workspace.learner_file(kata).exists():
        return "pending"
    return "locked"
