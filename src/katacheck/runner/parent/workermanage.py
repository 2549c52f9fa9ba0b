"""Parent side: the warm workers, one per job slot, started early and replaced when they die.

A :class:`Worker` is a ``python -I -m katacheck.runner.worker.forkserver`` process and our end
of a ``SOCK_SEQPACKET`` socket pair to it (the protocol is in that module's docstring). The
:class:`WorkerPool` hands an idle worker to each run, starting a new one while fewer than
``slots`` exist, and waits otherwise. Workers import torch for a few seconds, so the pool is
made early (:meth:`WorkerPool.warm_up`) and that cost overlaps the parent's own start.

No worker outlives the command: each exits when its socket reads end-of-file (this process
ended, however it ended); :meth:`WorkerPool.shutdown` runs at exit.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from katacheck.runner.hardening import not_dumpable

#: Largest control message, in bytes.
MESSAGE_BYTES = 1 << 16
#: Seconds a worker may take to import torch and report ready before it is taken for dead.
READY_TIMEOUT = 120.0

# Variables through which a workspace could change how the child's Python or pytest behaves.
_SCRUBBED_ENV = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME",
                 "PYTHONINSPECT", "PYTHONBREAKPOINT")


class WorkerDied(Exception):
    """The worker process ended or stopped answering (its run is a crash, the worker replaced)."""


class Worker:
    """One warm worker and the socket to it; used by one run at a time."""

    #: How a worker starts; its socket's descriptor number is appended.
    COMMAND = (sys.executable, "-I", "-m", "katacheck.runner.worker.forkserver")

    def __init__(self, sandbox: Sandbox | None = None, *, judge_server: bool = False) -> None:
        # The process that decides the verdicts, out of reach of the children's /proc/<pid>/mem.
        not_dumpable()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        #: Under a sandbox: the one folder the worker (and so each child) may see of the
        #: submissions; each run's learner file is copied into it first.
        self.scratch = Path(tempfile.mkdtemp(prefix="katacheck-entrega-")) if sandbox else None
        command = [*self.COMMAND, str(theirs.fileno()), *(["--judge"] if judge_server else [])]
        passed = [theirs.fileno()]
        #: bwrap writes the sandbox's first pid here: killing bwrap itself would not end it.
        self._sandbox_info: int | None = None
        if sandbox is not None:
            self._sandbox_info, info_w = os.pipe()
            passed.append(info_w)
            command = sandbox.wrap(command, self.scratch, info_w)
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                pass_fds=tuple(passed),
                # Not the workspace: nothing in it may end up on the worker's path.
                cwd=os.path.abspath(os.sep),
                env=child_environment(sandboxed=sandbox is not None),
                # Its own session: the terminal's Ctrl-C goes to us, and we stop the runs.
                start_new_session=True,
            )
        finally:
            theirs.close()
            if len(passed) > 1:
                os.close(passed[1])
        self.socket = ours
        self.ready = False
        self.started = time.monotonic()
        #: The pid of the kata child running now, if any.
        self.child_pid: int | None = None

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Block until the worker finished its imports; :class:`WorkerDied` if it failed."""
        if self.ready:
            return
        message = self.receive(timeout)
        if "ready" not in message:
            raise WorkerDied(str(message.get("error", message))[-2000:])
        self.ready = True

    def send(self, message: dict, fds: tuple[int, ...] = ()) -> None:
        try:
            socket.send_fds(self.socket, [json.dumps(message).encode()], list(fds))
        except OSError as error:
            raise WorkerDied(str(error)) from None

    def receive(self, timeout: float | None) -> dict:
        """The worker's next message; :class:`WorkerDied` on end-of-file or after ``timeout`` s."""
        self.socket.settimeout(timeout)
        try:
            data = self.socket.recv(MESSAGE_BYTES)
        except (TimeoutError, OSError) as error:
            raise WorkerDied(str(error) or "timeout") from None
        if not data:
            raise WorkerDied("end of file")
        try:
            return json.loads(data)
        except ValueError:
            raise WorkerDied("unreadable message") from None

    def alive(self) -> bool:
        return self.process.poll() is None

    def _end_sandbox(self) -> None:
        """SIGKILL the sandbox's first process (everything inside goes with it), if any."""
        if self._sandbox_info is None:
            return
        import select
        import signal

        try:
            ready, _, _ = select.select([self._sandbox_info], [], [], 0)
            info = json.loads(os.read(self._sandbox_info, 4096) or b"{}") if ready else {}
            if isinstance(info.get("child-pid"), int):
                os.kill(info["child-pid"], signal.SIGKILL)
        except (OSError, ValueError):
            pass
        finally:
            os.close(self._sandbox_info)
            self._sandbox_info = None

    def sandboxed_as(self, sandbox: Sandbox | None) -> bool:
        return (self.scratch is not None) == (sandbox is not None)

    def kill_child(self) -> None:
        """Kill the running kata child's process group, when the worker can no longer do it."""
        # Under a sandbox the pid is the sandbox's own numbering (its pid namespace): the
        # sandbox ends with its bubblewrap process instead.
        if self.child_pid is not None and self.scratch is None:
            _kill_group(self.child_pid)

    def stop(self) -> None:
        """End the worker (and, through its socket closing, its running child)."""
        self.kill_child()
        self._end_sandbox()
        try:
            self.socket.close()
        except OSError:
            pass
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not fail
            pass
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


@dataclass(frozen=True)
class Sandbox:
    """How workers start under bubblewrap (:mod:`.sandbox`): what they may read, what is masked."""

    readable: tuple[Path, ...]
    hidden: tuple[Path, ...]

    def wrap(self, command: list[str], scratch: Path, info_fd: int) -> list[str]:
        from katacheck.runner.parent import sandbox

        return sandbox.wrap(command, scratch=scratch, readable=self.readable, hidden=self.hidden, info_fd=info_fd)


class WorkerPool:
    """Up to ``slots`` workers, each lent to one run at a time."""

    def __init__(self, *, judge_servers: bool = False) -> None:
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._condition = threading.Condition()
        self.slots = 1
        self.sandbox: Sandbox | None = None
        #: A pool of judge servers (they judge in place) rather than of forking workers.
        self.judge_servers = judge_servers

    def _new_worker(self) -> Worker:
        # A judge server runs no learner code: it needs no sandbox (and no scratch folder).
        if self.judge_servers:
            return Worker(judge_server=True)
        return Worker(self.sandbox)

    def use_sandbox(self, sandbox: Sandbox | None) -> None:
        """Start workers under ``sandbox`` from now on (None: none); idle ones are replaced."""
        with self._condition:
            if sandbox == self.sandbox:
                return
            self.sandbox = sandbox
            stale, self._idle = self._idle, []
        for worker in stale:
            worker.stop()

    def warm_up(self, count: int) -> None:
        """Have at least ``count`` workers (idle or busy), starting the missing ones now."""
        with self._condition:
            self.slots = max(self.slots, count)
            missing = count - len(self._idle) - len(self._busy)
            self._idle.extend(self._new_worker() for _ in range(max(missing, 0)))

    def acquire(self) -> Worker:
        """An idle, live worker (started if a slot is free); waits while every slot is busy."""
        with self._condition:
            while True:
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive() and worker.sandboxed_as(self.sandbox):
                        self._busy.add(worker)
                        return worker
                    worker.stop()
                if len(self._busy) < self.slots:
                    worker = self._new_worker()
                    self._busy.add(worker)
                    return worker
                self._condition.wait()

    def release(self, worker: Worker, *, healthy: bool) -> None:
        """Give ``worker`` back; an unhealthy one is stopped and a fresh one takes its slot."""
        with self._condition:
            self._busy.discard(worker)
            if healthy and worker.alive() and worker.sandboxed_as(self.sandbox):
                self._idle.append(worker)
            else:
                worker.stop()
                self._idle.append(self._new_worker())
            self._condition.notify()

    def stop_running(self) -> None:
        """Ask every busy worker to kill its running child now."""
        with self._condition:
            busy = list(self._busy)
        for worker in busy:
            # The worker kills it: it is the child's parent, so the pid cannot have been reused.
            try:
                worker.send({"kill": True})
            except WorkerDied:
                pass

    def shutdown(self) -> None:
        """Stop every worker."""
        with self._condition:
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._busy.clear()
            self._condition.notify_all()
        for worker in workers:
            worker.stop()

    def peak_memory_kb(self) -> list[int]:
        """Each live worker's peak resident memory (VmHWM), in kB, where /proc tells."""
        with self._condition:
            workers = [*self._idle, *self._busy]
        return [kb for kb in (_peak_kb(w.process.pid) for w in workers) if kb]


#: What of the teacher's environment a sandboxed worker keeps (``grade``): the rest (a
#: ``GITHUB_TOKEN``, cloud keys, whatever the shell or the CI holds) reached every submission,
#: which could write it into its own failure message, and so into the gradebook's ``cause``.
SANDBOX_ENV = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM", "CC", "CXX", "LD_LIBRARY_PATH")
SANDBOX_ENV_PREFIXES = ("LC_", "KATACHECK_", "CUDA_", "NVIDIA_", "PYTORCH_", "TORCH_", "OMP_", "MKL_")


def child_environment(*, sandboxed: bool = False) -> dict[str, str]:
    """The environment of the workers and so of every kata child: ours, scrubbed, plus settings;
    ``sandboxed``, only :data:`SANDBOX_ENV` of ours (the learner's own ``verify`` keeps theirs)."""
    from katacheck.i18n import language

    here = os.path.realpath(os.getcwd())
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    if sandboxed:
        env = {k: v for k, v in env.items() if k in SANDBOX_ENV or k.startswith(SANDBOX_ENV_PREFIXES)}
    env.update(
        # The child imports exactly what this process can import, minus the current folder
        # (a parent started as `python -m katacheck` from a workspace has it on its path).
        KATACHECK_CHILD_SYSPATH=json.dumps(
            [p for p in sys.path if p and Path(p).is_dir() and os.path.realpath(p) != here]),
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        KATACHECK_LANG=language(),
        # One thread: tiny models train faster, two children share two cores fairly, results
        # do not depend on the machine's core count, and the worker forks with no thread pool.
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        # torch.cuda.is_available() through NVML, without creating a CUDA context: a process
        # that made one cannot fork a working child (see the worker's docstring).
        PYTORCH_NVML_BASED_CUDA_CHECK="1",
    )
    return env


def _kill_group(pid: int) -> None:
    import signal

    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _peak_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0
