"""What several commands share: finding the workspace, resolving a kata id, showing text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from katacheck.errors import UnknownKataError
from katacheck.i18n import set_language
from katacheck.workspace import Workspace

if TYPE_CHECKING:
    from katacheck.packs import Kata


@dataclass
class AppContext:
    workspace_dir: Path | None = None
    #: Whether --lang or KATACHECK_LANG chose the language (they win over the workspace's).
    language_chosen: bool = False

    def start(self) -> Path:
        return self.workspace_dir or Path.cwd()

    def workspace(self) -> Workspace:
        """The workspace for this invocation; a user error if there is none."""
        workspace = Workspace.require(self.workspace_dir if self.workspace_dir is not None else Path.cwd())
        if workspace.language and not self.language_chosen:
            set_language(workspace.language)
        return workspace


pass_app = click.make_pass_decorator(AppContext, ensure=True)


def resolve_kata(workspace: Workspace, kata_id: str) -> Kata:
    kata = workspace.pack.get(kata_id)
    if kata is None:
        raise UnknownKataError(kata_id, workspace.pack.ids())
    return kata


def kata_argument(required: bool):
    return click.argument("kata_id", metavar="KATA", required=required)
