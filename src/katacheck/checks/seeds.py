"""One base seed for everything a hidden test draws: ``KATACHECK_SEED``.

A kata's verdict must not hang on one lucky draw, so ``katacheck dev check --seeds N`` runs each
kata under the base seeds 0 … N-1. Every seed a hidden test uses goes through :func:`derive`:
the data (:func:`katacheck.checks.regression_data`, :func:`~katacheck.checks.probe_inputs`), the
initial weights (:func:`manual_seed`), the per-check seed the plugin sets before each test. The
judge runs under the same base seed (the runner passes it to both), so it rebuilds the same
data.

The base seed 0, the default, leaves every seed as the test wrote it: what a learner's
``verify`` checks is exactly what ``dev check --seeds 1`` checks.
"""

from __future__ import annotations

import os
import random
import zlib

import torch

#: The variable the runner sets in the kata child and the judge (``runner.child.main.use_seed``).
VARIABLE = "KATACHECK_SEED"


def base() -> int:
    """The base seed of this run (0 when unset; the parent validated the value)."""
    try:
        return max(0, int(os.environ.get(VARIABLE) or 0))
    except ValueError:
        return 0


def derive(seed: int) -> int:
    """``seed`` under the base seed: itself under the default base 0, else a stable mix of both."""
    chosen = base()
    if chosen == 0:
        return seed
    return zlib.crc32(f"{chosen}:{seed}".encode()) & 0x7FFF_FFFF


def manual_seed(seed: int) -> None:
    """``torch.manual_seed`` and ``random.seed`` with :func:`derive` of ``seed``: where a test
    fixes the weights a model starts from."""
    derived = derive(seed)
    random.seed(derived)
    torch.manual_seed(derived)


def generator(seed: int) -> torch.Generator:
    """A generator of its own (the learner's use of the global one changes nothing), seeded
    with :func:`derive` of ``seed``."""
    return torch.Generator().manual_seed(derive(seed))
