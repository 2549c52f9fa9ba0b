"""The tensors among what a torch call received (or returned), for the code that watches calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch


def tensors_in(args: tuple | list, kwargs: dict[str, Any] | None = None) -> Iterator[torch.Tensor]:
    """Yield the tensors among ``args`` and the values of ``kwargs``, looking inside lists and
    tuples one level deep: that covers ``torch.cat([...])`` and the optimizers'
    ``torch._foreach_*`` calls, which take lists of tensors."""
    for value in (*args, *(kwargs or {}).values()):
        if isinstance(value, torch.Tensor):
            yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, torch.Tensor):
                    yield item
