"""What a verification produces, as plain data (JSON between the child and the parent).

One vocabulary says how things went, :class:`Status`: a check, a kata, a gradebook row and a
report test all use it, and the machine-readable reports write its values.
"""

from __future__ import annotations

import linecache
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    """How a check, a kata or a learner's row went, in one word.

    A ``str`` enum: each member equals its value and is written as it (JSON, CSV), the words
    the gradebook and Exercism's interface have always used. Not every member applies to
    everything: a check is PASS, FAIL or ERROR; a kata's run adds TAMPER; a row of a grade (a
    kata that may not have run) adds MISSING and NOT_VERIFIED.
    """

    #: Everything ran, and every check passed.
    PASS = "pass"
    #: The checks ran, and some failed.
    FAIL = "fail"
    #: The run broke (a timeout, a crash, an exit), or the checks could not run at all (the
    #: learner's file does not parse).
    ERROR = "error"
    #: An attempt to fool the checker was detected.
    TAMPER = "tamper"
    #: Nothing to verify: the learner's file does not exist (or a CI report leaves the kata out).
    MISSING = "missing"
    #: The learner's file exists, but this run did not verify it.
    NOT_VERIFIED = "not_verified"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, word: str) -> Status:
        """The status a stored word stands for, older words included: ``"passed"`` and
        ``"failed"``, which check results and progress files said before this enum."""
        return _OLDER_WORDS.get(word) or cls(word)


_OLDER_WORDS = {"passed": Status.PASS, "failed": Status.FAIL}

#: Older names of a check's two outcomes; use :class:`Status`.
PASSED, FAILED = Status.PASS, Status.FAIL

#: Diagnosis codes meaning no check could even run: the learner's file does not parse.
CHECKS_NEVER_RAN = frozenset({"learner.syntax_error"})
#: Diagnosis codes of a detected attempt to fool the checker start with this.
TAMPERED_PREFIX = "fatal.tampered."


@dataclass(frozen=True)
class Location:
    """A line of the learner's file."""

    path: str
    line: int
    source: str = ""

    @classmethod
    def at(cls, path: str, line: int, source: str | None = None) -> Location:
        """Line ``line`` of ``path``, quoting its text: ``source`` when given (what a parser
        saw), else the line as the file has it. Surrounding whitespace is dropped."""
        text = linecache.getline(path, line) if source is None else source
        return cls(path=path, line=line, source=text.strip())


@dataclass(frozen=True)
class Diagnosis:
    """Why a check failed, in the learner's language: the cause, a hint, and where."""

    message: str
    hint: str | None = None
    location: Location | None = None
    code: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Diagnosis:
        location = data.get("location")
        return cls(
            message=data["message"],
            hint=data.get("hint"),
            location=Location(**location) if location else None,
            code=data.get("code"),
        )


@dataclass(frozen=True)
class LossCurve:
    """The loss a check watched, step by step, and the line it had to get under (if any)."""

    values: tuple[float, ...]
    limit: float | None = None
    #: How many values the check saw (``values`` may be a sample of them).
    steps: int = 0

    #: Points kept: more than a terminal plot can show, few enough for a small JSON.
    MAX_POINTS = 120

    @classmethod
    def sampled(cls, values: list[float] | tuple[float, ...], limit: float | None = None) -> LossCurve:
        """A curve of at most :attr:`MAX_POINTS` evenly spaced values, first and last kept."""
        values = [float(v) for v in values]
        steps = len(values)
        if len(values) > cls.MAX_POINTS:
            last = len(values) - 1
            values = [values[round(i * last / (cls.MAX_POINTS - 1))] for i in range(cls.MAX_POINTS)]
        return cls(tuple(values), limit, steps)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LossCurve:
        return cls(tuple(data["values"]), data.get("limit"), data.get("steps") or len(data["values"]))


@dataclass(frozen=True)
class CheckResult:
    """One hidden test: its title (the test's docstring) and its outcome (PASS or FAIL)."""

    name: str
    title: str
    outcome: Status
    diagnosis: Diagnosis | None = None
    output: str = ""
    loss_curve: LossCurve | None = None
    #: Warnings the learner's code raised during the check that name a known mistake (an MSE
    #: target that broadcasts, a softmax without ``dim``...): shown, never a failure by themselves.
    warnings: tuple[Diagnosis, ...] = ()
    #: What the check measured for the learner to see, one line each, written by katacheck (a
    #: real CPU/GPU speed-up): information under the check, never part of the verdict.
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Given as a word too ("pass", or "passed" as results said before Status).
        object.__setattr__(self, "outcome", Status.parse(self.outcome))

    @property
    def passed(self) -> bool:
        return self.outcome is Status.PASS

    @property
    def status(self) -> Status:
        """PASS, FAIL, or ERROR when the check could not even run (a file that does not parse)."""
        if self.passed:
            return Status.PASS
        return Status.ERROR if _never_ran(self.diagnosis) else Status.FAIL

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        diagnosis = data.get("diagnosis")
        return cls(
            name=data["name"],
            title=data["title"],
            outcome=Status.parse(data["outcome"]),
            diagnosis=Diagnosis.from_dict(diagnosis) if diagnosis else None,
            output=data.get("output", ""),
            loss_curve=LossCurve.from_dict(data["loss_curve"]) if data.get("loss_curve") else None,
            warnings=tuple(Diagnosis.from_dict(w) for w in data.get("warnings", ())),
            notes=tuple(str(note) for note in data.get("notes", ())),
        )


@dataclass(frozen=True)
class KataResult:
    """The verdict on one kata: every check, plus a fatal problem if the run itself broke."""

    kata_id: str
    title: str
    checks: tuple[CheckResult, ...] = ()
    fatal: Diagnosis | None = None
    output: str = ""
    duration: float = 0.0
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """A kata passes only when it ran to the end and every check passed."""
        return self.fatal is None and bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def status(self) -> Status:
        """PASS; TAMPER when an attempt to fool the checker ended the run; ERROR when the run
        broke or no check could run; FAIL otherwise."""
        if self.passed:
            return Status.PASS
        if self.fatal is not None:
            return Status.TAMPER if (self.fatal.code or "").startswith(TAMPERED_PREFIX) else Status.ERROR
        return Status.ERROR if _never_ran(first_cause(self)) else Status.FAIL

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KataResult:
        fatal = data.get("fatal")
        return cls(
            kata_id=data["kata_id"],
            title=data["title"],
            checks=tuple(CheckResult.from_dict(c) for c in data.get("checks", ())),
            fatal=Diagnosis.from_dict(fatal) if fatal else None,
            output=data.get("output", ""),
            duration=data.get("duration", 0.0),
            extras=data.get("extras", {}),
        )


def first_cause(result: KataResult) -> Diagnosis | None:
    """Why a kata failed, in one diagnosis: its fatal problem, else its first failed check's."""
    if result.fatal is not None:
        return result.fatal
    return next((check.diagnosis for check in result.checks if not check.passed and check.diagnosis), None)


def _never_ran(diagnosis: Diagnosis | None) -> bool:
    return diagnosis is not None and diagnosis.code in CHECKS_NEVER_RAN


#: How :func:`truncate` shares what it keeps between the start and the end of a text.
_KEPT_PARTS = {
    "both": lambda kept: (kept // 2, kept // 2),
    "start": lambda kept: (kept, 0),
    "end": lambda kept: (0, kept),
}
#: Line breaks around the note: its own line between or above the parts kept, none after a start.
_NOTE_BREAKS = {"both": 2, "start": 0, "end": 1}


def truncate(text: str, limit: int, note: str, *, keep: str = "both", note_counts: bool = False) -> str:
    """``text`` cut to about ``limit`` characters when it is longer, ``note`` saying so.

    ``note`` may quote ``{omitted}``, the number of characters left out. ``keep`` says what stays:
    ``"both"`` the start and the end (where a loop began, where the error is), ``note`` on a
    line between them; ``"end"`` the end, under ``note`` on a line of its own; ``"start"`` the
    beginning, ``note`` (``"…"``) right after it. ``note_counts``: ``limit`` holds the note and
    its line breaks too (an interface's hard limit), not only what is kept of ``text``.
    """
    if len(text) <= limit:
        return text
    kept = limit
    while True:
        head, tail = _KEPT_PARTS[keep](kept)
        marker = note.format(omitted=len(text) - head - tail)
        room = limit - len(marker) - _NOTE_BREAKS[keep]
        if not note_counts or kept <= room or kept == 0:
            break
        kept = max(0, room)  # less text kept may mean a longer number in the note: again
    start, end = text[:head], text[len(text) - tail:]
    if keep == "start":
        return start + marker
    if keep == "end":
        return f"{marker}\n{end}"
    return f"{start}\n{marker}\n{end}"
