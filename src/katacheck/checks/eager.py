"""Keep ``torch._dynamo`` out of eager-mode katas: importing it costs 3–5 s, more than torch.

Two paths pull it in during an ordinary training loop, only to do nothing in eager mode:

- ``torch._disable_dynamo`` wraps ``Optimizer.__init__`` and friends; on first call the wrapper
  imports dynamo to mark the method "never compile". We pre-fill the cache attribute the
  wrapper consults (``fn.__dynamo_disable``) with the function itself.
- every ``optimizer.step()`` runs ``import torch._dynamo`` to call ``graph_break()``, a no-op
  outside compilation. A lazy stand-in module answers ``graph_break`` and ``is_compiling``
  and imports the real ``torch._dynamo`` on any other attribute, so ``torch.compile`` in
  learner code still works (and pays the import only then).

Only the kata child process does this; the learner's own Python never sees it.
"""

from __future__ import annotations

import importlib
import sys
import types

import torch

_PREFIXES = ("torch.optim", "torch.nn", "torch.utils.data", "torch.autograd")
_DYNAMO = "torch._dynamo"


class _LazyDynamo(types.ModuleType):
    """Stands in for ``torch._dynamo`` until something needs more than eager no-ops."""

    @staticmethod
    def graph_break(msg: str = "") -> None:
        """Outside ``torch.compile`` a graph break is a no-op, as in the real module."""

    @staticmethod
    def is_compiling() -> bool:
        return False

    def __getattr__(self, name: str) -> object:
        return getattr(_import_real_dynamo(), name)


def _import_real_dynamo() -> types.ModuleType:
    if isinstance(sys.modules.get(_DYNAMO), _LazyDynamo):
        del sys.modules[_DYNAMO]
    real = importlib.import_module(_DYNAMO)
    torch._dynamo = real
    return real


def skip_dynamo_import() -> None:
    """Install both short-cuts (idempotent)."""
    if _DYNAMO not in sys.modules:
        stand_in = _LazyDynamo(_DYNAMO, __doc__)
        sys.modules[_DYNAMO] = stand_in
        torch._dynamo = stand_in
    marker = torch._disable_dynamo(lambda: None).__code__
    for name, module in list(sys.modules.items()):
        if module is not None and name.startswith(_PREFIXES):
            for value in list(vars(module).values()):
                for function in _functions_in(value):
                    if getattr(function, "__code__", None) is marker:
                        _prefill(function.__wrapped__)


def _functions_in(value: object):
    if isinstance(value, type):
        for member in vars(value).values():
            yield getattr(member, "__func__", member)  # unwrap staticmethod/classmethod
    else:
        yield value


def _prefill(function) -> None:
    if getattr(function, "__dynamo_disable", None) is None:
        function.__dynamo_disable = function
