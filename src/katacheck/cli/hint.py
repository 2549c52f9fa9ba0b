"""``katacheck hint [KATA]``: reveal the next hint, one at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from katacheck.cli._common import AppContext, kata_argument, pass_app, resolve_kata
from katacheck.errors import NoCurrentKataError
from katacheck.hints import render_hints
from katacheck.i18n import t
from katacheck.render.console import console

if TYPE_CHECKING:
    from katacheck.packs import Kata
    from katacheck.workspace import Workspace


@click.command(help=t("cli.hint.help"), short_help=t("cli.hint.short"))
@kata_argument(required=False)
@pass_app
def command(app: AppContext, kata_id: str | None) -> None:
    workspace = app.workspace()
    progress = workspace.load_progress()
    kata_id = kata_id or progress.current
    if kata_id is None:
        raise NoCurrentKataError()
    kata = resolve_kata(workspace, kata_id)
    revealed = reveal_next_hint(workspace, kata)
    if revealed is None:
        return
    if revealed < len(kata.hints):
        console().print(t("cli.hint.more", kata=kata.id), style="dim")
    else:
        console().print(t("cli.hint.last"), style="dim")


def reveal_next_hint(workspace: Workspace, kata: Kata) -> int | None:
    """Reveal ``kata``'s next hint, record it and print the hints seen so far.

    Returns how many are revealed now, or None when the kata has no hints (which it says).
    Shared with the ``h`` key of ``katacheck watch``.
    """
    out = console()
    if not kata.hints:
        out.print(t("cli.hint.none", kata=kata.id))
        return None
    with workspace.updating_progress() as progress:
        revealed = progress.reveal_hint(kata.id, len(kata.hints))
    out.print(render_hints(kata, revealed))
    return revealed
