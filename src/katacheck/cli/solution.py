"""``katacheck solution KATA``: the reference solution, once the kata has passed."""

from __future__ import annotations

import click
from rich.syntax import Syntax

from katacheck.cli._common import AppContext, kata_argument, pass_app, resolve_kata
from katacheck.render.console import console
from katacheck.errors import SolutionLockedError
from katacheck.i18n import t


@click.command(help=t("cli.solution.help"), short_help=t("cli.solution.short"))
@kata_argument(required=True)
@pass_app
def command(app: AppContext, kata_id: str) -> None:
    workspace = app.workspace()
    kata = resolve_kata(workspace, kata_id)
    if not workspace.load_progress().has_passed(kata.id):
        raise SolutionLockedError(kata.id)
    out = console()
    out.print(t("cli.solution.title", kata=kata.id), style="bold")
    out.print(Syntax(kata.solution_path.read_text(encoding="utf-8"), "python", line_numbers=True))
