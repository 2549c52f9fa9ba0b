"""The ``katacheck`` command line: one module per command, imported only when it runs.

Importing this package costs click and the catalog, nothing more: ``katacheck --help``,
``list`` and ``next`` never import torch (a test makes sure).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from katacheck.cli._common import AppContext
from katacheck.i18n import t, translate_click

#: Command name → module under katacheck.cli, in the order ``--help`` lists them.
COMMANDS = {
    "init": "init",
    "next": "next_",
    "verify": "verify",
    "list": "list_",
    "hint": "hint",
    "reset": "reset",
    "solution": "solution",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The short help comes from the catalog, so `--help` imports no command module.
        with formatter.section(t("cli.commands")):
            formatter.write_dl([(name, t(f"cli.{name}.short")) for name in COMMANDS])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        return importlib.import_module(f"katacheck.cli.{COMMANDS[name]}").command


@click.group(cls=LazyGroup, help=t("cli.help"), context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--workspace", "-w", type=click.Path(file_okay=False, path_type=Path),
              envvar="KATACHECK_WORKSPACE", help=t("cli.option.workspace"))
@click.version_option(package_name="katacheck", message=t("cli.version"), help=t("cli.option.version"))
@click.pass_context
def cli(ctx: click.Context, workspace: Path | None) -> None:
    ctx.obj = AppContext(workspace_dir=workspace)


def main() -> None:
    """Console-script entry point."""
    translate_click()
    cli(prog_name="katacheck")
