"""Evidence for the judge: what a hidden test saw, as numbers another process can check.

The checks in this package run next to the learner's code, so nothing they conclude can make a
kata pass on its own: a learner in control of the process could make them say anything. What
they can do is write down the *data* of what happened (the inputs a model got and the outputs
it gave, with the model's own weights; the parameters before every optimizer step) and send
it, with the check's verdict, to the parent. The parent hands it to the judge
(:mod:`katacheck.judge`), a process forked from the warm worker that never runs learner code,
which recomputes the kata's rule from those numbers: the composition the kata asks for, from
the model's own weights; the reference optimizer's update, replayed from the same start on the
trusted data. Forging such evidence means computing what the kata asks for, which is solving
it.

Each piece of evidence has a ``label`` the kata's ``judge.py`` asks for by name; tensors travel
as nested lists of floats.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from katacheck.checks import context

#: More parameters than this in one trajectory is not a kata's small model: record fewer steps.
MAX_TRAJECTORY_NUMBERS = 2_000_000


def submit(label: str, **data: Any) -> None:
    """Send ``data`` to the judge under ``label`` (tensors become lists of floats)."""
    context.record_evidence({"label": label, **{key: plain(value) for key, value in data.items()}})


def forward(label: str, model: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """Run ``model(inputs)`` (the learner's code) and submit the inputs, the outputs and every
    ``nn.Linear`` of the model, in the order it registered them, with its weight and bias."""
    with torch.no_grad():
        outputs = model(inputs)
    submit(label, inputs=inputs, outputs=outputs, linears=linear_layers(model))
    return outputs


def linear_layers(model: nn.Module) -> list[dict[str, Any]]:
    """Every ``nn.Linear`` in ``model`` (registration order): its name, weight and bias."""
    return [{"name": name, "weight": module.weight, "bias": module.bias}
            for name, module in model.named_modules() if isinstance(module, nn.Linear)]


def trajectory(label: str, model: nn.Module, steps: list[dict[str, Any]]) -> None:
    """Submit a training run: ``steps`` as a :class:`~katacheck.checks.training.TrainingMonitor`
    recorded them (the parameters before each optimizer step and who stepped), and the
    parameters the run ended with."""
    final = [p.detach() for p in model.parameters()]
    submit(label, steps=steps, final=final, names=[name for name, _ in model.named_parameters()])


def plain(value: Any) -> Any:
    """``value`` with every tensor turned into (nested) lists of floats, for JSON."""
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", torch.float64).tolist() if value.is_floating_point() else \
            value.detach().cpu().tolist()
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return repr(value)
