"""Parent side: run a kata's hidden tests in a forked child that cannot take us down, and decide.

Each run borrows a warm worker (:mod:`.workermanage`), which forks a fresh child for it
(:mod:`katacheck.runner.worker.forkserver`). The child gets a timeout (its whole process group
is killed), a memory cap, a cap on the size of the files it writes, one CPU thread for torch
and a clean pytest configuration. Whatever happens to it (a crash, an exit, a hang, a print
flood), this module turns the outcome into a :class:`KataResult` with a Portuguese diagnosis.
It never passes by accident: the parent, the one party learner code cannot touch, decides from
evidence:

- before anything runs, the learner's file must be a regular file inside the submission (no
  symlink), and its source is scanned for tampering (:mod:`.scan`);
- results arrive over a pipe only the child can write and only we read, every line numbered and
  signed with a key the child made after the fork (:mod:`katacheck.runner.channel`); one
  foreign line and the run is void;
- what the child printed arrives over a second pipe, of which we keep the head and the tail;
- a kata passes only when every collected check started and reported, in order, the session
  reported ``done``, no tampering was reported (:mod:`katacheck.runner.child.integrity`),
  pytest's own exit status agrees with the checks, and the exit code the worker saw agrees
  with pytest's.
"""

from __future__ import annotations

import atexit
import os
import re
import selectors
import shutil
import signal
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from katacheck import settings
from katacheck.i18n import language, t
from katacheck.result import CheckResult, Diagnosis, KataResult, Location, Status, truncate
from katacheck.runner.channel import Stream, read_stream
from katacheck.runner.parent.workermanage import Sandbox, Worker, WorkerDied, WorkerPool

if TYPE_CHECKING:
    from katacheck.packs import Kata

#: Memory cap for learner code (RLIMIT_DATA). torch needs about 1 GB of data to train a
#: small model; the cap turns a memory bomb into a catchable MemoryError.
DEFAULT_MEMORY_MB = 4096
#: Largest file the child may write: a file beyond it is a runaway loop.
MAX_FILE_MB = 64
#: How much of the child's raw output (outside any check) a report shows, head and tail.
OUTPUT_LIMIT = 2000
#: Results beyond this are not a kata's: the rest is read and thrown away, and the run is void.
RESULTS_LIMIT = 64 * 2**20
#: Of the raw output, we keep this much of the start and this much of the end.
OUTPUT_KEPT = 64 * 2**10
#: Seconds, past the kata's timeout, that the worker has to report how its child ended.
WORKER_GRACE = 15.0
#: Seconds the judge may take (it replays a small training run: well under one).
JUDGE_TIMEOUT = 60.0
#: Largest kata file the parent reads: the biggest solution is a few kB, and the parent (which
#: has no memory limit of its own) parses and walks the file before anything runs (a 150 MB
#: file took 121 s and 5.5 GB of the katacheck process; under ``grade``, one per job at once).
MAX_SOURCE_MB = 2

_pool = WorkerPool()
#: Judge servers: long-lived judges for many judgements in a row (``grade``); see use_judge_servers.
_judges = WorkerPool(judge_servers=True)
_judge_servers = False
atexit.register(_pool.shutdown)
atexit.register(_judges.shutdown)


def warm_up(count: int, *, cwd: Path | None = None) -> None:
    """Start ``count`` workers now, so that their torch import overlaps the caller's work.

    ``cwd`` is accepted for callers of the old API and plays no part: each child moves into
    its own submission's folder."""
    _pool.warm_up(max(1, count))


def shutdown() -> None:
    """Stop every worker this process started (also done at exit)."""
    _pool.shutdown()
    _judges.shutdown()


def use_judge_servers(on: bool, *, count: int = 1) -> None:
    """Judge in ``count`` long-lived judge servers from now on (``on``), instead of a fresh fork
    of a worker per judgement: what ``grade`` does, where a fork's set-up would be paid for
    every kata of every learner. A single ``verify`` keeps the fork (no extra torch import)."""
    global _judge_servers
    _judge_servers = on
    if on:
        _judges.warm_up(count)


def stop_running() -> None:
    """Kill every kata child running now (on Ctrl-C: their own sessions keep them from getting
    the terminal's SIGINT). Their :func:`run_kata` calls return at once, as crashes."""
    _pool.stop_running()
    _judges.stop_running()


def peak_worker_memory_kb() -> list[int]:
    """The peak resident memory of each live worker, in kB (for ``bench/``)."""
    return _pool.peak_memory_kb()


def run_kata(
    kata: Kata,
    learner_file: Path,
    *,
    timeout: float | None = None,
    memory_mb: int | None = None,
    cwd: Path | None = None,
    scan: bool = True,
    seed: int | None = None,
) -> KataResult:
    """Run ``kata``'s hidden tests against ``learner_file``; always returns a result.

    ``cwd`` is the submission's folder (default: the file's); the file must be a regular file
    inside it. ``scan=False`` skips the static tamper scan (tests use it to exercise the
    child's own defences on their own). ``seed``: the base seed of the hidden tests and the judge
    (``KATACHECK_SEED`` in their environment; ``dev check --seeds``); None: the parent's own
    ``KATACHECK_SEED``, if any.
    """
    return printable(_run_kata(kata, learner_file, timeout=timeout, memory_mb=memory_mb, cwd=cwd, scan=scan,
                               seed=seed))


def _run_kata(kata: Kata, learner_file: Path, *, timeout: float | None, memory_mb: int | None,
              cwd: Path | None, scan: bool, seed: int | None) -> KataResult:
    started = time.monotonic()
    cwd = (cwd or learner_file.parent).resolve()
    refused = _refused_file(learner_file, cwd)
    if refused is not None:
        return KataResult(kata_id=kata.id, title=kata.title, fatal=refused, duration=0.0)
    source_sha256 = None
    if scan:
        import hashlib

        from katacheck.runner.parent.scan import Unscannable, scan_source

        source = _read_source(learner_file)
        try:
            findings = scan_source(source)
        except Unscannable:
            return KataResult(kata_id=kata.id, title=kata.title, duration=round(time.monotonic() - started, 3),
                              fatal=_learner_file_diagnosis("too_deep", learner_file))
        if findings:
            return _rejected(kata, learner_file, findings, time.monotonic() - started)
        # The child compiles these very bytes or nothing: a file swapped after the scan (by a
        # process an earlier run left behind) never runs unread.
        source_sha256 = hashlib.sha256(source).hexdigest()
    timeout = timeout if timeout is not None else _timeout_for(kata)
    if seed is None:  # KATACHECK_SEED in the parent's environment (the CLI validated it)
        seed = settings.seed()
    result, events = run_tests(kata, kata.tests_path, learner_file, cwd=cwd, timeout=timeout,
                               memory_mb=memory_mb, seed=seed, source_sha256=source_sha256)
    if result.passed and kata.judge_path.is_file():
        # The child's word is not enough: the judge must find its evidence sound.
        result = _judged(kata, result, _evidence(events), seed)
    if not result.passed:
        from katacheck.runner.parent.looks_like import refine

        result = refine(result, learner_file, kata.solution_path)  # the real cause of a symptom, at its line
    return replace(result, duration=round(time.monotonic() - started, 3))


def run_tests(kata: Kata, tests: Path, learner_file: Path, *, cwd: Path, timeout: float,
              memory_mb: int | None = None, seed: int | None = None,
              source_sha256: str | None = None) -> tuple[KataResult, list[dict[str, Any]]]:
    """Run the test file ``tests`` against ``learner_file`` in a kata child, as :func:`run_kata`
    runs the kata's hidden tests, and return what the child's stream says: the result, unjudged
    and unrefined, and its events (the evidence among them). For tools that bring their own
    tests (``katacheck dev calibrate``); a verdict is :func:`run_kata`'s."""
    started = time.monotonic()
    job = {"tests": str(tests), "learner": str(learner_file.resolve()), "cwd": str(cwd),
           "memory_mb": _memory_mb(memory_mb), "max_file_mb": MAX_FILE_MB, "timeout": timeout,
           "lang": language(), "seed": seed, "source_sha256": source_sha256}
    outcome = _run_on_a_worker(job, timeout, learner_file=learner_file)
    stream = read_stream(outcome.results)
    result = _assemble(kata, stream, outcome, timeout, time.monotonic() - started, learner_file)
    if result.fatal is not None and result.fatal.location is None:
        location = _crash_location(outcome.output, learner_file)
        result = replace(result, fatal=replace(result.fatal, location=location))
    return result, stream.events


def _read_source(learner_file: Path) -> bytes:
    """The learner file's bytes, read once: the scan reads them, and the child must compile them."""
    try:
        return learner_file.read_bytes()
    except OSError:
        return b""


def _evidence(events: list[dict[str, Any]]) -> list[Any]:
    return [item for event in events if event["event"] == "evidence" for item in event["items"]]


def _judged(kata: Kata, result: KataResult, evidence: list[Any], seed: int | None = None) -> KataResult:
    """``result`` as the judge sees it: each finding fails its check; no verdict, no pass."""
    import json

    job = {"judge": str(kata.judge_path), "cwd": str(kata.directory), "memory_mb": _memory_mb(None),
           "max_file_mb": MAX_FILE_MB, "timeout": JUDGE_TIMEOUT, "lang": language(),
           "seed": seed}
    outcome = _run_on_a_worker(job, JUDGE_TIMEOUT, stdin=json.dumps(evidence).encode(),
                               pool=_judges if _judge_servers else _pool)
    stream = read_stream(outcome.results)
    verdict = next((e for e in stream.events if e["event"] == "verdict"), None)
    if stream.forged is not None or verdict is None or not isinstance(verdict.get("findings"), list):
        error = outcome.worker_error or (outcome.output.strip().splitlines() or ["?"])[-1][:300]
        return replace(result, fatal=_fatal("judge", None, error=error))
    findings = [f for f in verdict["findings"] if isinstance(f, dict)]
    checks = tuple(_refuted(check, findings) for check in result.checks)
    names = {check.name for check in result.checks}
    stray = next((f for f in findings if f.get("check") not in names), None)
    fatal = _judge_diagnosis(stray) if stray is not None else None
    extras = {**result.extras, "judge": {"evidence": verdict.get("labels", []), "findings": len(findings)}}
    return replace(result, checks=checks, fatal=fatal, extras=extras)


def _refuted(check: CheckResult, findings: list[dict[str, Any]]) -> CheckResult:
    found = next((f for f in findings if f.get("check") == check.name), None)
    if found is None:
        return check
    return replace(check, outcome=Status.FAIL, diagnosis=_judge_diagnosis(found))


def _judge_diagnosis(found: dict[str, Any]) -> Diagnosis:
    return Diagnosis(message=str(found.get("message", "")), hint=str(found.get("hint", "")) or None,
                     code=str(found.get("code", "judge")))


@dataclass
class _Outcome:
    """What one run left behind: the raw results, the output, and how the process ended."""

    results: bytes = b""
    results_overflowed: bool = False
    output: str = ""
    returncode: int = 0
    timed_out: bool = False
    worker_failed: bool = False
    #: Why no worker could take the job at all (katacheck's problem, not the learner's).
    worker_error: str | None = None
    peak_kb: int = 0


def _run_on_a_worker(job: dict[str, Any], timeout: float, *, stdin: bytes | None = None,
                     learner_file: Path | None = None, pool: WorkerPool = _pool) -> _Outcome:
    worker = pool.acquire()
    healthy = False
    try:
        if worker.scratch is not None and learner_file is not None:
            job = _into_scratch(job, learner_file, worker.scratch)
        worker.wait_ready()
    except WorkerDied as error:
        return _Outcome(returncode=-signal.SIGKILL, worker_failed=True, worker_error=str(error))
    try:
        outcome = _run_job(worker, job, timeout, stdin)
        healthy = not outcome.worker_failed
        return outcome
    except WorkerDied as error:  # the job could not even be handed over
        return _Outcome(returncode=-signal.SIGKILL, worker_failed=True, worker_error=str(error))
    finally:
        worker.child_pid = None
        pool.release(worker, healthy=healthy)


def _into_scratch(job: dict[str, Any], learner_file: Path, scratch: Path) -> dict[str, Any]:
    """``job`` on a copy of the learner's file, alone in the sandboxed worker's folder: the one
    submission its child can see."""
    for entry in scratch.iterdir():
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    copy = scratch / learner_file.name
    shutil.copyfile(learner_file, copy)
    # "sandboxed": after the run the worker also ends whatever the child left running inside the
    # sandbox and empties its /tmp, so that nothing reaches the next learner's run.
    job = {**job, "learner": str(copy), "cwd": str(scratch), "sandboxed": True}
    from katacheck.runner.parent import sandbox

    if sandbox.uses_inbox():
        # The child's folder is the sandbox's own bounded tmpfs: the worker copies the file in.
        job["inbox"] = str(sandbox.inbox(scratch) / learner_file.name)
    return job


def use_sandbox(mode: str, katas: list[Kata]) -> None:
    """Run every kata from now on in workers under ``mode`` (``"bwrap"`` or ``"none"``): under
    bubblewrap, a worker sees the Python environment, the kata folders with every reference
    solution masked, and one folder of its own where each run's learner file is copied."""
    if mode != "bwrap":
        _pool.use_sandbox(None)
        return
    from katacheck.plugins import packs
    from katacheck.runner.parent import sandbox

    folders = sorted({kata.directory.parent for kata in katas} | {pack.directory for pack in packs().values()})
    hidden = sandbox.kata_solutions([*folders, *sandbox.python_paths()])
    _pool.use_sandbox(Sandbox(readable=tuple(folders), hidden=tuple(hidden)))


def _run_job(worker: Worker, job: dict[str, Any], timeout: float, stdin: bytes | None = None) -> _Outcome:
    """Hand ``job`` to ``worker`` with two fresh pipes (three with ``stdin``: what the child
    reads), and read both until the child ended."""
    results_r, results_w = os.pipe()
    output_r, output_w = os.pipe()
    input_r, input_w = os.pipe() if stdin is not None else (None, None)
    try:
        worker.send({"run": job}, (results_w, output_w) + ((input_r,) if input_r is not None else ()))
    finally:
        # Ours closed: each pipe reads end-of-file once the child's copy (and any grandchild's) is gone.
        for fd in (results_w, output_w, input_r):
            if fd is not None:
                os.close(fd)
    if input_w is not None:
        _feed(input_w, stdin)
    results, output = _Sink(RESULTS_LIMIT, keep_tail=False), _Sink(OUTPUT_KEPT, keep_tail=True)
    outcome = _Outcome()
    deadline = time.monotonic() + timeout + WORKER_GRACE
    ended = False
    with selectors.DefaultSelector() as selector:
        selector.register(results_r, selectors.EVENT_READ, results)
        selector.register(output_r, selectors.EVENT_READ, output)
        selector.register(worker.socket, selectors.EVENT_READ, None)
        try:
            while not (ended and not _has_pipes(selector)):
                left = deadline - time.monotonic()
                if left <= 0:
                    # The worker neither finished nor reported: it is broken.
                    outcome.worker_failed, outcome.timed_out = True, not ended
                    break
                for key, _ in selector.select(min(left, 1.0)):
                    if key.data is None:
                        message = worker.receive(0)
                        if "started" in message:
                            worker.child_pid = int(message["started"])
                        elif "ended" in message:
                            ended = True
                            outcome.returncode = os.waitstatus_to_exitcode(int(message["status"]))
                            outcome.timed_out = bool(message.get("timed_out"))
                            outcome.peak_kb = int(message.get("peak_kb") or 0)
                            selector.unregister(worker.socket)
                            # The group was killed: the pipes close now, or within a moment.
                            deadline = min(deadline, time.monotonic() + 2.0)
                        continue
                    chunk = os.read(key.fd, 1 << 16)
                    if chunk:
                        key.data.add(chunk)
                    else:
                        selector.unregister(key.fd)
        except WorkerDied:
            outcome.worker_failed = True
            worker.kill_child()
        finally:
            os.close(results_r)
            os.close(output_r)
    if outcome.worker_failed and not ended:
        outcome.returncode = -signal.SIGKILL
    outcome.results, outcome.results_overflowed = results.data(), results.dropped > 0
    outcome.output = output.text()
    return outcome


def _feed(fd: int, data: bytes) -> None:
    """Write ``data`` to ``fd`` and close it, from a thread (a pipe holds only 64 kB, and the
    child may not read before we read its output)."""
    import threading

    def write() -> None:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        except OSError:
            pass  # the child died before reading: its exit says why
        finally:
            os.close(fd)

    threading.Thread(target=write, daemon=True).start()


def _has_pipes(selector: selectors.BaseSelector) -> bool:
    return any(key.data is not None for key in selector.get_map().values())


class _Sink:
    """Bytes from a pipe, bounded: the first ``limit`` bytes, and with ``keep_tail`` the last
    ``limit`` too; :attr:`dropped` counts what fell in between."""

    def __init__(self, limit: int, *, keep_tail: bool) -> None:
        self.limit, self.keep_tail = limit, keep_tail
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0

    def add(self, chunk: bytes) -> None:
        room = self.limit - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if not chunk:
            return
        if not self.keep_tail:
            self.dropped += len(chunk)
            return
        self.tail += chunk
        if len(self.tail) > self.limit:
            cut = len(self.tail) - self.limit
            del self.tail[:cut]
            self.dropped += cut

    def data(self) -> bytes:
        return bytes(self.head + self.tail)

    def text(self) -> str:
        head = self.head.decode("utf-8", "replace")
        if not self.dropped:
            return head + self.tail.decode("utf-8", "replace")
        return "\n".join((head, t("report.output_elided", omitted=self.dropped), self.tail.decode("utf-8", "replace")))


def _refused_file(learner_file: Path, cwd: Path) -> Diagnosis | None:
    """Why ``learner_file`` cannot be run at all, or None: only a regular file inside ``cwd``,
    never a symlink (it could point at the reference solution), is the learner's work."""
    if learner_file.is_symlink():
        cause = "symlink"
    elif not learner_file.is_file():
        cause = "not_a_file"
    elif not learner_file.resolve().is_relative_to(cwd):
        cause = "outside"
    elif learner_file.stat().st_size > MAX_SOURCE_MB * 2**20:
        cause = "too_large"
    else:
        return None
    return _learner_file_diagnosis(cause, learner_file)


def _learner_file_diagnosis(cause: str, learner_file: Path) -> Diagnosis:
    return Diagnosis(message=t(f"fatal.learner_file.{cause}", file=learner_file.name, mb=str(MAX_SOURCE_MB)),
                     hint=t("fatal.learner_file.hint", file=learner_file.name, kata=learner_file.stem),
                     code=f"fatal.learner_file.{cause}")


#: What a terminal would act on instead of showing: C0 and C1 control characters (escape
#: sequences start with one) but newline and tab, and the bidirectional overrides and isolates.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    return "" if char == "\r" else "\u241b" if char == "\x1b" else "\ufffd"


def printable(value: Any) -> Any:
    """``value`` (a result, and everything in it) with every string made safe to show: what the
    learner's code raised, printed or wrote in its file reaches the learner's and the teacher's
    terminal, the gradebook and the reports, and an escape sequence there could clear the
    screen, rewrite the lines above with a green summary or hide the rest (``ESC[8m``). An
    escape shows as ``␛``, another control character as ``�``; a carriage return is dropped."""
    import dataclasses
    from enum import Enum

    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return _UNPRINTABLE.sub(_shown, value)
    if isinstance(value, tuple):
        return tuple(printable(item) for item in value)
    if isinstance(value, list):
        return [printable(item) for item in value]
    if isinstance(value, dict):
        return {key: printable(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: printable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return replace(value, **changed)
    return value


def _memory_mb(memory_mb: int | None) -> int:
    return memory_mb or settings.memory_mb(default=DEFAULT_MEMORY_MB)


def _timeout_for(kata: Kata) -> float:
    # A teacher on a slow CI runner can stretch every kata's timeout at once.
    return kata.timeout * settings.timeout_factor()


def _assemble(kata: Kata, stream: Stream, outcome: _Outcome, timeout: float, duration: float,
              learner_file: Path | None = None) -> KataResult:
    events, returncode, timed_out = stream.events, outcome.returncode, outcome.timed_out
    if outcome.results_overflowed:
        stream.forged = "overflow"
    order_problem = _order_problem(events)
    try:
        checks = tuple(_in_language(kata, CheckResult.from_dict(e["check"])) for e in events if e["event"] == "check")
    except (KeyError, TypeError, ValueError, AttributeError):
        # Signed by the child but not the shape our plugin writes: the child's plugin was bent.
        checks, stream.forged = (), stream.forged or "shape"
    done = next((e for e in events if e["event"] == "done"), None)
    tampered = next((e for e in events if e["event"] == "tamper"), None)
    running = _running_check(events)
    all_passed = bool(checks) and all(c.passed for c in checks) and len(checks) == _collected_count(events)
    fatal = None
    if outcome.worker_error is not None:
        fatal = _fatal("worker", None, error=outcome.worker_error.strip().splitlines()[-1][:300])
    elif stream.forged is not None:
        fatal = tamper_diagnosis("stream")
    elif tampered is not None and tampered.get("kind") == "source_changed":
        # Also an honest save in the middle of a run (`watch`): said neutrally; it never ran.
        fatal = _fatal("source_changed", None)
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
        output=truncate(outcome.output.strip(), OUTPUT_LIMIT, t("report.output_elided")),
        duration=round(duration, 3),
        extras={"peak_memory_mb": round(outcome.peak_kb / 1024)} if outcome.peak_kb else {},
    )


def _in_language(kata: Kata, check: CheckResult) -> CheckResult:
    # The child reports a check's pt-BR title (its docstring); the kata may translate it.
    return replace(check, title=kata.check_title(check.name, check.title))


def _crash_location(raw_output: str, learner_file: Path) -> Location | None:
    """The learner's line in faulthandler's dump (most recent call first) or a traceback."""
    path = str(learner_file.resolve())
    for match in re.finditer(r'File "(?P<path>[^"]+)", line (?P<line>\d+)', raw_output):
        if match["path"] == path:
            return Location.at(path, int(match["line"]))
    return None


def _order_problem(events: list[dict[str, Any]]) -> str | None:
    """What is out of place in the events, if anything: they must read ``collected``, then
    ``start``/``check`` for each collected name in order, then ``done`` (a run cut short stops
    anywhere along the way; a ``tamper`` event may come at any point and ends it). A check's
    ``evidence`` comes after its ``start`` and before its ``check``."""
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
        elif kind == "evidence":
            if open_check is None or event.get("name") != open_check or not isinstance(event.get("items"), list):
                return f"evidence {event.get('name')}"
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
    return Location.at(str(learner_file.resolve()), line)


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



def run_katas(runs: list[tuple[Kata, Path, Path]], *, jobs: int | None = None,
              seed: int | None = None) -> list[KataResult]:
    """Run every ``(kata, learner_file, cwd)`` of ``runs``, ``jobs`` at a time (default: one per
    core), each with the base seed ``seed`` (see :func:`run_kata`); the results come back in the
    order given."""
    from concurrent.futures import ThreadPoolExecutor

    if not runs:
        return []
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(runs)))
    warm_up(jobs)
    # Threads only wait on pipes (the work is in the children), so they cost nothing.
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_kata, kata, learner_file, cwd=cwd, seed=seed) for kata, learner_file, cwd in runs]
        try:
            return [future.result() for future in futures]
        except BaseException:  # Ctrl-C: no new runs, and the running ones stop now
            pool.shutdown(wait=False, cancel_futures=True)
            stop_running()
            raise
