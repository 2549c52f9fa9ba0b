"""The one place that builds rich consoles: stdout for results, stderr for errors.

Text that comes from learners (their code, their output) is always printed with markup and
highlighting off, so a ``[red]`` in a print statement is shown, not interpreted.
"""

from __future__ import annotations

import functools

from rich.console import Console
from rich.text import Text

from katacheck import settings
from katacheck.errors import SettingError
from katacheck.i18n import t


def _width() -> int | None:
    # Tests and CI logs want a stable width (KATACHECK_WIDTH); a terminal knows its own.
    try:
        return settings.width()
    except SettingError:
        # The CLI reports a bad KATACHECK_WIDTH before any command runs (settings.validate);
        # the console that prints that very error must not fail on it again.
        return None


def console() -> Console:
    """The console for stdout, at the width in force now."""
    return _console(_width(), stderr=False)


def err_console() -> Console:
    """The console for stderr, at the width in force now."""
    return _console(_width(), stderr=True)


@functools.cache
def _console(width: int | None, *, stderr: bool) -> Console:
    # One per width: a console made before KATACHECK_WIDTH changed (a test, a long-lived
    # process) must not keep wrapping at the old width.
    return Console(stderr=stderr, highlight=False, width=width)


def print_error(message: str, fix: str | None = None) -> None:
    """An error line, and the command that fixes it."""
    out = err_console()
    out.print(Text.assemble((t("console.error_prefix"), "bold red"), " ", message))
    if fix:
        out.print(Text.assemble("  ", (t("console.fix_prefix"), "bold"), " ", (fix, "cyan")))


def print_notice(message: str, fix: str | None = None) -> None:
    """A yellow notice on stderr: something was wrong and katacheck dealt with it; the command
    that finishes the job, if any."""
    out = err_console()
    out.print(Text.assemble((t("console.notice_prefix"), "bold yellow"), " ", (message, "yellow")))
    if fix:
        out.print(Text.assemble("  ", (t("console.fix_prefix"), "bold"), " ", (fix, "cyan")))
