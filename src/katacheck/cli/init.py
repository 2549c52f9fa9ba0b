"""``katacheck init [DIR]``: make a folder a workspace."""

from __future__ import annotations

from pathlib import Path

import click

from katacheck.builtin import PACK_NAME
from katacheck.cli._common import AppContext, pass_app
from katacheck.console import console
from katacheck.i18n import t
from katacheck.plugins import get_pack
from katacheck.workspace import CONFIG_FILE, Workspace


@click.command(help=t("cli.init.help"), short_help=t("cli.init.short"))
@click.argument("directory", metavar="[DIR]", required=False,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--pack", default=PACK_NAME, show_default=True, help=t("cli.init.option.pack"))
@pass_app
def command(app: AppContext, directory: Path | None, pack: str) -> None:
    root = (directory or app.start()).resolve()
    get_pack(pack)  # an unknown pack is a user error before anything is written
    if (root / CONFIG_FILE).is_file():
        console().print(t("cli.init.exists", path=root))
        return
    Workspace.create(root, pack)
    console().print(t("cli.init.created", path=root, pack=pack))
