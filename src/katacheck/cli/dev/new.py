"""``katacheck dev new ID [--pack DIR]``: scaffold a kata folder in a pack (see
:mod:`katacheck.authoring.scaffold`), ordered after the katas already there."""

from __future__ import annotations

from pathlib import Path

import click

from katacheck.i18n import t


@click.command(help=t("cli.dev.new.help"), short_help=t("cli.dev.new.short"))
@click.argument("kata_id", metavar="ID")
@click.option("--pack", "pack_spec", default=None, metavar=t("cli.dev.check.metavar.pack"), help=t("cli.dev.new.option.pack"))
def command(kata_id: str, pack_spec: str | None) -> None:
    from katacheck.authoring.scaffold import new_kata
    from katacheck.render.console import console

    katas = pack_folder(pack_spec)
    folder = new_kata(katas, kata_id)
    out = console()
    out.print(t("cli.dev.new.created", kata=kata_id, path=shown(folder), order=_order(folder)), style="green")
    print_files(folder)
    out.print(t("cli.dev.new.next", kata=kata_id, pack=shown(katas)))


def pack_folder(spec: str | None) -> Path:
    """``--pack``: a folder of kata folders, a pack project's root (its ``src/<package>/katas``),
    or the name of an installed pack (its folder: the source, in an editable install); default:
    the current folder, read the same way."""
    from katacheck.authoring.scaffold import katas_folder

    if spec is not None and not Path(spec).is_dir():
        from katacheck.plugins import packs

        if spec in packs():
            return packs()[spec].directory
    return katas_folder(Path(spec) if spec is not None else Path.cwd())


def print_files(folder: Path) -> None:
    """Each file of a new kata, with what it is for."""
    from rich.table import Table

    from katacheck.authoring.scaffold import KATA_FILES
    from katacheck.render.console import console

    grid = Table.grid(padding=(0, 2))
    for name in KATA_FILES.values():
        grid.add_row(f"  {name}", t(f"cli.dev.new.file.{name}"))
    console().print(grid)


def shown(path: Path) -> str:
    """``path`` from the current folder when it is under it (shorter, and what an editor opens)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


def _order(folder: Path) -> object:
    from katacheck._toml import tomllib

    return tomllib.loads((folder / "kata.toml").read_text(encoding="utf-8"))["order"]
