"""The kata child's life, from the fork to ``os._exit``: :func:`run_forked`.

The worker (:mod:`katacheck.runner.worker.forkserver`) forks, and the child, before any learner
code exists in it:

1. leaves the worker's session for one of its own (a timeout kills the whole group, anything the
   learner spawned included);
2. rebuilds its descriptors: stdin reads ``/dev/null`` (a learner's ``input()`` gets EOF, not a
   hang), stdout and stderr go to the run's output pipe, the results pipe moves to descriptor 3,
   and every other descriptor is closed, the worker's control socket first: nothing the learner
   runs can speak to the parent as the worker;
3. moves into the submission's folder, and caps its memory, the size of the files it writes and
   its core dumps;
4. runs pytest over one kata's hidden tests with the plugin of
   :mod:`katacheck.runner.child.plugin` and nothing else: no ``conftest.py``, no ini file, no
   plugins from the environment or ``-p``, no cache written anywhere, and
   ``--import-mode=importlib`` so that the kata's folder (with its reference solution) is never
   put on ``sys.path``.

It ends with ``os._exit``: the learner's ``atexit`` handlers and object finalizers never run, so
nothing the learner left behind can act after the results are sent.
"""

from __future__ import annotations

import faulthandler
import os
import sys

#: Where the results pipe's write end sits in the child.
RESULTS_FD = 3
#: The child's exit status when katacheck itself failed before pytest could report.
INTERNAL_ERROR_EXIT = 70


def run_forked(job: dict, control_fd: int, results_fd: int, output_fd: int) -> None:
    """Run ``job`` in this freshly forked process; never returns."""
    exit_now = os._exit
    code = INTERNAL_ERROR_EXIT
    try:
        prepare_process(job, control_fd, results_fd, output_fd)
        code = _run(job)
    except BaseException:  # noqa: BLE001 - katacheck's own failure: the parent reads it as a crash
        import traceback

        traceback.print_exc()
    flush_and_exit(code, exit_now)


def prepare_process(job: dict, control_fd: int, results_fd: int, output_fd: int, input_fd: int | None = None) -> None:
    """Steps 1–3 above, for any process the worker forks (the judge too: with ``input_fd``, stdin
    reads it instead of ``/dev/null``)."""
    os.setsid()
    _rebuild_descriptors(control_fd, results_fd, output_fd, input_fd)
    os.chdir(job["cwd"])
    _limit_resources(int(job["memory_mb"]), int(job["max_file_mb"]))
    from katacheck.i18n import set_language

    set_language(job.get("lang"))
    os.environ["KATACHECK_LANG"] = job.get("lang") or ""
    use_seed(job)
    # The worker needed torch.cuda.is_available() to go through NVML, so that nothing before a
    # fork could create a CUDA context. This process forks no more and may own CUDA; and every
    # optimizer step asks is_available() (torch.accelerator), which through NVML costs ~75 µs
    # a call: a tenth of a training kata's run. The CUDA runtime's answer is cached: ~1 µs.
    os.environ.pop("PYTORCH_NVML_BASED_CUDA_CHECK", None)
    # On a segfault, print the Python stack: the parent finds the learner's line in it.
    faulthandler.enable()


#: The base seed every seed of a kata's hidden tests derives from (what reads it comes with the
#: seed plumbing of issue 11; ``dev check --seeds`` already sets it, through the job's "seed").
SEED_VARIABLE = "KATACHECK_SEED"
#: The worker's own value, from the parent's environment: a job without a seed keeps it.
_INHERITED_SEED = os.environ.get(SEED_VARIABLE)


def use_seed(job: dict) -> None:
    """Put ``job``'s base seed in ``KATACHECK_SEED`` (for the hidden tests, or the judge); a job
    without one gets the worker's own value back (a judge server judges many jobs in a row)."""
    seed = job.get("seed")
    value = str(seed) if seed is not None else _INHERITED_SEED
    if value is None:
        os.environ.pop(SEED_VARIABLE, None)
    else:
        os.environ[SEED_VARIABLE] = value


def flush_and_exit(code: int, exit_now=os._exit) -> None:
    """Flush what can be flushed, then end at once: no ``atexit``, no finalizers."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001, S110 - a learner may have replaced or closed them
            pass
    exit_now(code)


def _rebuild_descriptors(control_fd: int, results_fd: int, output_fd: int, input_fd: int | None) -> None:
    os.close(control_fd)
    source = input_fd if input_fd is not None else os.open(os.devnull, os.O_RDONLY)
    os.dup2(source, 0)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    if results_fd != RESULTS_FD:
        os.dup2(results_fd, RESULTS_FD)
    os.closerange(RESULTS_FD + 1, _max_fd())
    # dup2 makes descriptors inheritable: none of ours goes to a process the learner starts.
    os.set_inheritable(RESULTS_FD, False)


def _max_fd() -> int:
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        return min(soft, 1 << 16) if soft > 0 else 1 << 16
    except (ImportError, ValueError, OSError):  # pragma: no cover
        return 1 << 16


def _run(job: dict) -> int:
    import pytest

    from katacheck.runner.channel import open_writer
    from katacheck.runner.child.plugin import make_plugin

    send, close = open_writer(RESULTS_FD)
    tests, learner = job["tests"], job["learner"]
    plugin = make_plugin(learner, send, close, source_sha256=job.get("source_sha256"))
    job.clear()
    return int(pytest.main([
        tests,
        f"--rootdir={os.path.dirname(tests)}",
        "-c", os.devnull,
        "--noconftest",
        "--import-mode=importlib",
        # The plugin captures what the learner prints itself, bounded (pytest's capture would
        # write a 200 MB print loop to a temporary file, into the file-size cap).
        "--capture=no",
        "-p", "no:cacheprovider",
        "-p", "no:stepwise",
        "-q", "--no-header", "--tb=no", "-p", "no:warnings",
    ], plugins=[plugin]))


#: Tasks (processes and threads) a child may start beyond those that exist when it starts: far
#: more than a DataLoader's workers and torch's thread pools, far fewer than a fork bomb.
MAX_NEW_TASKS = 1024


def _limit_resources(memory_mb: int, max_file_mb: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows has no rlimits; the timeout still holds
        return
    # RLIMIT_DATA rather than RLIMIT_AS: CUDA reserves huge virtual ranges it never touches.
    for limit, value in (
        (resource.RLIMIT_DATA, memory_mb * 2**20),
        (resource.RLIMIT_FSIZE, max_file_mb * 2**20),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(limit, (value, value))
    _limit_tasks(resource)


def _limit_tasks(resource) -> None:
    """Cap the tasks this user may have at those of the whole machine now plus
    :data:`MAX_NEW_TASKS`: a fork bomb in learner code fails with ``BlockingIOError`` instead of
    filling the process table before the timeout (the other workers of ``grade``, the teacher's
    shell). The kernel counts the tasks of the real user (in a sandbox, of its user namespace);
    the machine's total is an upper bound of those, read in one line. Root is exempt by the
    kernel; a limit already lower stays."""
    try:
        with open("/proc/loadavg", "rb") as loadavg:
            tasks = int(loadavg.read().split()[3].split(b"/")[1])
    except (OSError, ValueError, IndexError):
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
    value = tasks + MAX_NEW_TASKS
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    if soft == resource.RLIM_INFINITY or soft > value:
        resource.setrlimit(resource.RLIMIT_NPROC, (value, value))
