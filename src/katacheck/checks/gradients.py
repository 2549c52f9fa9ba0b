"""Every parameter must receive a finite, non-zero gradient."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import torch
from torch import nn

from katacheck.checks import reference
from katacheck.checks.failures import fail
from katacheck.checks.locations import definition_location
from katacheck.checks.source import layer_list_location


def expect_gradients_flow(
    model: nn.Module,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = reference.mse_loss,
) -> None:
    """One forward and backward pass; each parameter's gradient must exist, be finite, and
    not be all zero (per tensor: single dead units are normal)."""
    where = definition_location(type(model))
    if next(model.parameters(), None) is None:
        fail("no_parameters", location=layer_list_location(type(model)) or where)
    model.zero_grad(set_to_none=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a broadcasting warning would point at our line
        loss_fn(model(inputs), targets).backward()
    for name, parameter in model.named_parameters():
        if not parameter.requires_grad:
            fail("grad_frozen", param=name, location=where)
        if parameter.grad is None:
            fail("grad_missing", param=name, location=where)
        if not torch.isfinite(parameter.grad).all():
            fail("grad_not_finite", param=name, location=where)
        if parameter.grad.abs().max() == 0:
            fail("grad_zero", param=name, location=where)
