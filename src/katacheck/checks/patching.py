"""One way to change torch for the length of a check, and to undo it exactly.

The monitors (:class:`~katacheck.checks.training.TrainingMonitor`, the silent-bug monitor, the
simulated GPU, :func:`~katacheck.checks.device.cuda_unavailable`) replace a few attributes (a
class's method, a module's function), register hooks and enter ``TorchFunctionMode`` s. They all
record how to undo each change on one :class:`~contextlib.ExitStack`, which undoes everything in
reverse order when it closes, even when the block raised. Hooks go on it as
``stack.callback(handle.remove)`` and modes as ``stack.enter_context(mode)``; attributes go
through :func:`patch` and the helpers built on it, so what comes back is exactly what was there.

The child's tripwire (:mod:`katacheck.runner.child.integrity`) compares torch's functions before
and after each check: an attribute not put back as it was would read as tampering.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping
from typing import Any

_MISSING = object()


def patch(stack: contextlib.ExitStack, owner: Any, name: str, value: Any) -> None:
    """Set ``owner.name = value`` until ``stack`` closes.

    What is restored is the owner's own attribute, read from its ``__dict__``: a class's
    ``staticmethod`` comes back as the staticmethod (``getattr`` would unwrap it), and a name
    the owner only inherited is deleted again rather than copied onto it.
    """
    namespace = owner.__dict__ if isinstance(owner, type) else vars(owner)
    original = namespace.get(name, _MISSING)

    def restore() -> None:
        if original is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, original)

    setattr(owner, name, value)
    stack.callback(restore)


def patch_all(stack: contextlib.ExitStack, owner: Any, replacements: Mapping[str, Any]) -> None:
    """:func:`patch` each ``name → value`` of a table onto ``owner``."""
    for name, value in replacements.items():
        patch(stack, owner, name, value)


def wrap(stack: contextlib.ExitStack, owner: Any, name: str,
         wrapper: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Replace ``owner.name`` with ``wrapper(original)`` until ``stack`` closes.

    The replacement carries the original's name and docstring, and ``__wrapped__`` leads back
    to the original (code that must call the real function unwraps it).
    """
    original = getattr(owner, name)
    patch(stack, owner, name, functools.update_wrapper(wrapper(original), original))


def call_after(stack: contextlib.ExitStack, owner: type, name: str, listener: Callable[[Any], None]) -> None:
    """``owner.name(self, ...)`` also calls ``listener(self)`` once it has returned, until
    ``stack`` closes: how a monitor hears of every object built (``__init__``), subclasses'
    included when they call it."""

    def wrapper(original: Callable[..., Any]) -> Callable[..., Any]:
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = original(self, *args, **kwargs)
            listener(self)
            return result

        return method

    wrap(stack, owner, name, wrapper)
