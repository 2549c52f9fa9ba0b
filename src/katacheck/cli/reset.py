"""``katacheck reset KATA``: start a kata over from its stub (the old file is kept)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from katacheck.cli._common import AppContext, kata_argument, pass_app, resolve_kata
from katacheck.i18n import t
from katacheck.render.console import console
from katacheck.workspace import write_atomically

if TYPE_CHECKING:
    from katacheck.packs import Kata
    from katacheck.workspace import Workspace


@click.command(help=t("cli.reset.help"), short_help=t("cli.reset.short"))
@kata_argument(required=True)
@pass_app
def command(app: AppContext, kata_id: str) -> None:
    workspace = app.workspace()
    kata = resolve_kata(workspace, kata_id)
    reset_to_stub(workspace, kata)


def reset_to_stub(workspace: Workspace, kata: Kata) -> None:
    """Write ``kata``'s stub over its learner file, copying the old file to the backups first.

    Shared with the ``x`` key of ``katacheck watch``.
    """
    learner_file = workspace.learner_file(kata)
    # lexists, not exists: a broken link in the file's place is kept (and replaced) too.
    if os.path.lexists(learner_file):
        backup = workspace.backup(learner_file)
        console().print(t("cli.reset.backup", path=backup.relative_to(workspace.root)))
    write_atomically(learner_file, kata.stub_path.read_text(encoding="utf-8"))
    console().print(t("cli.reset.done", file=learner_file.name))
