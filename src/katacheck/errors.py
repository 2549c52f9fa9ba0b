"""User errors: each one says what went wrong and the command that fixes it (exit code 2).

Bugs in katacheck itself are not caught here: they surface as tracebacks, as they should.
"""

from __future__ import annotations

import enum
import re
from pathlib import Path

import click

from katacheck.i18n import t


class ExitCode(enum.IntEnum):
    """The process exit codes of ``katacheck``."""

    #: Every verified kata passes (or the command had nothing to verify).
    OK = 0
    #: Some kata fails, including learner code that does not import, crashes or hangs.
    KATA_FAILED = 1
    #: A usage error: an unknown kata, not a workspace, a learner file that does not exist yet or
    #: cannot be read, a malformed ``katacheck.toml`` or ``kata.toml``, a bad ``KATACHECK_*``
    #: variable.
    USAGE_ERROR = 2


class KatacheckError(click.ClickException):
    """A problem the user can fix; ``fix`` is the command (or action) that fixes it."""

    exit_code = ExitCode.USAGE_ERROR

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.fix = fix

    def show(self, file: object = None) -> None:
        # click's own output, not the rich console: everything that can fail (the settings, the
        # packs, the workspace) imports this module, so it imports none of them back.
        prefix = click.style(t("console.error_prefix"), fg="red", bold=True)
        click.echo(f"{prefix} {self.message}", file=file, err=file is None)
        if self.fix:
            fix = click.style(t("console.fix_prefix"), bold=True)
            click.echo(f"  {fix} {click.style(self.fix, fg='cyan')}", file=file, err=file is None)


class NotAWorkspaceError(KatacheckError):
    def __init__(self, start: object) -> None:
        super().__init__(t("error.not_workspace", path=start), fix="katacheck init")


class UnknownKataError(KatacheckError):
    def __init__(self, kata_id: str, known: list[str]) -> None:
        super().__init__(
            t("error.unknown_kata", kata=kata_id, known=", ".join(known)), fix="katacheck list"
        )


class LearnerFileMissingError(KatacheckError):
    def __init__(self, filename: str, fix: str) -> None:
        super().__init__(t("error.learner_file_missing", file=filename), fix=fix)


class NoCurrentKataError(KatacheckError):
    def __init__(self) -> None:
        super().__init__(t("error.no_current_kata"), fix="katacheck next")


class SolutionLockedError(KatacheckError):
    def __init__(self, kata_id: str) -> None:
        super().__init__(t("error.solution_locked", kata=kata_id), fix=f"katacheck verify {kata_id}")


class UnknownPackError(KatacheckError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(t("error.unknown_pack", pack=name, known=", ".join(known)))


class PackConflictError(KatacheckError):
    def __init__(self, name: str, first: str, second: str) -> None:
        super().__init__(t("error.pack_conflict", pack=name, first=first, second=second))


class SettingError(KatacheckError):
    """A ``KATACHECK_*`` environment variable holds a value katacheck cannot use."""

    def __init__(self, variable: str, value: str, expected: str, example: str) -> None:
        super().__init__(t("error.setting", variable=variable, value=value, expected=expected),
                         fix=t("error.setting.fix", variable=variable, example=example))
        self.variable = variable
        self.value = value


class WorkspaceConfigError(KatacheckError):
    """The workspace's ``katacheck.toml`` cannot be read: bad TOML, or a value of the wrong kind."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        where = t("error.config.where_line", file=path, line=line) if line else str(path)
        fix_key = "error.config.fix_line" if line else "error.config.fix"
        super().__init__(t("error.config", where=where, problem=problem),
                         fix=t(fix_key, file=path.name, line=line or 0))
        self.path = path
        self.line = line


class WorkspaceFolderMissingError(KatacheckError):
    """``--workspace`` names a folder that does not exist."""

    def __init__(self, folder: Path) -> None:
        super().__init__(t("error.workspace_folder_missing", path=folder), fix=f"katacheck init {folder}")


class LearnerFileError(KatacheckError):
    """A learner's kata file exists but cannot be verified: a folder, a link, not UTF-8..."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message, fix=fix)


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_error_line(error: Exception, text: str) -> int | None:
    """The line (from 1) a TOML syntax error points at, on every Python and tomli version.

    Python 3.14 and tomli 2.1 give ``lineno``; older ones only say it in the message, as
    ``(at line 3, column 7)`` or ``(at end of document)``.
    """
    line = getattr(error, "lineno", None)
    if isinstance(line, int):
        return line
    found = _TOML_POSITION.search(str(error))
    if found:
        return int(found.group(1))
    if "end of document" in str(error):
        return max(text.count("\n") + (0 if text.endswith("\n") else 1), 1)
    return None


def toml_error_detail(error: Exception) -> str:
    """The parser's own words (English) without the position, which the message already gives."""
    detail = getattr(error, "msg", None) or str(error)
    return _TOML_POSITION.sub("", detail).replace("(at end of document)", "").strip()


def key_line(text: str, key: str) -> int | None:
    """The line (from 1) where top-level ``key = ...`` is written in a TOML text, if found."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    return next((number for number, line in enumerate(text.splitlines(), 1) if pattern.match(line)), None)


def toml_value(value: object) -> str:
    """A value as TOML writes it, for messages: ``3``, ``"xx"``, ``true``, ``["a"]``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    import json

    return json.dumps(value, ensure_ascii=False, default=str)
