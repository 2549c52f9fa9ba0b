"""User errors: each one says what went wrong and the command that fixes it (exit code 2).

Bugs in katacheck itself are not caught here: they surface as tracebacks, as they should.
"""

from __future__ import annotations

import enum

import click

from katacheck.i18n import t


class ExitCode(enum.IntEnum):
    """The process exit codes of ``katacheck``."""

    #: Every verified kata passes (or the command had nothing to verify).
    OK = 0
    #: Some kata fails, including learner code that does not import, crashes or hangs.
    KATA_FAILED = 1
    #: A usage error: an unknown kata, not a workspace, a learner file that does not exist yet.
    USAGE_ERROR = 2


class KatacheckError(click.ClickException):
    """A problem the user can fix; ``fix`` is the command (or action) that fixes it."""

    exit_code = ExitCode.USAGE_ERROR

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.fix = fix

    def show(self, file: object = None) -> None:
        from katacheck.render.console import print_error

        print_error(self.message, self.fix)


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
