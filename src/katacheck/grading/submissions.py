"""What ``katacheck grade`` is pointed at, as submissions: one per learner.

Each path given is one of:

- a learner's workspace (a clone of their repository, with ``katacheck.toml`` and kata files);
- any other folder: still one submission (a clone whose ``katacheck.toml`` was deleted is graded
  from the kata files it has; an empty folder gets a row per kata saying what is missing);
  except a folder that holds no kata file and at least one workspace, which is taken as a
  folder of clones, each subfolder a submission (``grade turma/`` as ``grade turma/*``);
- a ``.json`` file: the report ``katacheck verify --report`` wrote in that learner's CI
  (Exercism's test-runner interface, version 3), read back instead of running anything;
- an ``.ipynb`` file: a notebook whose ``%%katacheck KATA`` cells are the kata files (the
  course notebook of ``katacheck init --notebook``, done in Jupyter or Colab). Each cell's body
  is written as ``KATA.py`` into a folder of its own, and graded like a workspace's file. A folder
  with no kata file but a ``katas.ipynb`` (a clone of a learner who worked in Colab, where the
  kata files stay on Colab's machine) is graded from that notebook the same way.

The learner's name is the folder's (or the report's, or the notebook's) name; names that repeat
get their parent folder too. A notebook named like the course's (``katas.ipynb``) is named by
its folder.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from katacheck.i18n import t
from katacheck.workspace import CONFIG_FILE

if TYPE_CHECKING:
    from katacheck.i18n import t
from katacheck.packs import Kata

#: A submission's kind.
WORKSPACE = "workspace"  # a folder with katacheck.toml
FOLDER = "folder"  # a folder without it (graded from the kata files it has)
REPORT = "report"  # a verify --report JSON from CI
NOT_FOUND = "missing"  # the path does not exist (or is some other file)

#: Report names too generic to name a learner (the first is the course workflow's): the
#: folder holding them does.
_GENERIC_REPORT_NAMES = frozenset({"katacheck-resultados", "results", "report", "katacheck", "relatorio", "resultados"})
#: Notebook names too generic to name a learner: the course notebook's, and Jupyter's default.
_GENERIC_NOTEBOOK_NAMES = frozenset({"katas", "untitled", "notebook"})
#: The notebook a folder without kata files is graded from.
COURSE_NOTEBOOK = "katas.ipynb"


@dataclass(frozen=True)
class Submission:
    """One learner's work: where it is and what kind of thing it is."""

    learner: str
    path: Path
    kind: str
    #: The notebook the kata files in ``path`` were taken from, if they were.
    notebook: Path | None = None
    #: Why ``notebook`` could not be read as one (every kata of it is then an error, not missing).
    unreadable: str | None = None

    def learner_file(self, kata: Kata) -> Path:
        return self.path / kata.learner_filename


def find_submissions(paths: list[Path], katas: list[Kata]) -> list[Submission]:
    """The submissions under ``paths``, in the order given (a folder of clones sorted by name)."""
    found: list[tuple[Path, str]] = []
    names = {kata.learner_filename for kata in katas}
    for path in paths:
        if path.is_file() and path.suffix.lower() == ".json":
            found.append((path, REPORT))
        elif path.is_file() and path.suffix.lower() == ".ipynb":
            found.append((path, WORKSPACE))
        elif not path.is_dir():
            found.append((path, NOT_FOUND))
        elif (path / CONFIG_FILE).is_file():
            found.append((path, WORKSPACE))
        elif not any((path / name).is_file() for name in names) and (clones := _clones(path)):
            found.extend((clone, WORKSPACE if (clone / CONFIG_FILE).is_file() else FOLDER) for clone in clones)
        else:
            found.append((path, FOLDER))
    return [_from_notebook(submission, katas, names) for submission in _named(found)]


def _from_notebook(submission: Submission, katas: list[Kata], names: set[str]) -> Submission:
    """``submission``, graded from its notebook's kata cells when it is one (or is a folder with
    the course notebook and no kata file)."""
    notebook = submission.path
    if submission.kind in (WORKSPACE, FOLDER) and notebook.is_dir():
        if any((notebook / name).is_file() for name in names) or not (notebook / COURSE_NOTEBOOK).is_file():
            return submission
        notebook = notebook / COURSE_NOTEBOOK
    elif not (submission.kind == WORKSPACE and notebook.is_file()):
        return submission
    from katacheck.notebook.course import kata_file_text

    (cells, unreadable), folder = _cells(notebook), _scratch_folder()
    for kata in katas:
        if kata.id in cells:
            (folder / kata.learner_filename).write_text(kata_file_text(cells[kata.id]), encoding="utf-8")
    return Submission(submission.learner, folder, WORKSPACE, notebook=notebook, unreadable=unreadable)


def _cells(notebook: Path) -> tuple[dict[str, str], str | None]:
    """The kata cells of ``notebook``, or none and why it cannot be read as a notebook."""
    from katacheck.notebook.course import NotANotebookError, kata_cells

    try:
        return kata_cells(notebook.read_text(encoding="utf-8")), None
    except NotANotebookError as error:
        return {}, str(error)
    except UnicodeDecodeError:
        return {}, t("grade.cause.notebook_not_utf8")
    except OSError as error:
        return {}, error.strerror or type(error).__name__


def _scratch_folder() -> Path:
    """A new folder for one notebook's kata files, removed when this process exits."""
    folder = Path(tempfile.mkdtemp(prefix="katacheck-notebook-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _clones(folder: Path) -> list[Path]:
    """The subfolders of a folder of clones (one of them at least a workspace), else none."""
    try:
        children = sorted(child for child in folder.iterdir() if child.is_dir() and not child.name.startswith("."))
    except OSError:
        return []
    return children if any((child / CONFIG_FILE).is_file() for child in children) else []


def _named(found: list[tuple[Path, str]]) -> list[Submission]:
    def short(path: Path, kind: str) -> str:
        absolute = path.absolute()
        if kind == REPORT and absolute.stem.lower() in _GENERIC_REPORT_NAMES and absolute.parent.name:
            return absolute.parent.name
        if absolute.suffix.lower() == ".ipynb" and absolute.is_file():
            generic = absolute.stem.lower() in _GENERIC_NOTEBOOK_NAMES and absolute.parent.name
            return absolute.parent.name if generic else absolute.stem
        return absolute.stem if kind == REPORT else absolute.name or str(absolute)

    names = [short(path, kind) for path, kind in found]
    repeated = {name for name, count in Counter(names).items() if count > 1}
    submissions = []
    for (path, kind), name in zip(found, names):
        if name in repeated:
            name = f"{path.absolute().parent.name}/{name}"
        submissions.append(Submission(learner=name, path=path, kind=kind))
    return submissions
