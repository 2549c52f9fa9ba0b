"""``katacheck solution KATA``: the reference solution, once the kata has passed.

"Passed" means a pass that ``katacheck verify`` (or ``watch``) recorded and signed
(:class:`katacheck.workspace.PassSeal`), not the kata's name in ``.katacheck/progresso.json``:
a hand-edited progress file unlocks nothing, and an older one (without signatures) unlocks the
kata once it passes again.
"""

from __future__ import annotations

import click
from rich.syntax import Syntax

from katacheck.cli._common import AppContext, kata_argument, pass_app, resolve_kata
from katacheck.errors import KatacheckError, SolutionLockedError
from katacheck.i18n import t
from katacheck.render.console import console
from katacheck.workspace import PassSeal, Progress, Workspace


@click.command(help=t("cli.solution.help"), short_help=t("cli.solution.short"))
@kata_argument(required=True)
@pass_app
def command(app: AppContext, kata_id: str) -> None:
    workspace = app.workspace()
    kata = resolve_kata(workspace, kata_id)
    require_signed_pass(workspace, workspace.load_progress(), kata.id)
    out = console()
    out.print(t("cli.solution.title", kata=kata.id), style="bold")
    out.print(Syntax(kata.solution_path.read_text(encoding="utf-8"), "python", line_numbers=True))


def require_signed_pass(workspace: Workspace, progress: Progress, kata_id: str) -> None:
    """Return only when ``progress`` holds a valid signed pass of ``kata_id`` in ``workspace``;
    otherwise a user error (exit 2) that says how to get one: ``katacheck verify``."""
    try:
        sealed = workspace.has_sealed_pass(progress, kata_id)
    except (OSError, ValueError) as error:
        path = PassSeal.key_path()
        raise KatacheckError(t("error.solution_key", path=path, error=getattr(error, "strerror", None) or error,
                               kata=kata_id),
                             fix=t("error.solution_key.fix", folder=path.parent, kata=kata_id)) from None
    if sealed:
        return
    if progress.has_passed(kata_id):
        # In the list, but unsigned: an older progress file, another folder's, or an edit.
        raise KatacheckError(t("error.solution_unsigned", kata=kata_id), fix=f"katacheck verify {kata_id}")
    raise SolutionLockedError(kata_id)
