"""``katacheck watch [--poll]``: verify the current kata again each time its file is saved.

As rustlings does it: the verdict comes back by itself after each save, and single keys (no
Enter) give the next hint (``h``), the next kata once this one passes (``n``), the list (``l``),
a new run (``r``), the stub again (``x``, after a yes/no) and the way out (``q``, or Ctrl-C).
The loop itself lives in :mod:`katacheck.cli._watchloop`; this module decides whether it can run
(a terminal, a current kata with its file) and how files are watched.

Polling. File events (inotify) do not arrive from Windows drives under WSL, from NFS, nor from
many container bind mounts; there watchfiles must look at the folder every few hundred
milliseconds instead. :func:`polling_reason` decides, in this order:

1. ``--poll`` turns polling on;
2. ``WATCHFILES_FORCE_POLLING``, the variable watchfiles itself reads, turns it on, or off with
   ``false``/``disable``/``disabled`` (a container set up once for every watchfiles tool works
   here too, and on WSL with the files inside the Linux file system inotify works, so polling
   can be turned off);
3. WSL turns it on: the kernel's release names Microsoft (WSL 1: ``4.4.0-19041-Microsoft``,
   WSL 2: ``5.15.90.1-microsoft-standard-WSL2``). watchfiles' own check only knows WSL 2's
   ``microsoft-standard``; WSL 1 needs polling as much.

We always pass the decision to watchfiles explicitly, so what the startup line says is what
happens.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
from collections.abc import Iterator, Mapping

import click

from katacheck.cli._common import AppContext, pass_app, resolve_kata
from katacheck.errors import KatacheckError, LearnerFileMissingError, NoCurrentKataError
from katacheck.i18n import t

#: Values of WATCHFILES_FORCE_POLLING that turn polling off (watchfiles' own list).
_POLLING_OFF = frozenset({"false", "disable", "disabled"})


@click.command(help=t("cli.watch.help"), short_help=t("cli.watch.short"))
@click.option("--poll", is_flag=True, help=t("cli.watch.option.poll"))
@pass_app
def command(app: AppContext, poll: bool) -> None:
    if not sys.stdin.isatty():
        # Single keys need a terminal; in a pipe or a CI job, verify does the same job once.
        raise KatacheckError(t("cli.watch.no_tty"), fix="katacheck verify")
    workspace = app.workspace()
    kata = _current_kata(workspace)
    from katacheck.cli._watchloop import watch_session  # imports the runner: not for --help

    with single_keys(sys.stdin.fileno()):
        code = watch_session(workspace, kata, polling_reason(poll, os.environ, platform.uname()))
    raise SystemExit(code)


def _current_kata(workspace):
    """The kata ``progress.current`` names, once its file exists (the errors verify gives)."""
    kata_id = workspace.load_progress().current
    if kata_id is None:
        raise NoCurrentKataError()
    kata = resolve_kata(workspace, kata_id)
    if not workspace.learner_file(kata).exists():
        raise LearnerFileMissingError(kata.learner_filename, f"katacheck reset {kata.id}")
    return kata


def polling_reason(option: bool, environ: Mapping[str, str], uname: platform.uname_result) -> str | None:
    """Why the workspace folder is polled rather than watched for events, or None if it is not.

    ``"option"`` (``--poll``), ``"environment"`` (``WATCHFILES_FORCE_POLLING``) or ``"wsl"``;
    the order and the reasons are in this module's docstring.
    """
    if option:
        return "option"
    forced = environ.get("WATCHFILES_FORCE_POLLING", "").strip().lower()
    if forced:
        return None if forced in _POLLING_OFF else "environment"
    if is_wsl(uname):
        return "wsl"
    return None


def is_wsl(uname: platform.uname_result) -> bool:
    """Whether this is Linux under Windows (WSL 1 or 2), from the kernel's release string."""
    return uname.system.lower() == "linux" and "microsoft" in uname.release.lower()


@contextlib.contextmanager
def single_keys(fd: int) -> Iterator[None]:
    """Each key reaches us as it is pressed, without Enter and without echo, until the block ends.

    cbreak rather than raw mode: Ctrl-C still raises KeyboardInterrupt and newlines still
    return the carriage, so rich's output looks as it does elsewhere. The terminal's settings
    are restored however the block ends.
    """
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
