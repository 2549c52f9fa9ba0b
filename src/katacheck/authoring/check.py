"""``katacheck dev check``: a pack is sound when its folders validate and its code behaves.

:func:`check_pack` validates every kata folder (:mod:`katacheck.authoring.validate`), then runs,
through the runner's parent facade and its warm workers, ``jobs`` at a time:

- every stub, which must fail at least one check (a stub that passes teaches nothing; one that
  crashes or never reaches the checks is a broken stub);
- every solution, which must pass every check;
- every variant of the pack (:mod:`katacheck.authoring.variants`), which must reach the verdict
  its ``# expect:`` line declares;

each once per seed: run ``i`` of ``seeds`` gets the base seed ``i`` (``KATACHECK_SEED=i`` in the
environment of the hidden tests and of the judge). A run whose verdict differs across seeds is
*flaky*: a threshold set too tight for the spread of the measure it limits.

The result is a :class:`PackCheck`: one :class:`KataRow` per kata for the table, and the list of
:class:`~katacheck.authoring.validate.Problem`, each naming its file and what to fix.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from katacheck.authoring import variants as variant_files
from katacheck.authoring.validate import KataFolder, Problem, read_folders, validate
from katacheck.i18n import t
from katacheck.result import Status, first_cause

if TYPE_CHECKING:
    from katacheck.packs import Kata, KataPack
    from katacheck.result import KataResult

STUB, SOLUTION, VARIANT = "stub", "solution", "variant"


@dataclass(frozen=True)
class Run:
    """One learner file to run against one kata, and the verdict it must reach."""

    kata: Kata
    role: str
    path: Path
    #: For a variant: ``"pass"`` or the diagnosis code it declares.
    expect: str = ""

    def behaves(self, result: KataResult) -> bool:
        """Whether ``result`` is the verdict this run must reach."""
        if self.role == STUB:
            return result.status is Status.FAIL  # it ran, and some check failed
        if self.role == SOLUTION:
            return result.passed
        return variant_files.meets(result, self.expect)


@dataclass
class Outcome:
    """A run's results, one per seed (``seeds[i]`` gave ``results[i]``)."""

    run: Run
    seeds: list[int] = field(default_factory=list)
    results: list[KataResult] = field(default_factory=list)

    def good_seeds(self) -> list[int]:
        return [seed for seed, result in zip(self.seeds, self.results) if self.run.behaves(result)]

    def bad_seeds(self) -> list[int]:
        return [seed for seed, result in zip(self.seeds, self.results) if not self.run.behaves(result)]

    @property
    def behaves(self) -> bool:
        return not self.bad_seeds()

    @property
    def flaky(self) -> bool:
        """Right on some seeds and wrong on others."""
        return bool(self.good_seeds()) and bool(self.bad_seeds())

    def first_bad(self) -> KataResult:
        return next(result for result in self.results if not self.run.behaves(result))


@dataclass(frozen=True)
class Tally:
    """How many of a kata's runs of one role behaved, over how many (0 of 0: none to run)."""

    good: int = 0
    total: int = 0


@dataclass(frozen=True)
class KataRow:
    """One line of the table."""

    kata_id: str
    #: Seeds on which the stub failed as it must, and the solution passed, over the seeds run.
    stub: Tally
    solution: Tally
    #: Variants that reached their declared verdict on every seed, over the kata's variants.
    variants: Tally
    #: The roles whose verdict changed with the seed (``"stub"``, ``"solution"``, variant names).
    flaky: tuple[str, ...]
    #: False when katacheck cannot read the kata: nothing of it ran.
    ran: bool = True


@dataclass
class PackCheck:
    """What ``dev check`` found in a pack."""

    pack: str
    seeds: int
    rows: list[KataRow]
    problems: list[Problem]
    runs: int
    seconds: float
    #: False when the variants were left out (``--no-variants``).
    variants: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems


def check_pack(pack: KataPack, *, seeds: int = 1, jobs: int | None = None, variants: bool = True,
               on_seed: Callable[[int], None] | None = None) -> PackCheck:
    """Validate ``pack`` and run its stubs, solutions and (unless ``variants`` is False) its
    variants over ``seeds`` seeds.

    ``on_seed(i)`` is called as the runs of seed ``i`` start (for a progress display).
    """
    started = time.monotonic()
    folders = read_folders(pack)
    problems = validate(pack, folders)
    katas = [folder.kata for folder in folders if folder.kata is not None]
    variant_runs, variant_problems = (_variant_runs(pack, katas, {folder.directory.name for folder in folders})
                                      if variants else ([], []))
    problems += variant_problems
    runs = [Run(kata, role, path) for kata in katas
            for role, path in ((STUB, kata.stub_path), (SOLUTION, kata.solution_path))] + variant_runs
    outcomes = _run_all(runs, seeds, jobs, on_seed)
    problems += [problem for outcome in outcomes for problem in _run_problems(outcome)]
    rows = [_row(kata, outcomes) for kata in katas] + [_unread_row(folder) for folder in folders if folder.kata is None]
    return PackCheck(pack=pack.name, seeds=seeds, rows=rows, problems=problems, runs=len(runs) * seeds,
                     seconds=round(time.monotonic() - started, 1), variants=variants)


def _variant_runs(pack: KataPack, katas: list[Kata], folders: set[str]) -> tuple[list[Run], list[Problem]]:
    """The runs of ``pack``'s variants, and the problems of the variants that cannot run.
    ``folders``: every kata folder's name (an unreadable kata's variants wait for it, quietly)."""
    directory = variant_files.variants_directory(pack)
    if directory is None:
        return [], []
    by_id = {kata.id: kata for kata in katas}
    runs, problems = [], []
    for path in variant_files.variant_files(directory):
        kata = by_id.get(path.parent.name)
        if kata is None and path.parent.name in folders:
            continue  # the kata's own problem is reported; its variants run once it is fixed
        if kata is None:
            stray = Problem(path.parent, t("dev.check.variant_no_kata", name=path.parent.name))
            problems += [] if stray in problems else [stray]  # one line per folder, not per file
            continue
        try:
            runs.append(Run(kata, VARIANT, path, variant_files.read_expectation(path)))
        except variant_files.VariantHeaderError:
            problems.append(Problem(path, t("dev.check.variant_header")))
    return runs, problems


def _run_all(runs: list[Run], seeds: int, jobs: int | None, on_seed: Callable[[int], None] | None) -> list[Outcome]:
    """Every run, once per seed: one batch per seed through the worker pool, ``jobs`` at a time."""
    from katacheck.runner.parent import run_katas

    outcomes = [Outcome(run) for run in runs]
    for seed in range(seeds):
        if on_seed is not None:
            on_seed(seed)
        # A learner file is run from its own folder: it must lie inside the "submission".
        results = run_katas([(run.kata, run.path, run.path.parent) for run in runs], jobs=jobs, seed=seed)
        for outcome, result in zip(outcomes, results):
            outcome.seeds.append(seed)
            outcome.results.append(result)
    return outcomes


# -- problems and rows ---------------------------------------------------------------------------


def _run_problems(outcome: Outcome) -> list[Problem]:
    run = outcome.run
    if outcome.behaves:
        return []
    bad, good = outcome.bad_seeds(), outcome.good_seeds()
    if outcome.flaky:
        key = {STUB: "dev.check.flaky.stub", SOLUTION: "dev.check.flaky.solution"}.get(run.role, "dev.check.flaky.variant")
        worst = outcome.first_bad()
        message = t(key, good=_seeds(good), bad=_seeds(bad), got=_got(run, worst), cause=_cause(worst),
                    expect=run.expect, tests=run.kata.tests_path.name)
        return [Problem(run.path, message)]
    result = outcome.first_bad()
    seeds = t("dev.check.on_seeds", seeds=_seeds(bad)) if len(outcome.seeds) > 1 else ""
    if run.role == STUB:
        key = "dev.check.stub_passes" if result.passed else "dev.check.stub_broken"
        return [Problem(run.path, t(key, seeds=seeds, cause=_cause(result)))]
    if run.role == SOLUTION:
        return [Problem(run.path, t("dev.check.solution_fails", seeds=seeds, cause=_cause(result)))]
    return [Problem(run.path, t("dev.check.variant_wrong", expect=run.expect, seeds=seeds, got=_got(run, result)))]


def _cause(result: KataResult) -> str:
    """Why ``result`` is not a pass, in one sentence: the fatal problem, or the first failed check."""
    if result.passed:
        return ""
    cause = first_cause(result)
    failed = next((check for check in result.checks if not check.passed), None)
    message = cause.message.strip() if cause is not None else ""
    if result.fatal is None and failed is not None:
        return t("dev.check.cause.check", title=failed.title, message=message)
    return message


def _got(run: Run, result: KataResult) -> str:
    if result.passed:
        return t("dev.check.got.pass")
    codes = variant_files.diagnosis_codes(result)
    return t("dev.check.got.codes", codes=", ".join(f"`{code}`" for code in codes)) if codes else t("dev.check.got.nothing")


def _seeds(seeds: list[int]) -> str:
    return ", ".join(str(seed) for seed in seeds)


def _row(kata: Kata, outcomes: list[Outcome]) -> KataRow:
    mine = [outcome for outcome in outcomes if outcome.run.kata.id == kata.id]
    by_role = {role: [outcome for outcome in mine if outcome.run.role == role] for role in (STUB, SOLUTION, VARIANT)}

    def seeds_tally(role: str) -> Tally:
        outcome = by_role[role][0]
        return Tally(len(outcome.good_seeds()), len(outcome.seeds))

    variants = by_role[VARIANT]
    flaky = [outcome.run.role if outcome.run.role != VARIANT else outcome.run.path.stem
             for outcome in mine if outcome.flaky]
    return KataRow(kata.id, seeds_tally(STUB), seeds_tally(SOLUTION),
                   Tally(sum(outcome.behaves for outcome in variants), len(variants)), tuple(flaky))


def _unread_row(folder: KataFolder) -> KataRow:
    return KataRow(folder.directory.name, Tally(), Tally(), Tally(), (), ran=False)
