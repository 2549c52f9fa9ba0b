"""What a verification produces, as plain data (JSON between the child and the parent)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PASSED = "passed"
FAILED = "failed"


@dataclass(frozen=True)
class Location:
    """A line of the learner's file."""

    path: str
    line: int
    source: str = ""


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
    """One hidden test: its title (the test's docstring) and its outcome."""

    name: str
    title: str
    outcome: str
    diagnosis: Diagnosis | None = None
    output: str = ""
    loss_curve: LossCurve | None = None
    #: Warnings the learner's code raised during the check that name a known mistake (an MSE
    #: target that broadcasts, a softmax without ``dim``...): shown, never a failure by themselves.
    warnings: tuple[Diagnosis, ...] = ()

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckResult:
        diagnosis = data.get("diagnosis")
        return cls(
            name=data["name"],
            title=data["title"],
            outcome=data["outcome"],
            diagnosis=Diagnosis.from_dict(diagnosis) if diagnosis else None,
            output=data.get("output", ""),
            loss_curve=LossCurve.from_dict(data["loss_curve"]) if data.get("loss_curve") else None,
            warnings=tuple(Diagnosis.from_dict(w) for w in data.get("warnings", ())),
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


def truncate(text: str, limit: int, note: str) -> str:
    """Keep the end of ``text`` (where the error usually is), saying how much was dropped."""
    if len(text) <= limit:
        return text
    return note.format(omitted=len(text) - limit) + "\n" + text[-limit:]
