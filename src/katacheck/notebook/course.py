"""The course as a notebook (``katacheck init --notebook``), and the kata cells of a notebook
(what ``katacheck grade`` takes from an ``.ipynb`` submission).

A notebook is JSON in the nbformat 4 schema: it is written and read here with :mod:`json`
alone, so that neither the CLI nor ``grade`` needs nbformat or IPython (the tests validate
what is written against nbformat's own schema).

A kata cell is a code cell whose first line is ``%%katacheck KATA``: its body is the kata's
file, exactly as the magic writes it (:mod:`katacheck.notebook.magics`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from katacheck.i18n import t

if TYPE_CHECKING:
    from katacheck.packs import Kata

#: The course notebook's file name, in the workspace.
NOTEBOOK_FILE = "katas.ipynb"
#: ``%%katacheck 03_adam`` (spaces allowed around), the first line of a kata cell.
KATA_CELL = re.compile(r"\A[ \t]*%%katacheck[ \t]+(?P<kata>\S+)[ \t]*(?:\r?\n|\Z)")


def course_notebook(katas: Iterable[Kata], *, version: str) -> dict[str, Any]:
    """The course notebook: a first cell that sets katacheck up, then, per kata, its statement
    (Markdown), its stub in a ``%%katacheck ID`` cell and a ``%katacheck hint ID`` cell.

    ``version``: the katacheck the first cell installs on Colab (the one that wrote the
    notebook, so that the checks do not change in the middle of a course).
    """
    cells = [_markdown(t("notebook.course.intro")), _code(setup_cell(version))]
    for kata in katas:
        cells.append(_markdown(f"## {kata.id} — {kata.title}\n\n{kata.statement().strip()}\n"))
        cells.append(_code(f"%%katacheck {kata.id}\n{kata.stub_path.read_text(encoding='utf-8')}"))
        cells.append(_code(f"%katacheck hint {kata.id}"))
    cells.append(_code("%katacheck list"))
    for number, cell in enumerate(cells, start=1):
        cell["id"] = f"katacheck-{number:03d}"  # stable ids: the file does not change when written again
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            # Colab opens the notebook with its table of contents and on a GPU when it can.
            "colab": {"provenance": [], "toc_visible": True},
            "accelerator": "GPU",
        },
        "cells": cells,
    }


def setup_cell(version: str) -> str:
    """The first code cell: on Colab, install katacheck (torch and IPython are there already);
    anywhere else, nothing to install. Then load the magics."""
    return "\n".join([
        f"# {t('notebook.course.setup_comment')}",
        "import sys",
        "",
        'if "google.colab" in sys.modules:',
        "    import subprocess",
        "",
        f'    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "katacheck=={version}"], check=True)',
        "",
        "%load_ext katacheck",
    ])


def to_json(notebook: dict[str, Any]) -> str:
    """The notebook's file text, as Jupyter writes it (one-space indentation, a final newline)."""
    return json.dumps(notebook, ensure_ascii=False, indent=1) + "\n"


def _markdown(text: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": _lines(text)}


def _code(text: str) -> dict[str, Any]:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": _lines(text)}


def _lines(text: str) -> list[str]:
    # nbformat stores a cell's source as its lines, each with its newline but the last.
    return text.splitlines(keepends=True)


# -- reading a notebook --------------------------------------------------------------------------


class NotANotebookError(ValueError):
    """The file is not a Jupyter notebook (``str(error)`` says why, in the learner's language)."""


def kata_file_text(body: str) -> str:
    """The kata file a cell's body makes (the magic and ``grade`` alike): the body, ending with
    a newline."""
    return body if body.endswith("\n") else body + "\n"


def kata_cells(text: str) -> dict[str, str]:
    """Kata id → the body of its ``%%katacheck`` cell, in a notebook's file text.

    When a kata has several cells (a learner who copied one to try something), the last one in
    the notebook wins: it is the one below, usually the latest. Cells of other kinds, and code
    cells that do not start with the magic, are left out. :class:`NotANotebookError` when the
    text is not a notebook.
    """
    try:
        notebook = json.loads(text)
    except ValueError as error:
        raise NotANotebookError(t("notebook.not_json", error=error)) from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise NotANotebookError(t("notebook.no_cells"))
    found: dict[str, str] = {}
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) and all(isinstance(s, str) for s in source) else source
        if not isinstance(source, str):
            continue
        match = KATA_CELL.match(source)
        if match:
            found[match["kata"]] = source[match.end():]
    return found
