"""Reading loss curves (kata 16): the reference reading of a pair of curves, and of early stopping.

A pair of curves (the training loss and the validation loss of each epoch) is read by one rule,
:func:`diagnosis`, in a fixed order: a curve that diverged or oscillates is ``lr_alto``; one that
barely moved, ``lr_baixo``; validation rising while the training loss fell, ``overfitting``;
training still clearly falling at the end, ``underfitting``; anything else, ``ok``. Each step
compares one figure of the curve with one threshold (:data:`LIMITS`).

A learner's rule will not use the same thresholds, so a hidden test only asks about curves whose
reading does not hang on them: :func:`unambiguous` keeps a curve when the rule reads it the same
with every threshold halved and doubled (a 2× margin on each figure). The judge reads the same
curves with the same functions: the category expected is always computed, never written down.

The checks name what the learner's answer missed, from the curve's own figures
(:func:`expect_diagnosis`); :func:`expect_best_epoch` names the usual slips
of early stopping (the global minimum, a patience off by one, ties taken as improvements, a
1-based epoch, the epoch it stopped at).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from katacheck.checks.failures import call_learner, fail

#: The five answers of ``diagnosticar``, in the order the rule tries them.
CATEGORIES = ("lr_alto", "lr_baixo", "overfitting", "underfitting", "ok")

#: The rule's thresholds, each on one figure of the curves (see :class:`Figures`):
#: ``jump``: a rise of the training loss from one epoch to the next, over the initial loss;
#: ``drop``: how much of the initial loss the training loss lost in the whole run;
#: ``rise``: how far the last validation loss is above the lowest one, over the lowest one;
#: ``tail``: the share of the whole drop that came in the last quarter of the epochs.
LIMITS = {"jump": 0.10, "drop": 0.10, "rise": 0.05, "tail": 0.05}
#: How far every threshold may move while the reading stays the same, for a curve to be asked.
MARGIN = 2.0


@dataclass(frozen=True)
class Figures:
    """What the rule reads off a pair of curves (epochs counted from 0)."""

    finite: bool
    first_bad: int | None
    start: float
    end: float
    jump: float
    jump_epoch: int
    drop: float
    rise: float
    best_validation: float
    best_validation_epoch: int
    last_validation: float
    tail: float
    tail_drop: float


def figures(train: Sequence[float], validation: Sequence[float]) -> Figures:
    """The figures of :data:`LIMITS`, read off ``train`` and ``validation``."""
    values = [*train, *validation]
    bad = next((i for i, v in enumerate(values) if not math.isfinite(v)), None)
    first_bad = None if bad is None else (bad if bad < len(train) else bad - len(train))
    start, end = float(train[0]), float(train[-1])
    if bad is not None:
        return Figures(False, first_bad, start, end, 0.0, 0, 0.0, 0.0, 0.0, 0, 0.0, 0.0, 0.0)
    jumps = [(b - a, i + 1) for i, (a, b) in enumerate(zip(train, train[1:]))]
    jump, jump_epoch = max(jumps) if jumps else (0.0, 0)
    best = min(validation)
    quarter = max(1, len(train) // 4)
    fallen = start - end
    tail_drop = float(train[-quarter - 1]) - end
    return Figures(True, None, start, end, jump / abs(start), jump_epoch, fallen / start, (validation[-1] - best) / best,
                   best, list(validation).index(best), float(validation[-1]),
                   tail_drop / fallen if fallen > 0 else 0.0, tail_drop)


def diagnosis(train: Sequence[float], validation: Sequence[float], scale: float = 1.0) -> str:
    """The reference reading of the two curves, with every threshold of :data:`LIMITS` times ``scale``."""
    f = figures(train, validation)
    if not f.finite or f.end > f.start or f.jump > LIMITS["jump"] * scale:
        return "lr_alto"
    if f.drop < LIMITS["drop"] * scale:
        return "lr_baixo"
    if f.rise > LIMITS["rise"] * scale:
        return "overfitting"
    if f.tail > LIMITS["tail"] * scale:
        return "underfitting"
    return "ok"


def unambiguous(train: Sequence[float], validation: Sequence[float]) -> bool:
    """Whether the reading stays the same with every threshold divided and multiplied by :data:`MARGIN`."""
    reading = diagnosis(train, validation)
    return all(diagnosis(train, validation, scale) == reading for scale in (1 / MARGIN, MARGIN))


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def _sign(f: Figures, train: Sequence[float], validation: Sequence[float]) -> tuple[str, dict]:
    """The failure code that says what this curve shows, and its values."""
    if not f.finite:
        series, epoch = (train, f.first_bad) if any(not math.isfinite(v) for v in train) else (validation, f.first_bad)
        return "curve_not_finite", {"value": series[epoch], "epoch": epoch + 1}
    category = diagnosis(train, validation)
    values = {"start": f"{f.start:.4g}", "end": f"{f.end:.4g}", "epochs": len(train)}
    if category == "lr_alto" and f.end > f.start:
        return "curve_lr_alto_diverged", values
    if category == "lr_alto":
        return "curve_lr_alto_oscillates", {**values, "epoch": f.jump_epoch + 1,
                                            "jump": _percent(f.jump)}
    if category == "lr_baixo":
        return "curve_lr_baixo", {**values, "drop": _percent(f.drop)}
    if category == "overfitting":
        return "curve_overfitting", {**values, "best": f"{f.best_validation:.4g}",
                                     "best_epoch": f.best_validation_epoch + 1,
                                     "last": f"{f.last_validation:.4g}", "rise": _percent(f.rise)}
    if category == "underfitting":
        return "curve_underfitting", {**values, "tail": _percent(f.tail)}
    return "curve_ok", {**values, "drop": _percent(f.drop), "tail": _percent(f.tail)}


def expect_diagnosis(diagnosticar: Callable, train: Sequence[float], validation: Sequence[float]) -> object:
    """Call the learner's ``diagnosticar`` on copies of the curves; its answer must be the
    reference reading. Returns the answer (the judge's evidence); a wrong one fails with what
    the curve shows, in its own figures."""
    answer = call_learner(diagnosticar, list(train), list(validation))
    if not isinstance(answer, str) or answer not in CATEGORIES:
        fail("curve_not_category", found=repr(answer)[:60])
    expected = diagnosis(train, validation)
    if answer != expected:
        code, values = _sign(figures(train, validation), train, validation)
        fail(code, found=f'"{answer}"', expected=f'"{expected}"', **values)
    return answer


# -- early stopping ------------------------------------------------------------------------------


def best_epoch(validation: Sequence[float], patience: int = 3, *, ties: bool = False, one_based: bool = False,
               stop_epoch: bool = False) -> int:
    """Early stopping: the epoch (from 0) of the lowest validation loss seen before ``patience``
    epochs in a row without a strictly lower one. The keywords write the usual slips instead:
    ``ties`` (an equal value counts as better), ``one_based``, ``stop_epoch`` (where it stopped)."""
    best, waited, stopped = 0, 0, len(validation) - 1
    for epoch in range(1, len(validation)):
        if validation[epoch] < validation[best] or (ties and validation[epoch] == validation[best]):
            best, waited = epoch, 0
            continue
        waited += 1
        if waited >= patience:
            stopped = epoch
            break
    answer = stopped if stop_epoch else best
    return answer + 1 if one_based else answer


#: The slips :func:`expect_best_epoch` names, in the order it looks for them: (code, answer).
SLIPS: tuple[tuple[str, Callable[[Sequence[float], int], int]], ...] = (
    ("early_stop_global_min", lambda v, p: list(v).index(min(v))),
    ("early_stop_patience_late", lambda v, p: best_epoch(v, p + 1)),
    ("early_stop_patience_early", lambda v, p: best_epoch(v, max(1, p - 1))),
    ("early_stop_ties", lambda v, p: best_epoch(v, p, ties=True)),
    ("early_stop_one_based", lambda v, p: best_epoch(v, p, one_based=True)),
    ("early_stop_stop_epoch", lambda v, p: best_epoch(v, p, stop_epoch=True)),
)


def expect_best_epoch(melhor_epoca: Callable, validation: Sequence[float], patience: int | None) -> object:
    """Call the learner's ``melhor_epoca`` (with ``paciencia=patience``, or its default when
    None: the kata's 3); the answer must be :func:`best_epoch`'s. Returns it (the judge's evidence)."""
    args = () if patience is None else (patience,)
    answer = call_learner(melhor_epoca, list(validation), *args)
    patience = 3 if patience is None else patience
    expected = best_epoch(validation, patience)
    if isinstance(answer, bool) or not isinstance(answer, int):
        fail("early_stop_not_int", found=repr(answer)[:60], expected=expected)
    if answer == expected:
        return answer
    values = {"found": answer, "expected": expected, "patience": patience, "epochs": len(validation),
              "stopped": best_epoch(validation, patience, stop_epoch=True)}
    for code, slip in SLIPS:
        if slip(validation, patience) == answer:
            fail(code, **values)
    fail("early_stop_wrong", **values)
