"""``katacheck dev pack NAME [DIR]``: scaffold a whole pack distribution (see
:mod:`katacheck.authoring.scaffold`): ``pyproject.toml`` with the ``katacheck`` entry point, the
plugin module and a first kata."""

from __future__ import annotations

from pathlib import Path

import click

from katacheck.i18n import t


@click.command(help=t("cli.dev.pack.help"), short_help=t("cli.dev.pack.short"))
@click.argument("name", metavar=t("cli.dev.pack.metavar.name"))
@click.argument("directory", metavar=t("cli.metavar.dir"), required=False,
                type=click.Path(file_okay=False, path_type=Path))
def command(name: str, directory: Path | None) -> None:
    from rich.table import Table

    from katacheck.authoring.scaffold import new_pack
    from katacheck.cli.dev.new import print_files, shown
    from katacheck.render.console import console

    made = new_pack(name, directory if directory is not None else Path(name))
    out = console()
    out.print(t("cli.dev.pack.created", name=name, path=shown(made.root)), style="green")
    grid = Table.grid(padding=(0, 2))
    for path in ("pyproject.toml", f"src/{made.module}/katacheck_plugin.py", "README.md"):
        grid.add_row(f"  {path}", t(f"cli.dev.pack.file.{Path(path).name}"))
    out.print(grid)
    out.print(t("cli.dev.pack.first_kata", path=shown(made.first_kata)))
    print_files(made.first_kata)
    out.print(t("cli.dev.pack.next", root=shown(made.root), name=name, katas=Path("src", made.module, "katas").as_posix()))
