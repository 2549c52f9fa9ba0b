"""Parent side: run a kata's hidden tests in a child process that cannot take us down.

The child gets a timeout (its whole process group is killed), a memory cap, a cap on the size
of the files it writes, one CPU thread for torch, and a clean pytest configuration. Whatever
happens to it (a crash, an exit, a hang), the parent turns the outcome into a
:class:`KataResult` with a Portuguese diagnosis. It never passes by accident: a kata passes
only when the child reported every check and finished.
"""

from __future__ import annotations

import atexit
import json
import linecache
import re
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from katacheck.i18n import language, t
from katacheck.runner.results import CheckResult, Diagnosis, KataResult, Location, truncate

if TYPE_CHECKING:
    from katacheck.packs import Kata

#: Memory cap for learner code (RLIMIT_DATA). torch needs about 1 GB of data to train a
#: small model; the cap turns a memory bomb into a catchable MemoryError.
DEFAULT_MEMORY_MB = 4096
#: Largest file the child may write: learner output beyond it is a runaway print loop.
MAX_FILE_MB = 64
#: How much of the child's raw output (outside any check) a report shows.
OUTPUT_LIMIT = 2000

# Variables through which a workspace could change how the child's pytest behaves.
_SCRUBBED_ENV = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME")


@dataclass
class _Child:
    """A child process, already importing torch, waiting on stdin for the kata to run."""

    process: subprocess.Popen
    scratch: tempfile.TemporaryDirectory
    memory_mb: int
    cwd: Path

    @property
    def folder(self) -> Path:
        return Path(self.scratch.name)

    def discard(self) -> None:
        if self.process.poll() is None:
            _kill_group(self.process)
            self.process.wait()
        self.scratch.cleanup()


_warm: list[_Child] = []
_warm_lock = threading.Lock()


def prestart(count: int, *, cwd: Path, memory_mb: int | None = None) -> None:
    """Have ``count`` children started (counting those already waiting), so that their torch
    import overlaps whatever the caller does next. :func:`run_kata` picks them up."""
    memory_mb, cwd = _memory_mb(memory_mb), cwd.resolve()
    with _warm_lock:
        missing = count - sum(1 for c in _warm if c.cwd == cwd and c.memory_mb == memory_mb)
        _warm.extend(_spawn(memory_mb, cwd) for _ in range(max(missing, 0)))


def discard_prestarted() -> None:
    """Stop the children that :func:`prestart` started and no kata used."""
    with _warm_lock:
        while _warm:
            _warm.pop().discard()


atexit.register(discard_prestarted)


def run_kata(
    kata: Kata,
    learner_file: Path,
    *,
    timeout: float | None = None,
    memory_mb: int | None = None,
    cwd: Path | None = None,
) -> KataResult:
    """Run ``kata``'s hidden tests against ``learner_file``; always returns a result."""
    timeout = timeout if timeout is not None else _timeout_for(kata)
    child = _take(_memory_mb(memory_mb), (cwd or learner_file.parent).resolve())
    started = time.monotonic()
    try:
        events_path = child.folder / "eventos.jsonl"
        job = {"tests": str(kata.tests_path), "learner": str(learner_file.resolve()), "events": str(events_path)}
        returncode, timed_out = _run(child.process, json.dumps(job), timeout)
        events = _read_events(events_path)
        raw_output = (child.folder / "saida.txt").read_bytes().decode("utf-8", "replace")
    finally:
        child.discard()
    result = _assemble(kata, events, returncode, timed_out, timeout, raw_output, time.monotonic() - started)
    if result.fatal is not None and result.fatal.location is None:
        location = _crash_location(raw_output, learner_file)
        result = replace(result, fatal=replace(result.fatal, location=location))
    return result


def _memory_mb(memory_mb: int | None) -> int:
    return memory_mb or int(os.environ.get("KATACHECK_MEMORY_MB", DEFAULT_MEMORY_MB))


def _take(memory_mb: int, cwd: Path) -> _Child:
    with _warm_lock:
        for child in _warm:
            if child.memory_mb == memory_mb and child.cwd == cwd and child.process.poll() is None:
                _warm.remove(child)
                return child
    return _spawn(memory_mb, cwd)


def _spawn(memory_mb: int, cwd: Path) -> _Child:
    scratch = tempfile.TemporaryDirectory(prefix="katacheck-")
    with (Path(scratch.name) / "saida.txt").open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-I", "-m", "katacheck.runner.child", str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=_child_env(),
            # Its own process group, so a timeout also kills anything the learner's code spawned.
            start_new_session=True,
        )
    return _Child(process, scratch, memory_mb, cwd)


def _timeout_for(kata: Kata) -> float:
    # A teacher on a slow CI runner can stretch every kata's timeout at once.
    return kata.timeout * float(os.environ.get("KATACHECK_TIMEOUT_FACTOR", "1"))


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    env.update(
        # The child imports exactly what this process can import, minus the current folder:
        # -I keeps the workspace (and a learner's torch.py or pytest.py) off sys.path.
        KATACHECK_CHILD_SYSPATH=json.dumps([p for p in sys.path if p and Path(p).is_dir()]),
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        KATACHECK_LANG=language(),  # diagnoses are written in the child, in the learner's language
        # One thread: tiny models train faster, two children share two cores fairly, and
        # results do not depend on the machine's core count.
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )
    return env


def _run(process: subprocess.Popen, job: str, timeout: float) -> tuple[int, bool]:
    try:
        # Closing stdin after the job also means a learner's input() gets EOF, not a hang.
        process.stdin.write((job + "\n").encode())
        process.stdin.close()
    except BrokenPipeError:
        pass  # the child already died; its exit status tells why
    try:
        return process.wait(timeout=timeout), False
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return process.wait(), True


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _read_events(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            break  # a line cut short by a kill: everything before it still counts
    return events


def _assemble(
    kata: Kata,
    events: list[dict[str, Any]],
    returncode: int,
    timed_out: bool,
    timeout: float,
    raw_output: str,
    duration: float,
) -> KataResult:
    checks = tuple(_in_language(kata, CheckResult.from_dict(e["check"])) for e in events if e["event"] == "check")
    finished = any(e["event"] == "done" for e in events)
    running = _running_check(events)
    fatal = None
    if timed_out:
        fatal = _fatal("timeout", running, seconds=f"{timeout:g}")
    elif not finished:
        cause, params = _death_cause(returncode)
        fatal = _fatal(cause, running, **params)
    elif _interrupted(events):
        fatal = _fatal("interrupted", running)
    elif not checks or len(checks) < _collected_count(events):
        fatal = _fatal("missing_checks", running)
    return KataResult(
        kata_id=kata.id,
        title=kata.title,
        checks=checks,
        fatal=fatal,
        output=truncate(raw_output.strip(), OUTPUT_LIMIT, t("report.output_truncated")),
        duration=round(duration, 3),
    )


def _in_language(kata: Kata, check: CheckResult) -> CheckResult:
    # The child reports a check's pt-BR title (its docstring); the kata may translate it.
    return replace(check, title=kata.check_title(check.name, check.title))


def _crash_location(raw_output: str, learner_file: Path) -> Location | None:
    """The learner's line in faulthandler's dump (most recent call first) or a traceback."""
    path = str(learner_file.resolve())
    for match in re.finditer(r'File "(?P<path>[^"]+)", line (?P<line>\d+)', raw_output):
        if match["path"] == path:
            line = int(match["line"])
            return Location(path=path, line=line, source=linecache.getline(path, line).strip())
    return None


def _interrupted(events: list[dict[str, Any]]) -> bool:
    # pytest's exit status 2 means the session was interrupted (pytest.exit, KeyboardInterrupt).
    return any(e["event"] == "done" and e.get("exitstatus") == 2 for e in events)


def _collected_count(events: list[dict[str, Any]]) -> int:
    return next((len(e["names"]) for e in events if e["event"] == "collected"), 0)


def _running_check(events: list[dict[str, Any]]) -> str | None:
    """The title of the check that started but never reported (where the child died)."""
    reported = {e["check"]["name"] for e in events if e["event"] == "check"}
    started = [e for e in events if e["event"] == "start" and e["name"] not in reported]
    return started[-1]["title"] if started else None


def _death_cause(returncode: int) -> tuple[str, dict[str, str]]:
    if returncode < 0:
        signum = -returncode
        name = signal.Signals(signum).name if signum in signal.Signals._value2member_map_ else str(signum)
        if signum == signal.SIGXFSZ:
            return "output_too_large", {"mb": str(MAX_FILE_MB)}
        if signum == signal.SIGKILL:
            return "killed", {"signal": name}
        return "crash", {"signal": name}
    return "exited", {"code": str(returncode)}


def _fatal(cause: str, running: str | None, /, **params: str) -> Diagnosis:
    message = t(f"fatal.{cause}", **params)
    if running:
        message += " " + t("fatal.during_check", check=running)
    return Diagnosis(message=message, hint=t(f"fatal.{cause}.hint", **params), code=f"fatal.{cause}")
