"""The ``katacheck`` command line: one module per command, imported only when it runs.

Importing this package costs click and the catalog, nothing more: ``katacheck --help``,
``list`` and ``next`` never import torch (a test makes sure).

The group is built on first use, not at import: click takes help texts as plain strings, so the
language (``--lang``, ``KATACHECK_LANG``, the workspace's ``lang``) is chosen first.

Bad input never costs a traceback: a ``KATACHECK_*`` variable that cannot be used, a malformed
``katacheck.toml``, ``kata.toml`` or learner file is a :class:`katacheck.errors.KatacheckError`,
shown as a message and the command that fixes it, with exit code 2. ``--help`` works anyway.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from pathlib import Path

import click

from katacheck import settings
from katacheck.cli._common import AppContext
from katacheck.errors import KatacheckError
from katacheck.i18n import LANGUAGES, normalize_language, set_language, t, translate_click

#: Command name → module under katacheck.cli, in the order ``--help`` lists them.
COMMANDS = {
    "init": "init",
    "next": "next_",
    "verify": "verify",
    "watch": "watch",
    "list": "list_",
    "hint": "hint",
    "reset": "reset",
    "solution": "solution",
    "grade": "grade",
    "dev": "dev",  # a group: the course authors' commands, in katacheck.cli.dev
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The short help comes from the catalog, so `--help` imports no command module.
        with formatter.section(t("cli.commands")):
            formatter.write_dl([(name, t(f"cli.{name}.short")) for name in COMMANDS])

    def resolve_command(self, ctx: click.Context, args: list[str]):
        # The group's callback runs before the subcommand parses its own options: note whether
        # it will only show its help, which must work whatever the environment holds.
        ctx.meta[HELP_ONLY] = _asks_for_help(args[1:], ctx.help_option_names)
        return super().resolve_command(ctx, args)

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
    # KATACHECK_WORKSPACE and KATACHECK_LANG are read by katacheck.settings, not by click, so
    # that a bad value gets the same message as any other KATACHECK_* variable.
    @click.option("--workspace", "-w", type=click.Path(file_okay=False, path_type=Path),
                  help=t("cli.option.workspace"))
    @click.option("--lang", type=LanguageType(), is_eager=True, metavar=t("cli.metavar.lang"),
                  callback=_use_language, help=t("cli.option.lang"))
    @click.version_option(package_name="katacheck", message=t("cli.version"), help=t("cli.option.version"))
    @click.pass_context
    def cli(ctx: click.Context, workspace: Path | None, lang: str | None) -> None:
        if ctx.meta.get(HELP_ONLY):
            ctx.obj = AppContext(workspace_dir=workspace, language_chosen=lang is not None)
            return
        settings.validate(overridden=[name for name, given in ((settings.LANG, lang), (settings.WORKSPACE, workspace))
                                      if given is not None])
        if lang is None:
            lang = settings.language()
            if lang is not None:
                set_language(lang)
        ctx.obj = AppContext(workspace_dir=workspace or settings.workspace(), language_chosen=lang is not None)

    return cli


#: ``ctx.meta`` key: the subcommand was asked only for its ``--help``.
HELP_ONLY = "katacheck.help_only"


def _asks_for_help(args: list[str], help_options: list[str]) -> bool:
    for argument in args:
        if argument == "--":
            return False
        if argument in help_options:
            return True
    return False


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
    if normalize_language(environ.get("KATACHECK_LANG")):
        return normalize_language(environ["KATACHECK_LANG"])
    from katacheck.workspace import Workspace

    # Only the help's language is at stake here: a bad KATACHECK_LANG, a folder that does not
    # exist or a broken katacheck.toml is reported by the command itself, and --help still works.
    start = _workspace_in(argv) or Path(environ.get("KATACHECK_WORKSPACE") or ".")
    try:
        workspace = Workspace.find(start) if start.is_dir() else None
    except (KatacheckError, OSError):
        return None
    return workspace.language if workspace else None


def _workspace_in(argv: list[str]) -> Path | None:
    for index, argument in enumerate(argv[:-1]):
        if argument in ("--workspace", "-w"):
            return Path(argv[index + 1])
    return next((Path(a.partition("=")[2]) for a in argv if a.startswith("--workspace=")), None)


def main() -> None:
    """Console-script entry point."""
    set_language(language_from_command_line(sys.argv[1:], os.environ), export=False)
    translate_click()
    build()(prog_name="katacheck")
