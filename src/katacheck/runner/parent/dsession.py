"""Parent side: run a kata's hidden tests in a child process that cannot take us down.

The child gets a timeout (its whole process group is killed), a memory cap, a cap on the size
of the files it writes, one CPU thread for torch, and a clean pytest configuration. Whatever
happens to it (a crash, an exit, a hang), the parent turns the outcome into a
:class:`KataResult` with a Portuguese diagnosis. It never passes by accident: the parent, the
one party learner code cannot touch, decides from evidence:

- before anything runs, the learner's source is scanned for tampering (:mod:`.scan`);
- results arrive over a pipe only the child inherits, every line numbered and signed with a
  key made for this run (:mod:`.channel`); one foreign line and the run is void;
- a kata passes only when every collected check started and reported, in order, the session
  reported ``done``, no tampering was reported (:mod:`.integrity`), pytest's own exit status
  agrees with the checks, and the process's exit code agrees with pytest's.
"""

from __future__ import annotations

import atexit
import json
import linecache
import os
import re
import secrets
import select
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
from katacheck.runner.channel import KEY_BYTES, Stream, read_stream
from katacheck.result import CheckResult, Diagnosis, KataResult, Location, truncate

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


@dataclass(eq=False)
class _Child:
    """A child process, already importing torch, waiting on stdin for the kata to run."""

    process: subprocess.Popen
    scratch: tempfile.TemporaryDirectory
    memory_mb: int
    cwd: Path
    #: The read end of the results pipe (ours), and the number of its write end in the child.
    results_fd: int
    child_fd: int

    @property
    def folder(self) -> Path:
        return Path(self.scratch.name)

    def discard(self) -> None:
        if self.process.poll() is None:
            _kill_group(self.process)
            self.process.wait()
        try:
            os.close(self.results_fd)
        except OSError:
            pass
        self.scratch.cleanup()


_warm: list[_Child] = []
_warm_lock = threading.Lock()
#: Children running a kata now (several at once under ``katacheck grade``).
_running: set[_Child] = set()


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


def stop_running() -> None:
    """Kill every child running a kata now, with its process group (on Ctrl-C: their own
    sessions keep them from getting the terminal's SIGINT). Their :func:`run_kata` calls
    return at once, as crashes."""
    with _warm_lock:
        running = list(_running)
    for child in running:
        _kill_group(child.process)


def run_kata(
    kata: Kata,
    learner_file: Path,
    *,
    timeout: float | None = None,
    memory_mb: int | None = None,
    cwd: Path | None = None,
    scan: bool = True,
) -> KataResult:
    """Run ``kata``'s hidden tests against ``learner_file``; always returns a result.

    ``scan=False`` skips the static tamper scan (tests use it to exercise the child's own
    defences on their own).
    """
    started = time.monotonic()
    if scan:
        from katacheck.runner.parent.scan import scan_file

        findings = scan_file(learner_file)
        if findings:
            return _rejected(kata, learner_file, findings, time.monotonic() - started)
    timeout = timeout if timeout is not None else _timeout_for(kata)
    child = _take(_memory_mb(memory_mb), (cwd or learner_file.parent).resolve())
    started = time.monotonic()
    key = secrets.token_bytes(KEY_BYTES)
    with _warm_lock:
        _running.add(child)
    reader = None
    try:
        reader = _Reader(child.results_fd)
        job = {"tests": str(kata.tests_path), "learner": str(learner_file.resolve()),
               "fd": child.child_fd, "key": key.hex()}
        returncode, timed_out = _run(child.process, json.dumps(job), timeout)
        stream = read_stream(reader.finish(child.process), key)
        if reader.overflowed:
            stream.forged = "overflow"
        raw_output = (child.folder / "saida.txt").read_bytes().decode("utf-8", "replace")
    finally:
        if reader is not None:
            reader.stop(child.process)  # before the descriptor closes: its number gets reused
        with _warm_lock:
            _running.discard(child)
        child.discard()
    result = _assemble(kata, stream, returncode, timed_out, timeout, raw_output, time.monotonic() - started,
                       learner_file)
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
    results_fd, child_fd = os.pipe()
    try:
        with (Path(scratch.name) / "saida.txt").open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-I", "-m", "katacheck.runner.child.main", str(memory_mb)],
                stdin=subprocess.PIPE,
                stdout=output,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                env=_child_env(),
                # The results pipe's write end goes to this child only (every other descriptor
                # is closed in it), under the same number.
                pass_fds=(child_fd,),
                # Its own process group, so a timeout also kills anything the learner's code spawned.
                start_new_session=True,
            )
    except BaseException:
        os.close(results_fd)
        raise
    finally:
        os.close(child_fd)  # ours: the pipe reports end-of-file once the child's copy is gone
    return _Child(process, scratch, memory_mb, cwd, results_fd, child_fd)


class _Reader:
    """Drains the results pipe while the child runs (a full pipe would block the child)."""

    #: More than this is not a kata's results: the rest is read and thrown away.
    LIMIT = 64 * 2**20

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._data = bytearray()
        self.overflowed = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        after_stop = 0
        try:
            while True:
                ready, _, _ = select.select([self._fd], [], [], 0.1)
                if not ready:
                    if self._stop.is_set():
                        return
                    continue
                chunk = os.read(self._fd, 65536)
                if not chunk:
                    return
                if len(self._data) + len(chunk) <= self.LIMIT:
                    self._data += chunk
                else:
                    self.overflowed = True
                if self._stop.is_set():
                    # A process that escaped the group kill and keeps writing: stop anyway.
                    after_stop += len(chunk)
                    if after_stop > 2**20:
                        return
        except (OSError, ValueError):  # the descriptor was closed under us: the run is over
            return

    def finish(self, process: subprocess.Popen) -> bytes:
        """Everything the child sent. Called once the child has ended; a grandchild that kept
        the pipe open is killed with the child's process group, or left behind after 2 s."""
        self._thread.join(0.5)
        if self._thread.is_alive():
            _kill_group(process)
            self._thread.join(1.5)
        self._stop.set()
        self._thread.join()
        return bytes(self._data)

    def stop(self, process: subprocess.Popen) -> None:
        """End the reading thread for good (the run may have failed half-way)."""
        if self._thread.is_alive():
            _kill_group(process)
        self._stop.set()
        self._thread.join()


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


def _assemble(
    kata: Kata,
    stream: Stream,
    returncode: int,
    timed_out: bool,
    timeout: float,
    raw_output: str,
    duration: float,
    learner_file: Path | None = None,
) -> KataResult:
    events = stream.events
    order_problem = _order_problem(events)
    checks = tuple(_in_language(kata, CheckResult.from_dict(e["check"])) for e in events if e["event"] == "check")
    done = next((e for e in events if e["event"] == "done"), None)
    tampered = next((e for e in events if e["event"] == "tamper"), None)
    running = _running_check(events)
    all_passed = bool(checks) and all(c.passed for c in checks) and len(checks) == _collected_count(events)
    fatal = None
    if stream.forged is not None:
        fatal = tamper_diagnosis("stream")
    elif tampered is not None:
        fatal = tamper_diagnosis(
            str(tampered.get("kind", "runtime")), name=tampered.get("name", ""),
            location=_learner_location(learner_file, tampered.get("line")),
        )
    elif order_problem is not None:
        fatal = tamper_diagnosis("checks", name=order_problem)
    elif timed_out:
        fatal = _fatal("timeout", running, seconds=f"{timeout:g}")
    elif done is None or returncode < 0:
        cause, params = _death_cause(returncode)
        fatal = _fatal(cause, running, **params)
    elif done.get("exitstatus") == 2:
        # pytest's exit status 2 means the session was interrupted (pytest.exit, KeyboardInterrupt).
        fatal = _fatal("interrupted", running)
    elif not checks or len(checks) < _collected_count(events):
        fatal = _fatal("missing_checks", running)
    elif returncode != done.get("exitstatus") or (all_passed and done.get("exitstatus") != 0):
        # The process ended with another status than pytest's (an atexit handler, os._exit), or
        # pytest counted a failure that no check reported.
        fatal = tamper_diagnosis("exit", code=str(returncode), status=str(done.get("exitstatus")))
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


def _order_problem(events: list[dict[str, Any]]) -> str | None:
    """What is out of place in the events, if anything: they must read ``collected``, then
    ``start``/``check`` for each collected name in order, then ``done`` (a run cut short stops
    anywhere along the way; a ``tamper`` event may come at any point and ends it)."""
    if not events:
        return None
    if events[0]["event"] != "collected" or not isinstance(events[0].get("names"), list):
        return events[0]["event"]
    names = [str(name) for name in events[0]["names"]]
    position, open_check = 0, None
    for index, event in enumerate(events[1:], start=1):
        kind = event["event"]
        if kind == "start":
            if open_check is not None or position >= len(names) or event.get("name") != names[position]:
                return f"start {event.get('name')}"
            open_check = names[position]
        elif kind == "check":
            check = event.get("check")
            if not isinstance(check, dict) or open_check is None or check.get("name") != open_check:
                return f"check {check.get('name') if isinstance(check, dict) else check}"
            open_check, position = None, position + 1
        elif kind == "done":
            # An interrupted session (pytest.exit) ends with its current check unreported:
            # the checks missing say so below.
            if index != len(events) - 1:
                return "done"
        elif kind == "tamper":
            if index != len(events) - 1:
                return "tamper"
        else:
            return kind
    return None


def _learner_location(learner_file: Path | None, line: object) -> Location | None:
    if learner_file is None or not isinstance(line, int) or line <= 0:
        return None
    path = str(learner_file.resolve())
    return Location(path=path, line=line, source=linecache.getline(path, line).strip())


def _rejected(kata: Kata, learner_file: Path, findings: list, duration: float) -> KataResult:
    """The verdict on a file the static scan rejected: it never ran."""
    first = findings[0]
    return KataResult(
        kata_id=kata.id,
        title=kata.title,
        fatal=tamper_diagnosis(first.kind, name=first.name, location=_learner_location(learner_file, first.line)),
        duration=round(duration, 3),
        extras={"tamper_findings": [{"kind": f.kind, "name": f.name, "line": f.line} for f in findings]},
    )


#: Every kind of tampering the parent, the child or the scan can report (``fatal.tampered.<kind>``).
TAMPER_KINDS = ("stream", "exit", "checks", "emit", "skip", "runtime", "introspection", "code_patch",
                "tracing", "kill", "fd", "dynamic_code", "import", "patch", "internals", "atexit")


def tamper_diagnosis(kind: str, *, name: object = "", location: Location | None = None, **params: str) -> Diagnosis:
    """``fatal.tampered.<kind>``: an attempt to fool the checker, saying what was detected."""
    if kind not in TAMPER_KINDS:
        kind = "runtime"
    what = t(f"tamper.{kind}", name=name, **params)
    return Diagnosis(message=t("fatal.tampered", what=what), hint=t(f"tamper.{kind}.hint"),
                     location=location, code=f"fatal.tampered.{kind}")


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


def warm_up(count: int, *, cwd: Path | None = None) -> None:
    """Start ``count`` workers now, so their imports overlap the caller's work."""
    prestart(count, cwd=cwd or Path.cwd())


def shutdown() -> None:
    """Stop every worker this process started."""
    discard_prestarted()
