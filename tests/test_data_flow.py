"""The ReLU check follows the data: the second layer must receive relu of what the first produced.

Models written here, in the test process (test code, not learner code): each forward is one way
a learner writes, or fails to write, a ReLU between two layers.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from katacheck.checks.failures import KataFailure
from katacheck.checks.model import expect_linear_chain, expect_relu_between_linears


class _TwoLayers(nn.Module):
    def __init__(self, between):
        super().__init__()
        self.camada1, self.camada2, self.between = nn.Linear(10, 5), nn.Linear(5, 1), between

    def forward(self, x):
        return self.camada2(self.between(self.camada1(x)))


def _discarded(h):
    torch.relu(h)
    return h


def _inplace(h):
    return h.relu_()


WRITTEN_RIGHT = {
    "torch.relu": torch.relu,
    "clamp": lambda h: h.clamp(min=0),
    "torch.where": lambda h: torch.where(h > 0, h, torch.zeros_like(h)),
    "mask product": lambda h: h * (h > 0),
    "maximum": lambda h: torch.maximum(h, torch.zeros_like(h)),
    "in place": _inplace,
    "twice": lambda h: torch.relu(torch.relu(h)),
}
WRITTEN_WRONG = {
    "discarded": (_discarded, "relu_result_unused"),
    "relu of something else": (lambda h: torch.relu(h) * 2, "relu_result_unused"),
    "none": (lambda h: h, "relu_missing"),
    "sigmoid": (torch.sigmoid, "wrong_activation"),
}


def _verdict(between) -> str | None:
    torch.manual_seed(0)
    model = _TwoLayers(between)
    try:
        expect_relu_between_linears(model, expect_linear_chain(model, (10, 5, 1)))
    except KataFailure as failure:
        return failure.diagnosis.code
    return None


@pytest.mark.parametrize("name", WRITTEN_RIGHT)
def test_any_way_of_writing_a_relu_that_feeds_the_next_layer_passes(name):
    assert _verdict(WRITTEN_RIGHT[name]) is None


@pytest.mark.parametrize("name", WRITTEN_WRONG)
def test_a_relu_whose_result_does_not_reach_the_next_layer_is_named(name):
    between, code = WRITTEN_WRONG[name]
    assert _verdict(between) == code
