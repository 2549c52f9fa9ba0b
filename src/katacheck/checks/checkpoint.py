"""Saving, loading and resuming (kata 19): what a file written with ``torch.save`` holds, and a
resumed run compared with an uninterrupted one.

The file is read the safe way, ``torch.load(..., weights_only=True)``: a state dict (tensors in a
dict) loads, a pickled module or a bound method does not, and :func:`load_weights_only` names
which object got in the way. The rest compares what the learner's code left with what the
tests know: a state dict with the model's own names and values (:func:`expect_state_dict`), a
model whose modules are all in eval mode (:func:`expect_eval_mode`), and a resumed run whose
every step is the one the uninterrupted run took (:func:`expect_same_steps`).
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Sequence

import torch
from torch import nn

from katacheck.checks.failures import fail
from katacheck.checks.steps import step_gap  # the judges' measure of a step, float32 rounding allowed for

#: How torch names the object a ``weights_only`` load refused.
_REFUSED = re.compile(r"Unsupported global: GLOBAL ([\w.]+)")
#: Largest gap between a resumed step and the uninterrupted one, relative to the step's size
#: (both runs are the same float32 operations on the same machine: they agree to the last bit).
STEP_TOLERANCE = 1e-5


def load_weights_only(path: str | os.PathLike, model: nn.Module, *, what: str) -> object:
    """``torch.load(path, weights_only=True)``; a missing file or one that only a full unpickling
    opens fails ``<what>_no_file``, ``<what>_whole_model`` (``model``'s own class was pickled),
    ``<what>_bound_method`` (a method, such as ``state_dict`` without its parentheses) or
    ``<what>_not_weights_only`` (naming the object torch refused)."""
    if not os.path.isfile(path):
        fail(f"{what}_no_file", path=os.path.basename(path))
    try:
        return torch.load(path, weights_only=True)
    except pickle.UnpicklingError as error:
        refused = _REFUSED.search(str(error))
        name = refused.group(1) if refused else "?"
        if name.rsplit(".", 1)[-1] == type(model).__name__:
            fail(f"{what}_whole_model", name=type(model).__name__)
        if name.rsplit(".", 1)[-1] == "getattr":  # how pickle writes a bound method: state_dict without ()
            fail(f"{what}_bound_method")
        fail(f"{what}_not_weights_only", name=name)
    except (EOFError, RuntimeError, OSError) as error:
        fail(f"{what}_unreadable", error=str(error).splitlines()[0][:200] if str(error) else type(error).__name__)


def expect_state_dict(loaded: object, model: nn.Module) -> dict[str, torch.Tensor]:
    """``loaded`` is ``model.state_dict()``: the same names (buffers included), the same values."""
    expected = model.state_dict()
    if not isinstance(loaded, dict) or not all(isinstance(v, torch.Tensor) for v in loaded.values()):
        keys = ", ".join(map(str, loaded))[:120] if isinstance(loaded, dict) else type(loaded).__name__
        fail("save_not_state_dict", found=keys, expected=", ".join(expected))
    if set(loaded) != set(expected):
        missing = ", ".join(k for k in expected if k not in loaded) or "—"
        extra = ", ".join(str(k) for k in loaded if k not in expected) or "—"
        fail("save_state_keys", missing=missing, extra=extra)
    different = [k for k in expected if loaded[k].shape != expected[k].shape or not torch.equal(loaded[k], expected[k])]
    if different:
        fail("save_state_values", names=", ".join(different))
    return loaded


def expect_eval_mode(model: nn.Module) -> None:
    """Every module of ``model`` is in eval mode (``model.eval()`` sets them all)."""
    training = [name or type(model).__name__ for name, module in model.named_modules() if module.training]
    if training:
        fail("load_not_eval", modules=", ".join(training))


def same_state(a: nn.Module, b: nn.Module) -> bool:
    """Whether two models hold exactly the same state dict (names, shapes, values)."""
    first, second = a.state_dict(), b.state_dict()
    return first.keys() == second.keys() and all(
        first[k].shape == second[k].shape and torch.equal(first[k], second[k]) for k in first)


def expect_same_steps(resumed: Sequence[Sequence[torch.Tensor]], uninterrupted: Sequence[Sequence[torch.Tensor]],
                      start: Sequence[torch.Tensor], *, first_step: int) -> None:
    """Each step of the resumed run (parameters after it) is the uninterrupted run's, from ``start``
    (the parameters when the checkpoint was saved); ``first_step`` numbers the first one."""
    before = start
    for index, (mine, theirs) in enumerate(zip(resumed, uninterrupted)):
        if step_gap(before, mine, theirs) > STEP_TOLERANCE:
            fail("resume_trajectory", step=first_step + index, resumed=first_step)
        before = theirs
