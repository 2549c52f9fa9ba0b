"""Verifying katas of a workspace, as ``katacheck verify`` does, for every face that shows it.

``katacheck verify`` prints the results in a terminal; ``%%katacheck`` in a notebook renders
them as HTML. Both run the katas the same way (one child per kata, through the runner's facade,
:mod:`katacheck.runner.parent`), count each verification in the progress and offer the next hint
after repeated failures on the same schedule (:mod:`katacheck.hints`): that shared part is here,
the showing is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from katacheck.packs import Kata
    from katacheck.result import KataResult
    from katacheck.workspace import Workspace


@dataclass(frozen=True)
class HintOffer:
    """A hint shown without being asked: the kata, how many of its hints are revealed now (the
    last of them is the one offered), and the failures in a row that called for it."""

    kata: Kata
    level: int
    failures: int


def run_in_workspace(workspace: Workspace, katas: list[Kata]) -> list[KataResult]:
    """Run each kata's hidden tests on the workspace's file of it, each in its own child.

    Nothing of the workspace is imported or collected in this process.
    """
    from katacheck.runner.parent import run_katas

    return run_katas([(kata, workspace.learner_file(kata), workspace.root) for kata in katas])


def record(workspace: Workspace, results: list[KataResult]) -> None:
    """Count each verification in the progress (a pass is kept for good)."""
    if not results:
        return
    with workspace.updating_progress() as progress:
        for result in results:
            progress.record_verification(result.kata_id, result.passed)


def offer_hints(workspace: Workspace, failed: list[KataResult]) -> list[HintOffer]:
    """After repeated failures of a kata, reveal its next hint (recorded in the progress);
    the hints offered, for the caller to show."""
    from katacheck.hints import offer_after_failure

    with workspace.updating_progress() as progress:
        katas = [kata for result in failed if (kata := workspace.pack.get(result.kata_id)) is not None]
        offered = [(kata, level) for kata in katas if (level := offer_after_failure(progress, kata))]
    return [HintOffer(kata, level, progress.failed_in_a_row[kata.id]) for kata, level in offered]
