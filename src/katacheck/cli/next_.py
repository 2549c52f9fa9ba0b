"""``katacheck next``: write the next kata's stub and show its statement."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click
from rich.rule import Rule

from katacheck.builtin import PACK_NAME
from katacheck.cli._common import AppContext, pass_app
from katacheck.i18n import t
from katacheck.render.console import console, print_notice
from katacheck.workspace import Workspace

if TYPE_CHECKING:
    from katacheck.packs import Kata


@click.command(help=t("cli.next.help"), short_help=t("cli.next.short"))
@pass_app
def command(app: AppContext) -> None:
    workspace = Workspace.find(app.start())
    if workspace is None:  # `next` in a plain folder makes it a workspace
        workspace = Workspace.create(app.start().resolve(), PACK_NAME)
        console().print(t("cli.init.created_short", path=workspace.root))
    kata = advance(workspace)
    if kata is None:
        console().print(t("cli.next.all_done", total=len(workspace.pack.katas())))
        return
    show_statement(kata)
    console().print(t("cli.next.edit", file=workspace.learner_file(kata).name))
    problem = workspace.learner_file_problem(kata)  # a folder or a link where the file should be
    if problem is not None:
        print_notice(problem.message, problem.fix)


def advance(workspace: Workspace) -> Kata | None:
    """Make the next kata current, writing its stub unless its file exists; None when all passed.

    What ``katacheck next`` does, shared with the ``n`` key of ``katacheck watch``.
    """
    with workspace.updating_progress() as progress:  # saved only if the current kata changed
        kata = _next_kata(workspace, progress)
        if kata is None:
            return None
        learner_file = workspace.learner_file(kata)
        # Never overwrite the learner's work (nor a folder or a link that stands in its place:
        # `verify` says what is wrong with it).
        if not os.path.lexists(learner_file):
            learner_file.write_text(kata.stub_path.read_text(encoding="utf-8"), encoding="utf-8")
        progress.current = kata.id
    return kata


def _next_kata(workspace: Workspace, progress):
    """The current kata while it has not passed, else the first kata not passed yet."""
    pack = workspace.pack
    if progress.current and not progress.has_passed(progress.current) and pack.get(progress.current):
        return pack.get(progress.current)
    return next((kata for kata in pack.katas() if not progress.has_passed(kata.id)), None)


def show_statement(kata: Kata) -> None:
    """The kata's title and statement, between two rules."""
    from rich.markdown import Markdown  # markdown-it costs ~0.1 s: only when a statement is shown

    out = console()
    out.print(Rule(t("cli.next.title", kata=kata.id, title=kata.title)))
    out.print(Markdown(kata.statement()))
    out.print(Rule())
