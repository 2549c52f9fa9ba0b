"""The warm worker: imports torch, pytest and the child side once, then forks one kata child per run.

``python -I -m katacheck.runner.worker.forkserver FD [--judge]`` — ``FD`` is this process's end of a
``SOCK_SEQPACKET`` socket pair; the parent (:mod:`katacheck.runner.parent.workermanage`) holds
the other. One message per packet, JSON:

- worker → parent: ``{"ready": pid}`` once the imports are done (or ``{"error": text}``);
- parent → worker: ``{"run": job}`` with two descriptors attached (``SCM_RIGHTS``): the write
  ends of the run's results pipe and output pipe, made by the parent (a judge's job, a third:
  the read end of the pipe its evidence comes on);
- worker → parent: ``{"started": pid}`` after the fork, ``{"ended": pid, "status": ...,
  "timed_out": ..., "peak_kb": ...}`` once the child is reaped;
- parent → worker: ``{"kill": true}`` ends the running child now (Ctrl-C).

Fork safety
-----------
``fork`` copies one thread and the whole address space, so the worker keeps to what survives
it:

- **No CUDA, ever.** The CUDA runtime does not survive ``fork``: a child of a process that
  initialised it fails on first use ("Cannot re-initialize CUDA in forked subprocess", the
  PyTorch docs' multiprocessing notes). Even ``torch.cuda.is_available()`` initialises the
  driver unless ``PYTORCH_NVML_BASED_CUDA_CHECK=1`` is set, which the parent sets for us and
  our children: NVML answers without creating a CUDA context. The worker never calls it; each
  child initialises CUDA for itself, after the fork, where a GPU kata needs it.
- **No tensor operation.** The first CPU op may start the intra-op thread pool (OpenMP), and
  threads do not survive ``fork`` either (a lock held by one stays held in the child forever).
  ``OMP_NUM_THREADS=1`` is set as well, for the children's sake. Everything that must touch a
  tensor before learner code runs (:func:`katacheck.runner.child.integrity.prime_torch`)
  happens in the child.
- **One thread, no secrets.** The worker starts no thread, and holds nothing a child must not
  see: each run's signing key is made in the child, after the fork
  (:mod:`katacheck.runner.channel`); the control socket is closed in the child before
  anything else happens. What a child inherits is only what every child inherits.
- ``gc.freeze()`` before the first fork moves everything imported into the permanent
  generation, so a child's collections do not write to (and so copy) the pages it shares
  with the worker.

The worker runs one child at a time, enforces its timeout (it is the child's parent: it can
kill the child's process group before reaping it, so the pid cannot have been reused), and
exits when the parent goes away, however it goes (SIGKILL included): the kernel closes the
parent's end of the socket, which then reads end-of-file, whether the worker is idle or
watching a child. (``PR_SET_PDEATHSIG`` would not do: it fires when the parent *thread* that
started us ends, and the parent starts replacement workers from short-lived threads.)
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import socket
import sys
import time
import traceback

from katacheck.runner.hardening import not_dumpable

#: Largest control message, in bytes (a job is a few hundred).
MESSAGE_BYTES = 1 << 16


def main(argv: list[str]) -> int:
    not_dumpable()
    control = socket.socket(fileno=int(argv[0]))
    # ``--judge``: a judge server, which judges each job itself instead of forking (grade sends
    # it every judgement: no fork, no set-up per kata).
    judge_server = argv[1:] == ["--judge"]
    _restore_sys_path()
    try:
        _import_child_side()
    except BaseException:  # noqa: BLE001 - whatever broke, the parent must hear why
        _send(control, {"error": traceback.format_exc()[-4000:]})
        return 1
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()
    _send(control, {"ready": os.getpid()})
    while True:
        message, fds = _receive(control)
        if message is None:  # the parent is gone: so are we
            return 0
        if "run" not in message or len(fds) not in (2, 3):
            for fd in fds:
                os.close(fd)
            continue
        if judge_server:
            _judge_here(control, message["run"], fds)
        else:
            _serve(control, message["run"], fds)


def _judge_here(control: socket.socket, job: dict, fds: list[int]) -> None:
    """A judge server's job: judged in this very process, which never forks nor runs learner
    code (so, unlike a forking worker, it may run tensor operations)."""
    from katacheck.runner.judge.main import judge_in_place

    if "judge" not in job or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        _send(control, {"ended": os.getpid(), "status": 1 << 8, "timed_out": False})
        return
    _send(control, {"started": os.getpid()})
    code = judge_in_place(job, *fds)
    _send(control, {"ended": os.getpid(), "status": (code & 0xFF) << 8, "timed_out": False})


def _serve(control: socket.socket, job: dict, fds: list[int]) -> None:
    """Fork one child for ``job``, wait for it under its timeout, report how it ended.

    ``fds``: the results pipe and the output pipe, and for a judge the pipe it reads the
    evidence from."""
    if job.get("inbox"):
        try:
            _from_inbox(job)
        except OSError:
            pass  # no file to run: the child says so, as for any missing file
    pid = os.fork()
    if pid == 0:  # the child (or the judge): never returns
        if "judge" in job:
            from katacheck.runner.judge.main import run_forked
        else:
            from katacheck.runner.child.main import run_forked
        run_forked(job, control.fileno(), *fds)
    for fd in fds:
        os.close(fd)
    _send(control, {"started": pid})
    status, timed_out, usage, parent_gone = _wait(control, pid, float(job["timeout"]))
    # Anything the child left running in its group goes with it.
    _kill_group(pid)
    if job.get("sandboxed"):
        _sweep_sandbox()
    if parent_gone:
        sys.exit(0)
    _send(control, {"ended": pid, "status": status, "timed_out": timed_out,
                    "peak_kb": getattr(usage, "ru_maxrss", 0)})


def _wait(control: socket.socket, pid: int, timeout: float):
    """Reap ``pid``, killing its group at the deadline or when the parent asks or goes away."""
    deadline = time.monotonic() + timeout
    timed_out = parent_gone = False
    pidfd = _pidfd(pid)
    try:
        while True:
            waited, status, usage = os.wait4(pid, os.WNOHANG)
            if waited == pid:
                return status, timed_out, usage, parent_gone
            left = deadline - time.monotonic()
            if left <= 0 and not timed_out:
                timed_out = True
                _kill_group(pid)
                continue
            watched = [control] + ([pidfd] if pidfd is not None else [])
            # Without a pidfd (old kernels) we poll the child every 20 ms.
            ready, _, _ = select.select(watched, [], [], max(0.0, min(left, 0.02 if pidfd is None else left)))
            if control in ready:
                message, fds = _receive(control)
                for fd in fds:
                    os.close(fd)
                if message is None:
                    parent_gone = True
                    _kill_group(pid)
                elif message.get("kill"):
                    _kill_group(pid)
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _from_inbox(job: dict) -> None:
    """A sandboxed run whose folder is the sandbox's own tmpfs: empty it (the last learner's files
    are there) and copy this run's file in from the read-only inbox the parent wrote it to."""
    import shutil

    folder = job["cwd"]
    os.makedirs(folder, exist_ok=True)
    _empty(folder)
    shutil.copyfile(job["inbox"], job["learner"])


def _empty(folder: str) -> None:
    """Remove everything in ``folder`` (a link is removed, never followed)."""
    import shutil

    for name in os.listdir(folder) if os.path.isdir(folder) else ():
        path = os.path.join(folder, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def _sweep_sandbox() -> None:
    """Inside grade's sandbox, between two learners: end every process but us and the sandbox's
    init (a grandchild may have left its group with setsid), and empty ``/tmp`` and
    ``/dev/shm``, which live as long as the worker. Only where the sandbox's own pid namespace
    is certain (its pid 1 is bubblewrap): anywhere else this would kill the user's processes."""
    try:
        with open("/proc/1/cmdline", "rb") as cmdline:
            if b"bwrap" not in cmdline.read().split(b"\0")[0]:
                return
    except OSError:
        return
    keep = {1, os.getpid(), os.getppid()}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in keep:
            try:
                os.kill(int(entry), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    for folder in ("/tmp", "/dev/shm"):
        _empty(folder)


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _import_child_side() -> None:
    """Everything a kata child needs, imported once; nothing here touches a tensor."""
    import importlib

    import _pytest.config
    import pytest  # noqa: F401

    # pytest.main imports its built-in plugins on every call: do it once, here.
    for name in _pytest.config.default_plugins:
        importlib.import_module(f"_pytest.{name}")
    import katacheck.checks  # noqa: F401 - imports torch: the slow part
    import katacheck.judge  # noqa: F401
    import katacheck.runner.child.main  # noqa: F401
    import katacheck.runner.child.plugin  # noqa: F401
    import katacheck.runner.judge.main  # noqa: F401
    from katacheck.checks.eager import skip_dynamo_import
    from katacheck.runner.child.integrity import snapshot_before_forking

    skip_dynamo_import()
    _fill_pickle_caches()
    # Last: the snapshot of the checker that each child renews instead of taking it again.
    snapshot_before_forking()


def _fill_pickle_caches() -> None:
    """The first ``torch.save`` of a tensor stores a cache on ``torch.Tensor`` and
    ``nn.Parameter`` (copyreg's ``__slotnames__``): a new name in a class torch guards, which the
    tripwire would read as tampering in the child of any learner who saves a model. Filled here,
    before the snapshot, it is already there. Plain attribute work: no tensor operation."""
    import copyreg

    import torch

    for cls in (torch.Tensor, torch.nn.Parameter):
        copyreg._slotnames(cls)


def _restore_sys_path() -> None:
    # -I left out the current folder and every PYTHON* variable; the parent tells us its own
    # path (the installed katacheck, torch, pytest), already without any workspace in it.
    for entry in json.loads(os.environ.get("KATACHECK_CHILD_SYSPATH", "[]")):
        if entry not in sys.path:
            sys.path.append(entry)


def _send(control: socket.socket, message: dict) -> None:
    try:
        control.send(json.dumps(message).encode())
    except OSError:
        pass  # the parent is gone; the next receive says so


def _receive(control: socket.socket) -> tuple[dict | None, list[int]]:
    try:
        data, fds, _flags, _address = socket.recv_fds(control, MESSAGE_BYTES, 4)
    except (OSError, ConnectionError):
        return None, []
    if not data:
        return None, list(fds)
    try:
        return json.loads(data), list(fds)
    except ValueError:
        return {}, list(fds)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
