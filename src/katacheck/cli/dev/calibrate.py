"""``katacheck dev calibrate [KATA...] [--pack NAME | PATH] [--seeds N] [--jobs N] [--write]``:
measure a kata's thresholds over many seeds and hold them to the ≥ 2× margin rule.

How, and where the kata code runs (only in kata children), is
:mod:`katacheck.authoring.calibration`'s; this module finds the katas, shows the progress, a
table per kata and what to change, writes ``CALIBRATION.md`` with ``--write``, and exits 1 when
a threshold lacks its margin or a measurement failed.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from katacheck.i18n import t

if TYPE_CHECKING:
    from katacheck.authoring.calibration import Calibration
    from katacheck.packs import Kata, KataPack

#: Seeds measured when ``--seeds`` is not given: the project's rule asks for at least 100.
DEFAULT_SEEDS = 100


@click.command(help=t("cli.dev.calibrate.help"), short_help=t("cli.dev.calibrate.short"))
@click.argument("kata_ids", nargs=-1, metavar="[KATA]...")
@click.option("--pack", "pack_spec", default=None, metavar=t("cli.dev.check.metavar.pack"),
              help=t("cli.dev.calibrate.option.pack"))
@click.option("--seeds", type=click.IntRange(min=1), default=DEFAULT_SEEDS, show_default=True, metavar="N",
              help=t("cli.dev.calibrate.option.seeds"))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help=t("cli.dev.calibrate.option.jobs"))
@click.option("--write", is_flag=True, help=t("cli.dev.calibrate.option.write"))
def command(kata_ids: tuple[str, ...], pack_spec: str | None, seeds: int, jobs: int | None, write: bool) -> None:
    from katacheck.cli.dev.check import find_pack
    from katacheck.errors import ExitCode

    pack = find_pack(pack_spec)
    failed = False
    for calibration in run(pack, kata_ids, seeds=seeds, jobs=jobs or os.cpu_count() or 1):
        show(calibration)
        if write:
            from katacheck.authoring.calibration import write as write_record
            from katacheck.cli.dev.new import shown
            from katacheck.render.console import console

            console().print(t("cli.dev.calibrate.written", path=shown(write_record(calibration))))
        failed |= not calibration.ok
    if failed:
        raise SystemExit(ExitCode.KATA_FAILED)


def chosen(pack: KataPack, kata_ids: tuple[str, ...]) -> list[Kata]:
    """The katas named (each must exist and declare ``calibrar``), or every kata of ``pack``
    that declares it."""
    from katacheck.authoring.calibration import read_declaration
    from katacheck.errors import KatacheckError, UnknownKataError

    if not kata_ids:
        katas = [kata for kata in pack.katas() if read_declaration(kata.tests_path).calibrates]
        if not katas:
            raise KatacheckError(t("cli.dev.calibrate.none", pack=pack.name), fix=t("cli.dev.calibrate.none.fix"))
        return katas
    katas = []
    for kata_id in kata_ids:
        kata = pack.get(kata_id)
        if kata is None:
            raise UnknownKataError(kata_id, pack.ids())
        if not read_declaration(kata.tests_path).calibrates:
            raise KatacheckError(t("cli.dev.calibrate.no_calibrar", kata=kata_id, file=kata.tests_path),
                                 fix=t("cli.dev.calibrate.none.fix"))
        katas.append(kata)
    return katas


def run(pack: KataPack, kata_ids: tuple[str, ...], *, seeds: int, jobs: int):
    """Calibrate each chosen kata in turn, with a progress line; yields each :class:`Calibration`."""
    from katacheck.authoring.variants import variants_directory

    variants = variants_directory(pack)
    for kata in chosen(pack, kata_ids):
        yield _calibrate(kata, variants, seeds=seeds, jobs=jobs)  # once its progress line is gone


def _calibrate(kata: Kata, variants, *, seeds: int, jobs: int) -> Calibration:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from katacheck.authoring.calibration import calibrate, references
    from katacheck.render.console import err_console

    total, done = len(references(kata, variants)), []
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=err_console(), transient=True)

    def describe() -> str:
        return t("cli.dev.calibrate.progress", kata=kata.id, seeds=seeds, done=len(done), total=total)

    with progress:
        task = progress.add_task(describe())

        def on_measured(measured) -> None:
            done.append(measured)
            progress.update(task, description=describe())

        return calibrate(kata, seeds=seeds, variants=variants, jobs=jobs, on_measured=on_measured)


def show(calibration: Calibration) -> None:
    """The table of one kata, each threshold that lacks its margin with the one that has it, each
    problem, and the verdict."""
    from rich.text import Text

    from katacheck.render.console import console

    out = console()
    kata = calibration.kata
    if calibration.rows:
        out.print(table(calibration))
    for row in calibration.rows:
        if not row.ok:
            out.print(Text.assemble(("  ✘ ", "red"), t("cli.dev.calibrate.too_tight", name=row.threshold_name,
                      threshold=f"{row.threshold:g}", reference=row.reference, worst=f"{row.worst:.4f}",
                      margin=f"{row.margin:.1f}", needed=f"{row.needed:.2f}", file=kata.tests_path.name)))
    for problem in calibration.problems:
        out.print(Text.assemble(("  ✘ ", "red"), problem))
    if calibration.ok:
        out.print(t("cli.dev.calibrate.ok", kata=kata.id, seeds=calibration.seeds,
                    references=len({row.reference for row in calibration.rows}),
                    seconds=f"{calibration.seconds:.0f}"), style="green")
    else:
        out.print(t("cli.dev.calibrate.failed", kata=kata.id, seeds=calibration.seeds), style="red")


def table(calibration: Calibration):
    import statistics

    from rich.table import Table
    from rich.text import Text

    grid = Table(title=t("cli.dev.calibrate.title", kata=calibration.kata.id, seeds=calibration.seeds))
    grid.add_column(t("cli.dev.calibrate.col.reference"), overflow="fold")
    grid.add_column(t("cli.dev.calibrate.col.metric"))
    for key in ("min", "median", "max", "threshold", "margin"):
        grid.add_column(t(f"cli.dev.calibrate.col.{key}"), justify="right")
    grid.add_column(t("cli.dev.calibrate.col.ok"), justify="center")
    for row in calibration.rows:
        grid.add_row(row.reference, row.metric, f"{min(row.values):.4f}", f"{statistics.median(row.values):.4f}",
                     f"{row.worst:.4f}", f"{row.threshold:g}", f"{row.margin:.1f}×",
                     Text("✔", "green") if row.ok else Text("✘", "red"))
    return grid
