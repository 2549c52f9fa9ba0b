"""``katacheck init [DIR] [--ci github] [--notebook]``: make a folder a workspace."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from katacheck.builtin import PACK_NAME
from katacheck.cli._common import AppContext, pass_app
from katacheck.i18n import t
from katacheck.plugins import get_pack
from katacheck.render.console import console
from katacheck.workspace import CONFIG_FILE, Workspace


@click.command(help=t("cli.init.help"), short_help=t("cli.init.short"))
@click.argument("directory", metavar=t("cli.metavar.dir"), required=False,
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--pack", default=PACK_NAME, show_default=True, help=t("cli.init.option.pack"))
@click.option("--ci", type=click.Choice(["github"]), help=t("cli.init.option.ci"))
@click.option("--notebook", is_flag=True, help=t("cli.init.option.notebook"))
@pass_app
def command(app: AppContext, directory: Path | None, pack: str, ci: str | None, notebook: bool) -> None:
    root = (directory or app.start()).resolve()
    get_pack(pack)  # an unknown pack is a user error before anything is written
    if (root / CONFIG_FILE).is_file():
        console().print(t("cli.init.exists", path=root))
    else:
        Workspace.create(root, pack)
        console().print(t("cli.init.created", path=root, pack=pack))
    if ci == "github":
        _write_github_workflow(root)
    if notebook:
        _write_course_notebook(root, pack)


#: Where GitHub looks for workflows, from the repository's root.
GITHUB_WORKFLOW = Path(".github", "workflows", "katacheck.yml")
TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "github-workflow.yml"


def github_workflow(version: str, workspace: str | None = None) -> str:
    """The workflow that verifies every kata on each push, pinned to katacheck ``version``.

    ``workspace``: the workspace's folder relative to the repository root, when it is not the
    root itself.
    """
    arguments = f"--workspace {shlex.quote(workspace)} " if workspace else ""
    text = TEMPLATE.read_text(encoding="utf-8")
    return text.replace("@KATACHECK_VERSION@", version).replace("@KATACHECK_ARGS@", arguments)


def _write_github_workflow(root: Path) -> None:
    from importlib.metadata import version

    from katacheck.workspace import write_atomically

    repository = _repository_root(root)
    path = repository / GITHUB_WORKFLOW
    current = version("katacheck")
    if path.exists():  # never overwrite a teacher's edits
        console().print(t("cli.init.ci_exists", path=path, version=current))
        return
    relative = root.relative_to(repository).as_posix()
    write_atomically(path, github_workflow(current, None if relative == "." else relative))
    console().print(t("cli.init.ci_written", path=path, version=current))


def _write_course_notebook(root: Path, pack: str) -> None:
    """``katas.ipynb``: the pack's katas as a notebook (:mod:`katacheck.notebook.course`)."""
    from importlib.metadata import version

    from katacheck.notebook.course import NOTEBOOK_FILE, course_notebook, to_json
    from katacheck.workspace import write_atomically

    path = root / NOTEBOOK_FILE
    if path.exists():  # the learner's cells are their work: never overwrite them
        console().print(t("cli.init.notebook_exists", path=path))
        return
    write_atomically(path, to_json(course_notebook(get_pack(pack).katas(), version=version("katacheck"))))
    console().print(t("cli.init.notebook_written", path=path))


def _repository_root(root: Path) -> Path:
    """The git repository holding ``root`` (workflows live at its top), or ``root`` itself."""
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return folder
    return root
