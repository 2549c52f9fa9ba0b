"""Where a notebook's workspace is, and in which language it speaks.

In order: the folder ``%katacheck init DIR`` chose; ``KATACHECK_WORKSPACE``; on Google Colab,
``/content/katacheck`` (Colab's notebook is not a file on the machine that runs it, and
``/content`` is the folder its file browser shows); else the notebook's own folder, where
Jupyter starts its kernel. A ``katacheck.toml`` found there or above it is the workspace, as for
the CLI; else that folder becomes one, as ``katacheck next`` makes it in a plain folder. The
progress is the workspace's: the notebook and ``katacheck`` in a terminal share it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from katacheck.workspace import Workspace

#: The workspace on Google Colab.
COLAB_ROOT = Path("/content/katacheck")


def on_colab() -> bool:
    """Whether this kernel is Google Colab's (its runtime always imports ``google.colab``)."""
    return "google.colab" in sys.modules


def default_root(start: Path) -> Path:
    """Where the workspace goes when nothing chose one: ``KATACHECK_WORKSPACE``, Colab's folder,
    or ``start``, the notebook's folder."""
    from katacheck import settings

    chosen = settings.workspace()  # a folder that does not exist is a usage error, as in the CLI
    if chosen is not None:
        return chosen.resolve()
    return COLAB_ROOT if on_colab() else start


def workspace(chosen: Path | None, start: Path) -> tuple[Workspace, bool]:
    """The notebook's workspace, and whether it was created just now."""
    from katacheck.builtin import PACK_NAME
    from katacheck.workspace import Workspace

    root = chosen or default_root(start)
    found = Workspace.find(root) if root.is_dir() else None
    if found is not None:
        return found, False
    return Workspace.create(root, PACK_NAME), True


def use_language(workspace: Workspace) -> None:
    """Speak ``KATACHECK_LANG``'s language, else the workspace's ``lang``, as the CLI does."""
    from katacheck import settings
    from katacheck.i18n import set_language

    language = settings.language() or workspace.language
    if language:
        set_language(language, export=False)  # the kata child gets it in its job
