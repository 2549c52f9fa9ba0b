"""Derivatives a learner computes with autograd: the values, their type, and where they came from.

A value alone cannot tell autograd from a good finite difference: on a smooth function both give
the same number to many digits. :class:`AutogradSpy` makes functions that can tell. Its
:meth:`~AutogradSpy.step` is ``floor(x)`` going forward and lets the gradient through unchanged
going back (a straight-through step, as quantized networks train with): autograd's derivative of
``3·step(x) + x²`` is ``3 + 2x``, while any finite difference sees a flat step and gives ``2x``.
The spy also counts how the learner called it: with a tensor that requires grad or not, and
whether ``backward()`` ever went back through it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from katacheck.checks.failures import fail


@dataclass
class AutogradSpy:
    """Counts the calls of its functions and the backward passes through them."""

    calls: int = 0
    calls_with_grad: int = 0
    backwards: int = 0

    def step(self, x):
        """``floor(x)`` forward, the gradient unchanged backward (straight through)."""
        self.calls += 1
        if not isinstance(x, torch.Tensor):
            # A plain number (a finite difference on floats): answer as floor would, no autograd.
            return float(math.floor(x))
        self.calls_with_grad += bool(x.requires_grad)
        return _StraightThroughStep.apply(x, self)

    def reset(self) -> None:
        self.calls = self.calls_with_grad = self.backwards = 0


class _StraightThroughStep(torch.autograd.Function):
    # forward without ctx and a setup_context: the form torch.func (grad, jacrev...) accepts, so a
    # learner who differentiates with torch.func.grad goes through the spy like backward() does.
    @staticmethod
    def forward(x, spy):
        return torch.floor(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.spy = inputs[1]

    @staticmethod
    def backward(ctx, grad):
        ctx.spy.backwards += 1
        return grad, None


def expect_number(value: object, *, call: str) -> float:
    """``value`` (what ``call`` returned) is a plain Python number: a float, not a tensor nor None."""
    if value is None:
        fail("autograd_none", call=call)
    if isinstance(value, torch.Tensor):
        fail("autograd_tensor", call=call, found=_short(value))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail("autograd_not_a_number", call=call, found=type(value).__name__)
    return float(value)


def expect_numbers(values: object, count: int, *, call: str) -> list[float]:
    """``values`` is a list (or tuple) of ``count`` plain numbers, one partial derivative per input."""
    if isinstance(values, torch.Tensor):
        fail("autograd_tensor", call=call, found=_short(values))
    if not isinstance(values, (list, tuple)):
        fail("autograd_not_a_list", call=call, found=type(values).__name__)
    if len(values) != count:
        fail("autograd_count", call=call, found=len(values), expected=count)
    return [expect_number(value, call=f"{call}[{index}]") for index, value in enumerate(values)]


def expect_derivative(found, expected, *, call: str, formula: str, tolerance: float = 1e-4,
                      again: Callable[[], object] | None = None) -> None:
    """The derivative(s) ``found`` are autograd's ``expected``, to ``tolerance`` (relative). When they
    are not and ``again`` is given (the same call made once more), an answer that changes on the
    second call is named as state kept between calls before its value is judged."""
    found_list = found if isinstance(found, list) else [found]
    expected_list = expected if isinstance(expected, list) else [expected]
    if all(_close(a, b, tolerance) for a, b in zip(found_list, expected_list)):
        return
    if again is not None:
        expect_same_answer(found, again, call=call)
    times = _multiple(found_list, expected_list, tolerance)
    if times is not None:
        fail("autograd_accumulated", call=call, formula=formula, found=_shown(found), expected=_shown(expected),
             times=times)
    times = _uniform_multiple(found_list, expected_list, tolerance)
    if times is not None:
        fail("autograd_backward_repeated", call=call, formula=formula, found=_shown(found),
             expected=_shown(expected), times=times)
    fail("autograd_wrong_value", call=call, formula=formula, found=_shown(found), expected=_shown(expected))


def expect_same_answer(first, again, *, call: str) -> None:
    """A wrong answer that changes when ``call`` is made again with the same arguments (``again()``):
    the function keeps state between calls, a tensor whose ``.grad`` keeps adding up."""
    second = again()
    if isinstance(second, torch.Tensor) or second is None:
        return
    try:
        same = [float(v) for v in second] if isinstance(first, list) else float(second)
    except (TypeError, ValueError):
        return
    first_list = first if isinstance(first, list) else [first]
    same_list = same if isinstance(same, list) else [same]
    if len(first_list) == len(same_list) and all(_close(b, a, 1e-6) for a, b in zip(first_list, same_list)):
        return
    fail("autograd_state_between_calls", call=call, found=_shown(first), again=_shown(same))


def expect_autograd_used(spy: AutogradSpy, *, call: str) -> None:
    """``backward()`` went back through the spy's function at least once during ``call``."""
    if spy.calls == 0:
        fail("autograd_f_not_called", call=call)
    if spy.backwards == 0:
        fail("autograd_not_used", call=call, calls=spy.calls, with_grad=spy.calls_with_grad)


def _multiple(found: list[float], expected: list[float], tolerance: float) -> int | None:
    """The largest k when the i-th derivative is (i + 1) times autograd's, for every i: one
    ``backward()`` per variable, each adding to the ``.grad`` of all of them (the first is right,
    the second counted twice...). None otherwise."""
    if len(found) < 2 or not all(_close(a, (i + 1) * b, tolerance) for i, (a, b) in enumerate(zip(found, expected))):
        return None
    return len(found)


def _uniform_multiple(found: list[float], expected: list[float], tolerance: float) -> int | None:
    """k (2 to 10) when every derivative is k times autograd's: ``backward()`` called k times on the
    same graph (``retain_graph=True``), each adding to ``.grad``. None otherwise."""
    if not expected or any(b == 0 for b in expected):
        return None
    times = round(found[0] / expected[0]) if math.isfinite(found[0]) else 0
    if not 2 <= times <= 10 or not all(_close(a, times * b, tolerance) for a, b in zip(found, expected)):
        return None
    return times


def _close(a: float, b: float, tolerance: float) -> bool:
    return math.isfinite(a) and abs(a - b) <= tolerance * (1.0 + abs(b))


def _shown(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(f"{v:.6g}" for v in value) + "]"
    return f"{value:.6g}"


def _short(tensor: torch.Tensor) -> str:
    text = repr(tensor.detach()) if tensor.numel() <= 4 else f"tensor de formato {list(tensor.shape)}"
    return text if len(text) <= 60 else text[:57] + "..."
