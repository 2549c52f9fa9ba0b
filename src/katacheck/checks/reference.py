"""The real torch classes, captured when katacheck.checks is imported.

The child imports this before the learner's file, so a learner who writes
``torch.optim.Adam = torch.optim.SGD`` cannot fool a check that compares classes.
"""

from __future__ import annotations

import torch
from torch import nn

OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {
    name: cls
    for name, cls in vars(torch.optim).items()
    if isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer)
}
Linear = nn.Linear
Module = nn.Module
Optimizer = torch.optim.Optimizer
mse_loss = nn.functional.mse_loss
