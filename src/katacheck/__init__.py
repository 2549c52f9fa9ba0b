"""katacheck: katas de PyTorch verificadas pelo comportamento, com diagnósticos em português.

The package root stays tiny on purpose: ``katacheck --help`` must start fast, so nothing
here imports torch, pytest or rich.
"""

from __future__ import annotations

import pluggy

#: Marker for the implementations of katacheck hooks: packs write ``@katacheck.hookimpl``.
hookimpl = pluggy.HookimplMarker("katacheck")

__all__ = ["__version__", "hookimpl", "load_ipython_extension"]


def load_ipython_extension(ipython) -> None:
    """``%load_ext katacheck``: register the notebook magics (``%%katacheck KATA``...).

    IPython calls this in the kernel's process; IPython (and the magics) are imported only now,
    so importing katacheck never imports IPython.
    """
    from katacheck.notebook.magics import load

    load(ipython)


def __getattr__(name: str) -> str:
    # Reading distribution metadata costs a few milliseconds: do it only when asked.
    if name == "__version__":
        from importlib.metadata import version

        return version("katacheck")
    raise AttributeError(f"module 'katacheck' has no attribute {name!r}")
