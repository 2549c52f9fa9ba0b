"""Child side entry point: ``python -I -m katacheck.runner.child MEMORY_MB``.

The child limits itself, imports torch and pytest, and only then reads its job, one JSON line
on stdin (``{"tests": ..., "learner": ..., "events": ...}``): the parent can start it early and
let the slow imports overlap its own work. It runs pytest over one kata's hidden tests, with
``child_plugin`` and nothing else: no ``conftest.py``, no ini file, no plugins from the
environment, no cache written anywhere.
"""

from __future__ import annotations

import faulthandler
import json
import os
import sys


def main(argv: list[str]) -> int:
    (memory_mb,) = argv
    _limit_resources(int(memory_mb))
    _restore_sys_path()
    # Never write __pycache__ into the learner's workspace or the installed package.
    sys.dont_write_bytecode = True
    # On a segfault, print the Python stack: the parent finds the learner's line in it.
    faulthandler.enable()

    import pytest

    from katacheck.checks.eager import skip_dynamo_import  # imports torch: the slow part

    skip_dynamo_import()
    line = sys.stdin.readline()
    if not line:  # the parent stopped without a job for us
        return 0
    job = json.loads(line)
    tests, learner, events = job["tests"], job["learner"], job["events"]
    return pytest.main([
        tests,
        "-p", "katacheck.runner.child_plugin",
        f"--katacheck-learner={learner}",
        f"--katacheck-events={events}",
        f"--rootdir={os.path.dirname(tests)}",
        "-c", os.devnull,
        "--noconftest",
        "-p", "no:cacheprovider",
        "-p", "no:stepwise",
        "-q", "--no-header", "--tb=no", "-p", "no:warnings",
    ])


def _limit_resources(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows has no rlimits; the timeout still holds
        return
    from katacheck.runner.sandbox import MAX_FILE_MB

    # RLIMIT_DATA rather than RLIMIT_AS: CUDA reserves huge virtual ranges it never touches.
    for limit, value in (
        (resource.RLIMIT_DATA, memory_mb * 2**20),
        (resource.RLIMIT_FSIZE, MAX_FILE_MB * 2**20),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(limit, (value, value))


def _restore_sys_path() -> None:
    for entry in json.loads(os.environ.get("KATACHECK_CHILD_SYSPATH", "[]")):
        if entry not in sys.path:
            sys.path.append(entry)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
