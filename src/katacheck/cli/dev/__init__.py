"""``katacheck dev``: the commands for course authors, each in a module of its own.

Like the top-level group, this one imports a subcommand's module only when it runs, so
``katacheck dev --help`` costs click and the catalog, never torch. A new subcommand is one line
in :data:`SUBCOMMANDS` (its module here, exposing ``command``) and its ``cli.dev.<name>.short``
in the catalogs.
"""

from __future__ import annotations

import importlib

import click

from katacheck.i18n import t

#: Subcommand name → module under katacheck.cli.dev, in the order ``--help`` lists them.
SUBCOMMANDS: dict[str, str] = {
    "pack": "pack",
    "new": "new",
    "calibrate": "calibrate",
    "check": "check",
}


class DevGroup(click.Group):
    """``katacheck dev``'s subcommands, imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(SUBCOMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The short help comes from the catalog, so `dev --help` imports no subcommand module.
        if not SUBCOMMANDS:  # click's definition list cannot be empty
            return
        with formatter.section(t("cli.commands")):
            formatter.write_dl([(name, t(f"cli.dev.{name}.short")) for name in SUBCOMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS:
            return None
        command = importlib.import_module(f"katacheck.cli.dev.{SUBCOMMANDS[name]}").command
        command.options_metavar = t("cli.metavar.options")
        return command


@click.group(cls=DevGroup, help=t("cli.dev.help"), short_help=t("cli.dev.short"),
             subcommand_metavar=t("cli.metavar.command"))
def command() -> None:
    """The group itself does nothing: each subcommand finds its own pack."""
