"""What every katacheck process that decides or forks runs does to itself first (the parent, the
warm workers, and so every kata child and judge they fork).

Shared by the parent and the worker, which import nothing of each other.
"""

from __future__ import annotations

import sys


def not_dumpable() -> None:
    """``prctl(PR_SET_DUMPABLE, 0)`` for this process (and what it forks, until an ``exec``): no
    other process of the same user may open its ``/proc/<pid>/mem`` or attach to it, unless it
    holds ``CAP_SYS_PTRACE`` (root does).

    Without it, a kata child opened its worker's memory with a plain ``open()`` (no ``/proc/self``
    path: neither the scan nor the audit hook looked) and could write there: the worker forks
    every later run, the judge of ``verify`` included, and under ``grade`` the next learners'
    children in the same sandbox; the same held for the parent, which decides the verdicts.
    Every object has the same address in a child as in its worker, so such a write needs no
    search. Not dumpable, a process's ``/proc`` files belong to root, and it writes no core."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE
    except (OSError, AttributeError):  # pragma: no cover - no libc prctl: nothing to do
        pass
