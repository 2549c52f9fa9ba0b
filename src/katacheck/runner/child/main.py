"""Child side entry point: ``python -I -m katacheck.runner.child.main MEMORY_MB``.

The child limits itself, imports torch and pytest, and only then reads its job, one JSON line
on stdin (``{"tests": ..., "learner": ..., "fd": ..., "key": ...}``): the parent can start it
early and let the slow imports overlap its own work. ``fd`` is the write end of the results
pipe (inherited from the parent, and only by this process) and ``key`` the run's signing key;
both go into the result writer's closure and nowhere else (:mod:`katacheck.runner.channel`).

It runs pytest over one kata's hidden tests with the plugin of
:mod:`katacheck.runner.child.plugin` and nothing else: no ``conftest.py``, no ini file
(``pytest.ini``, ``pyproject.toml``, ``setup.cfg``, ``tox.ini``), no plugins from the environment
or ``-p``, no ``PYTEST_ADDOPTS``, no cache written anywhere. ``-I`` keeps the workspace, user
site-packages (``usercustomize``) and every ``PYTHON*`` variable out; the workspace folder is
also kept out of the ``sys.path`` inherited from the parent, so a ``sitecustomize.py`` or a
``torch.py`` there is never imported.

After pytest, the child ends with ``os._exit``: the learner's ``atexit`` handlers and object
finalizers never run, so nothing the learner left behind can act after the results are sent.
"""

from __future__ import annotations

import faulthandler
import json
import os
import sys


def main(argv: list[str]) -> int:
    (memory_mb,) = argv
    exit_now = os._exit
    _limit_resources(int(memory_mb))
    _restore_sys_path()
    # Bytecode is written as usual (unless PYTHONDONTWRITEBYTECODE says otherwise): without
    # .pyc files (uv installs none), every run would recompile torch, ~2.5 s. The learner's own
    # file is never cached: checks.loading keeps __pycache__ out of the workspace.
    # On a segfault, print the Python stack: the parent finds the learner's line in it.
    faulthandler.enable()

    import pytest

    from katacheck.checks.eager import skip_dynamo_import  # imports torch: the slow part

    skip_dynamo_import()
    line = sys.stdin.readline()
    if not line:  # the parent stopped without a job for us
        return 0
    code = _run(json.loads(line), pytest)
    del line
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001, S110 - a learner may have replaced or closed them
            pass
    exit_now(code)
    return code  # pragma: no cover - not reached


def _run(job: dict, pytest) -> int:
    from katacheck.runner.channel import open_writer
    from katacheck.runner.child.plugin import make_plugin

    send, close = open_writer(int(job.pop("fd")), bytes.fromhex(job.pop("key")))
    tests, learner = job["tests"], job["learner"]
    job.clear()
    plugin = make_plugin(learner, send, close)
    return int(pytest.main([
        tests,
        f"--rootdir={os.path.dirname(tests)}",
        "-c", os.devnull,
        "--noconftest",
        "-p", "no:cacheprovider",
        "-p", "no:stepwise",
        "-q", "--no-header", "--tb=no", "-p", "no:warnings",
    ], plugins=[plugin]))


def _limit_resources(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows has no rlimits; the timeout still holds
        return
    from katacheck.runner.parent.dsession import MAX_FILE_MB

    # RLIMIT_DATA rather than RLIMIT_AS: CUDA reserves huge virtual ranges it never touches.
    for limit, value in (
        (resource.RLIMIT_DATA, memory_mb * 2**20),
        (resource.RLIMIT_FSIZE, MAX_FILE_MB * 2**20),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(limit, (value, value))


def _restore_sys_path() -> None:
    # The parent's path, minus the folder the child runs in (the learner's workspace: a parent
    # started as `python -m katacheck` from there has it on its own path).
    here = os.path.realpath(os.getcwd())
    for entry in json.loads(os.environ.get("KATACHECK_CHILD_SYSPATH", "[]")):
        if entry not in sys.path and os.path.realpath(entry) != here:
            sys.path.append(entry)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
