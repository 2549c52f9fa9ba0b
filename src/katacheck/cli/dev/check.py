"""``katacheck dev check [--pack NAME | PATH] [--seeds N] [--jobs N]``: prove a pack is sound.

What is checked, and how, is :mod:`katacheck.authoring.check`'s; this module finds the pack,
shows the progress, the table and the problems, and exits 1 when there is any problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from katacheck.i18n import t

if TYPE_CHECKING:
    from katacheck.authoring import KataRow, PackCheck, Tally
    from katacheck.packs import KataPack


#: The flaky column with a single seed: nothing to compare a verdict with.
UNMEASURED = "—"


@click.command(help=t("cli.dev.check.help"), short_help=t("cli.dev.check.short"))
@click.option("--pack", "pack_spec", default=None, metavar=t("cli.dev.check.metavar.pack"),
              help=t("cli.dev.check.option.pack"))
@click.option("--seeds", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help=t("cli.dev.check.option.seeds"))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N", help=t("cli.dev.check.option.jobs"))
@click.option("--no-variants", "skip_variants", is_flag=True, help=t("cli.dev.check.option.no_variants"))
def command(pack_spec: str | None, seeds: int, jobs: int | None, skip_variants: bool) -> None:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from katacheck.authoring import check_pack
    from katacheck.errors import ExitCode
    from katacheck.render.console import console, err_console

    pack = find_pack(pack_spec)
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=err_console(), transient=True)
    with progress:
        task = progress.add_task(t("cli.dev.check.progress", pack=pack.name), total=None)

        def on_seed(seed: int) -> None:
            progress.update(task, description=t("cli.dev.check.progress_seed", pack=pack.name, seed=seed + 1,
                                                seeds=seeds))

        report = check_pack(pack, seeds=seeds, jobs=jobs, variants=not skip_variants, on_seed=on_seed)
    out = console()
    out.print(table(report))
    out.print(t("cli.dev.check.legend"), style="dim")
    for line in problem_lines(report):
        out.print(line)
    if report.ok:
        out.print(t("cli.dev.check.ok", pack=pack.name, katas=len(report.rows), runs=report.runs,
                    seconds=report.seconds), style="green")
        return
    out.print(t("cli.dev.check.failed", pack=pack.name, count=len(report.problems), runs=report.runs,
                seconds=report.seconds), style="red")
    raise SystemExit(ExitCode.KATA_FAILED)


def find_pack(spec: str | None) -> KataPack:
    """``--pack``: a registered pack's name (default: the built-in one), else a pack's folder."""
    from katacheck.builtin import PACK_NAME
    from katacheck.packs import KataPack
    from katacheck.plugins import get_pack, packs

    if spec is None:
        return get_pack(PACK_NAME)
    if spec in packs():
        return packs()[spec]
    folder = Path(spec)
    if folder.is_dir():
        # Absolute: each run moves into its own folder, where a relative path means nothing.
        return KataPack.from_directory(folder.resolve().name, folder.resolve())
    return get_pack(spec)  # the error that names the known packs


def table(report: PackCheck):
    from rich.table import Table

    plural = "cli.dev.check.title.one" if report.seeds == 1 else "cli.dev.check.title.many"
    grid = Table(title=t(plural, pack=report.pack, seeds=report.seeds))
    grid.add_column(t("cli.list.col.kata"), overflow="fold")
    for key in ("stub", "solution", "variants"):
        grid.add_column(t(f"cli.dev.check.col.{key}"), justify="center")
    grid.add_column(t("cli.dev.check.col.flaky"))
    for row in report.rows:
        grid.add_row(row.kata_id, *_cells(row, report.seeds, report.variants))
    return grid


def _cells(row: KataRow, seeds: int, variants_ran: bool) -> list:
    from rich.text import Text

    if not row.ran:
        unread = Text("!", "yellow")
        return [unread, unread, unread, Text(UNMEASURED, "dim")]
    stub, solution = _tally(row.stub, seeds > 1), _tally(row.solution, seeds > 1)
    if not variants_ran:
        variants = Text(t("cli.dev.check.variants_skipped"), "dim")
    else:
        variants = _tally(row.variants, True) if row.variants.total else Text("·", "dim")
    if seeds == 1:
        flaky = Text(UNMEASURED, "dim")
    elif row.flaky:
        flaky = Text(t("cli.dev.check.flaky.yes", what=", ".join(_role_name(role) for role in row.flaky)), "red")
    else:
        flaky = Text(t("cli.dev.check.flaky.no"), "green")
    return [stub, solution, variants, flaky]


def _tally(tally: Tally, counted: bool):
    from rich.text import Text

    good = tally.good == tally.total
    mark = Text("✔" if good else "✘", "green" if good else "red")
    return mark.append(f" {tally.good}/{tally.total}") if counted else mark


def _role_name(role: str) -> str:
    return t(f"cli.dev.check.role.{role}") if role in ("stub", "solution") else role


def problem_lines(report: PackCheck) -> list:
    """Each problem as two lines: its file, then what to fix."""
    from rich.text import Text

    if not report.problems:
        return []
    lines = [Text(t("cli.dev.check.problems", count=len(report.problems)), "bold")]
    for problem in report.problems:
        lines.append(Text.assemble(("  ✘ ", "red"), (_shown(problem.path), "bold")))
        lines.append(Text(f"    {problem.message}"))
    return lines


def _shown(path: Path) -> str:
    """``path`` from the current folder when it is under it (shorter, and what an editor opens)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
