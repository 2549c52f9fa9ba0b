"""Progressive hints: revealed one level at a time, on request or after repeated failures.

A kata's hints go from a nudge to nearly the answer (never the solution itself). ``katacheck
hint`` reveals the next level; ``katacheck verify`` offers it by itself when the learner keeps
failing the same kata, because a learner stuck in a loop rarely thinks of asking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text

from katacheck.i18n import t

if TYPE_CHECKING:
    from katacheck.packs import Kata
    from katacheck.workspace import Progress

#: Failed verifies in a row before verify offers the first hint by itself...
FIRST_OFFER_AFTER = 3
#: ...and how many more failures before it offers each next level.
NEXT_OFFER_EVERY = 2


def offered_level(failed_in_a_row: int, total: int) -> int:
    """How many hints verify should have shown after ``failed_in_a_row`` failures."""
    if failed_in_a_row < FIRST_OFFER_AFTER:
        return 0
    return min(total, 1 + (failed_in_a_row - FIRST_OFFER_AFTER) // NEXT_OFFER_EVERY)


def offer_after_failure(progress: Progress, kata: Kata) -> int | None:
    """Reveal the next hint if the failures in a row call for it; the level revealed, or None."""
    due = offered_level(progress.failed_in_a_row.get(kata.id, 0), len(kata.hints))
    if due <= progress.hints_revealed.get(kata.id, 0):
        return None
    return progress.reveal_hint(kata.id, len(kata.hints))


def render_hints(kata: Kata, revealed: int, *, only_last: bool = False) -> Group:
    """The first ``revealed`` hints (or just the last of them), each with its level."""
    first = revealed if only_last else 1
    lines = [
        Text.assemble((t("cli.hint.label", number=number, total=len(kata.hints)), "bold yellow"), " ", hint)
        for number, hint in enumerate(kata.hints[:revealed], start=1)
        if number >= first
    ]
    return Group(*lines)
