"""How far an optimizer step is from a reference step: the measure the judges and the checks share.

It lives on the child's side (trusted code the judge may use, :mod:`katacheck.judge`
re-exports it) so that a check such as kata 19's resumed run measures a step exactly as the
judges do.
"""

from __future__ import annotations

import torch

#: What float32 arithmetic alone may leave between the learner's step and the float64 reference,
#: in units in the last place of the largest parameter. Near convergence a step is itself that
#: small, and a gap relative to the step alone blamed rounding (kata 06 failed its own solution
#: on 12 of 100 base seeds, `bench/seeds.py`). A wrong optimizer is caught on the early steps,
#: where it moves the parameters by far more than this.
ROUNDING_ULPS = 16


def step_gap(before, after, expected) -> float:
    """How far the learner's step (``before`` → ``after``) is from the reference one
    (``before`` → ``expected``), relative to the reference step's size, once float32 rounding
    (:data:`ROUNDING_ULPS`) is allowed for."""
    moved = max(float((e - b).abs().max()) for e, b in zip(expected, before))
    gap = max(float((a - e).abs().max()) for a, e in zip(after, expected))
    rounding = ROUNDING_ULPS * torch.finfo(torch.float32).eps * max(float(b.abs().max()) for b in before)
    if gap != gap or moved != moved:  # nan: max(0.0, nan) is 0.0, a perfect match
        return float("inf")
    return max(0.0, gap - rounding) / (moved + 1e-12)
