"""The ``katacheck`` command line: one module per command, imported only when it runs.

Importing this package costs click and the catalog, nothing more: ``katacheck --help``,
``list`` and ``next`` never import torch (a test makes sure).

The group is built on first use, not at import: click takes help texts as plain strings, so the
language (``--lang``, ``KATACHECK_LANG``, the workspace's ``lang``) is chosen first.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from pathlib import Path

import click

from katacheck.cli._common import AppContext
from katacheck.i18n import LANGUAGES, normalize_language, set_language, t, translate_click

#: Command name → module under katacheck.cli, in the order ``--help`` lists them.
COMMANDS = {
    "init": "init",
    "next": "next_",
    "verify": "verify",
    "list": "list_",
    "hint": "hint",
    "reset": "reset",
    "solution": "solution",
    "grade": "grade",
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
        command = importlib.import_module(f"katacheck.cli.{COMMANDS[name]}").command
        command.options_metavar = t("cli.metavar.options")  # click's "[OPTIONS]" is no gettext string
        return command


class LanguageType(click.ParamType):
    """``pt-BR``, ``pt``, ``en``, ``en_US``...: any spelling of a language we have."""

    name = "lang"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        language = normalize_language(value)
        if language is None:
            self.fail(t("cli.option.lang.unknown", value=value, languages=", ".join(LANGUAGES)), param, ctx)
        return language


def _use_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # Messages written while the command runs follow the option at once (under CliRunner too);
    # help texts were already chosen by main() before the group was built.
    if value:
        set_language(value)
    return value


@functools.cache
def build() -> click.Group:
    """The ``katacheck`` group, with its help in the current language."""

    @click.group(cls=LazyGroup, help=t("cli.help"), context_settings={"help_option_names": ["-h", "--help"]},
                 options_metavar=t("cli.metavar.options"), subcommand_metavar=t("cli.metavar.command"))
    @click.option("--workspace", "-w", type=click.Path(file_okay=False, path_type=Path),
                  envvar="KATACHECK_WORKSPACE", help=t("cli.option.workspace"))
    @click.option("--lang", type=LanguageType(), envvar="KATACHECK_LANG", is_eager=True, metavar=t("cli.metavar.lang"),
                  callback=_use_language, help=t("cli.option.lang"))
    @click.version_option(package_name="katacheck", message=t("cli.version"), help=t("cli.option.version"))
    @click.pass_context
    def cli(ctx: click.Context, workspace: Path | None, lang: str | None) -> None:
        ctx.obj = AppContext(workspace_dir=workspace, language_chosen=lang is not None)

    return cli


def __getattr__(name: str) -> click.Group:
    if name == "cli":
        return build()
    raise AttributeError(name)


def language_from_command_line(argv: list[str], environ: os._Environ | dict[str, str]) -> str | None:
    """The language asked for before click parses anything: option, environment, workspace."""
    for index, argument in enumerate(argv):
        if argument == "--":
            break
        if argument == "--lang" and index + 1 < len(argv):
            return normalize_language(argv[index + 1])
        if argument.startswith("--lang="):
            return normalize_language(argument.partition("=")[2])
    if environ.get("KATACHECK_LANG"):
        return normalize_language(environ["KATACHECK_LANG"])
    from katacheck.workspace import Workspace

    workspace = Workspace.find(_workspace_in(argv) or Path(environ.get("KATACHECK_WORKSPACE") or "."))
    return workspace.language if workspace else None


def _workspace_in(argv: list[str]) -> Path | None:
    for index, argument in enumerate(argv[:-1]):
        if argument in ("--workspace", "-w"):
            return Path(argv[index + 1])
    return next((Path(a.partition("=")[2]) for a in argv if a.startswith("--workspace=")), None)


def main() -> None:
    """Console-script entry point."""
    set_language(language_from_command_line(sys.argv[1:], os.environ))
    translate_click()
    build()(prog_name="katacheck")
