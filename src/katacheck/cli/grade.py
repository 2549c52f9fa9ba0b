"""``katacheck grade DIR... [--csv PATH] [--report PATH] [--jobs N] [--sandbox auto|bwrap|none]``:
grade a whole class."""

from __future__ import annotations

from pathlib import Path

import click

from katacheck.i18n import t
from katacheck.result import Status

#: The values of --sandbox (as :data:`katacheck.runner.parent.sandbox.MODES`, which this module
#: does not import at start: the parent facade loads the runner).
SANDBOX_MODES = ("auto", "bwrap", "none")


@click.command(help=t("cli.grade.help"), short_help=t("cli.grade.short"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar=t("cli.grade.metavar"))
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help=t("cli.grade.option.csv"))
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help=t("cli.grade.option.report"))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N", help=t("cli.grade.option.jobs"))
@click.option("--pack", "pack_name", default=None, metavar=t("cli.grade.metavar.pack"), help=t("cli.grade.option.pack"))
@click.option("--kata", "kata_ids", multiple=True, metavar="KATA", help=t("cli.grade.option.kata"))
@click.option("--sandbox", "sandbox_mode", type=click.Choice(SANDBOX_MODES), default="auto", show_default=True,
              help=t("cli.grade.option.sandbox"))
def command(paths: tuple[Path, ...], csv_path: Path | None, report_path: Path | None, jobs: int | None,
            pack_name: str | None, kata_ids: tuple[str, ...], sandbox_mode: str) -> None:
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from katacheck.builtin import PACK_NAME
    from katacheck.errors import UnknownKataError
    from katacheck.grading import find_submissions, grade
    from katacheck.plugins import get_pack
    from katacheck.render.console import console, err_console
    from katacheck.runner.parent import sandbox
    from katacheck.workspace import write_atomically

    # First: an explicit --sandbox bwrap that cannot work stops here (exit 2), before any run.
    mode = sandbox.resolve(sandbox_mode)
    if sandbox_mode == "auto" and mode == "none":
        from rich.markup import escape

        err_console().print(t("cli.grade.sandbox.off", reason=escape(sandbox.unavailable_reason())), style="dim")
    pack = get_pack(pack_name or PACK_NAME)
    course = katas = list(pack.katas())
    if kata_ids:
        unknown = [kata_id for kata_id in kata_ids if pack.get(kata_id) is None]
        if unknown:
            raise UnknownKataError(unknown[0], pack.ids())
        katas = [kata for kata in katas if kata.id in kata_ids]
    submissions = find_submissions(list(paths), katas)
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err_console(), transient=True,
    )
    with progress:
        task = progress.add_task(t("cli.grade.progress", learners=len(submissions)),
                                 total=len(submissions) * len(katas))
        gradebook = grade(submissions, katas, pack=pack.name, jobs=jobs, course=course, sandbox=mode,
                          on_row=lambda row: progress.advance(task))
    console().print(_table(gradebook))
    console().print(t("cli.grade.legend"), style="dim")
    counts = gradebook.status_counts()
    console().print(t("cli.grade.summary", learners=len(gradebook.learners), katas=len(katas),
                      seconds=f"{gradebook.seconds:.1f}", **counts))
    console().print(t("cli.grade.sandbox.bwrap") if gradebook.sandbox == "bwrap" else t("cli.grade.sandbox.none"))
    if csv_path is not None:
        write_atomically(csv_path, gradebook.to_csv())
        console().print(t("cli.grade.written", path=csv_path))
    if report_path is not None:
        write_atomically(report_path, json.dumps(gradebook.to_json(), ensure_ascii=False, indent=2) + "\n")
        console().print(t("cli.grade.written", path=report_path))


#: How each status looks in the summary table.
MARKS = {Status.PASS: ("✔", "green"), Status.FAIL: ("✘", "red"), Status.ERROR: ("!", "yellow"),
         Status.TAMPER: ("⚠", "bold magenta"), Status.MISSING: ("·", "dim")}


def _table(gradebook):
    from rich.table import Table
    from rich.text import Text

    from katacheck.reports.scores import format_points

    table = Table(title=t("cli.grade.title", pack=gradebook.pack))
    table.add_column(t("cli.grade.col.learner"), overflow="fold")
    for kata in gradebook.katas:
        table.add_column(kata.id.split("_", 1)[0], justify="center")
    table.add_column(t("cli.grade.col.total"), justify="right")
    for learner in gradebook.learners:
        marks = [Text(*MARKS[row.status]) for row in learner.rows]
        total = f"{format_points(learner.points)}/{format_points(learner.max_points)}"
        table.add_row(Text(learner.learner), *marks, total)
    return table
