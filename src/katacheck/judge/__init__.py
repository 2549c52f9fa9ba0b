"""The judge: a kata's rule recomputed from evidence, in a process that never ran learner code.

A kata's ``judge.py`` (next to its ``test_kata.py``, trusted like it) defines
``julgar(evidencias)``, which yields a :class:`Finding` for every piece of evidence that does not
hold. The parent runs it in a fresh fork of the warm worker (:mod:`katacheck.runner.judge`),
after the kata child reported every check passed, with the evidence that child sent
(:mod:`katacheck.checks.evidence`). A kata passes only when the judge found nothing: the checks
in the child write the diagnoses and can fail a kata, but only the judge's silence lets it pass.

What the judge can verify, with the functions below:

- :func:`composition`: the outputs a model gave on the judge's inputs are the composition the
  kata asks for (``linear → relu → linear``), computed here from the model's own weights. A
  ReLU computed and thrown away, a missing layer or one of the wrong size: each is named.
- :func:`replay`: a training run's parameters, step by step, are the reference optimizer's
  updates on the trusted data, from the start the test gave: the optimizer's state kept across
  steps (an optimizer re-created in the loop is named), no other update in between (a decoy
  optimizer, ``lr=0``), and the loss, recomputed here from the final parameters, fell.

What it cannot see is what leaves no trace in those numbers: on which device a tensor was, what
the training function returned, which line wrote what. Those stay with the in-process checks.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from katacheck.checks.steps import ROUNDING_ULPS, step_gap  # noqa: F401 - the judges' API
from katacheck.i18n import t

#: Largest relative gap between a model's outputs and the composition recomputed from its own
#: weights (float32 against float64). Calibration: CALIBRATION.md beside this file.
OUTPUT_TOLERANCE = 1e-4
#: Largest relative gap between a step the learner's optimizer made and the reference one,
#: replayed from the same parameters. Calibration: CALIBRATION.md beside this file.
STEP_TOLERANCE = 1e-3


@dataclass(frozen=True)
class Finding:
    """Evidence that does not hold: the check it refutes, and why, in the learner's language."""

    check: str
    code: str
    message: str
    hint: str

    def to_dict(self) -> dict[str, str]:
        return {"check": self.check, "code": self.code, "message": self.message, "hint": self.hint}


class Evidence:
    """Everything the kata child sent, by label."""

    def __init__(self, items: Iterable[dict[str, Any]]) -> None:
        self._items: dict[str, dict[str, Any]] = {}
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("label"), str):
                self._items.setdefault(item["label"], item)

    def get(self, label: str) -> dict[str, Any] | None:
        return self._items.get(label)

    @property
    def labels(self) -> list[str]:
        return list(self._items)


def sibling(judge_file: str, name: str):
    """The module ``name`` in the kata folder of ``judge_file`` (``sibling(__file__, "test_kata")``:
    the judge rebuilds the test's model and data with the test's own code, trusted like it)."""
    import importlib.util
    import os
    import sys

    path = os.path.join(os.path.dirname(os.path.abspath(judge_file)), f"{name}.py")
    module_name = f"katacheck_juiz_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def finding(on: str, code: str, /, **params: Any) -> Finding:
    """The finding ``judge.<code>`` on the check ``on``, with its catalog message and hint."""
    return Finding(on, f"judge.{code}", t(f"judge.{code}", **params), t(f"judge.{code}.hint", **params))


def tensor(value: Any) -> torch.Tensor:
    """Evidence numbers (nested lists) as a float64 tensor."""
    return torch.tensor(value, dtype=torch.float64)


# -- what a model computes -------------------------------------------------------------------

#: The operations a composition may name, applied to a float64 tensor.
ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
}


#: How each operation is named in a message.
SHOWN = {"linear": "linear", "relu": "ReLU", "sigmoid": "sigmoide", "tanh": "tanh"}


def _shown(layers: Sequence[str]) -> str:
    return " → ".join(SHOWN.get(layer, layer) for layer in layers)


def composition(evidence: Evidence, label: str, *, check: str, layers: Sequence[str],
                sizes: Sequence[int], inputs: torch.Tensor) -> Iterator[Finding]:
    """The model's outputs on ``inputs`` are ``layers`` (``"linear"`` or an activation) applied
    in order with the model's own linear layers, of the sizes ``sizes`` (in, hidden..., out)."""
    item = evidence.get(label)
    if item is None or not {"inputs", "outputs", "linears"} <= item.keys():
        yield finding(check, "no_evidence", check=check)
        return
    try:
        given, outputs = tensor(item["inputs"]), tensor(item["outputs"])
        linears = [(tensor(layer["weight"]), tensor(layer["bias"]) if layer.get("bias") is not None else None)
                   for layer in item["linears"]]
    except (TypeError, ValueError, KeyError):
        yield finding(check, "no_evidence", check=check)
        return
    if given.shape != inputs.shape or not torch.equal(given, inputs.to(torch.float64)):
        yield finding(check, "other_inputs")
        return
    chain = _chain(linears, sizes)
    if chain is None:
        yield finding(check, "layer_sizes", sizes=" → ".join(map(str, sizes)),
                      found=", ".join(f"{w.shape[1]} → {w.shape[0]}" for w, _ in linears) or "—")
        return
    if outputs.shape != (inputs.shape[0], sizes[-1]):
        yield finding(check, "output_shape", found=list(outputs.shape), expected=[inputs.shape[0], sizes[-1]])
        return
    if _close(outputs, _apply(layers, chain, inputs)):
        return
    yield _composition_mismatch(check, layers, chain, inputs, outputs)


def _composition_mismatch(check: str, layers: Sequence[str], chain, inputs: torch.Tensor,
                          outputs: torch.Tensor) -> Finding:
    """Name what the model computed instead, when it is a near miss the learner can act on."""
    asked = _shown(layers)
    without = [layer for layer in layers if layer not in ACTIVATIONS]
    if without != list(layers) and _close(outputs, _apply(without, chain, inputs)):
        activation = next(layer for layer in layers if layer in ACTIVATIONS)
        return finding(check, "activation_unused", activation=SHOWN[activation], asked=asked)
    for activation in ACTIVATIONS:
        if activation in layers:
            continue
        added = [x for pair in zip(without, [activation] * (len(without) - 1) + [None]) for x in pair if x]
        if _close(outputs, _apply(added, chain, inputs)):
            return finding(check, "activation_extra", activation=SHOWN[activation], asked=asked)
    gap = float((outputs - _apply(layers, chain, inputs)).abs().max())
    return finding(check, "composition", asked=asked, gap=f"{gap:.3g}")


def _chain(linears, sizes: Sequence[int]):
    """The model's linear layers in the order that chains ``sizes``, or None."""
    wanted = [(sizes[i + 1], sizes[i]) for i in range(len(sizes) - 1)]
    if len(linears) != len(wanted):
        return None
    for order in itertools.permutations(linears):
        if [tuple(weight.shape) for weight, _ in order] == wanted:
            return list(order)
    return None


def _apply(layers: Sequence[str], chain, inputs: torch.Tensor) -> torch.Tensor:
    x, next_linear = inputs.to(torch.float64), iter(chain)
    for layer in layers:
        if layer == "linear":
            weight, bias = next(next_linear)
            x = x @ weight.T + (bias if bias is not None else 0)
        else:
            x = ACTIVATIONS[layer](x)
    return x


def output_gap(found: torch.Tensor, expected: torch.Tensor) -> float:
    """How far ``found`` is from ``expected``, relative to ``expected``'s scale (inf: other shapes)."""
    if found.shape != expected.shape:
        return float("inf")
    scale = 1.0 + float(expected.abs().max()) if expected.numel() else 1.0
    gap = float((found - expected).abs().max()) / scale
    return gap if gap == gap else float("inf")  # a nan is no match (every `gap > tol` is False for it)


def _close(found: torch.Tensor, expected: torch.Tensor) -> bool:
    return output_gap(found, expected) <= OUTPUT_TOLERANCE


# -- what a training run did -----------------------------------------------------------------


def replay(evidence: Evidence, label: str, *, check: str, optimizer: str, model: torch.nn.Module,
           X: torch.Tensor, y: torch.Tensor, loss: Callable = torch.nn.functional.mse_loss,
           settings: dict[str, Any] | None = None, max_ratio: float | None = None,
           loss_check: str | None = None) -> Iterator[Finding]:
    """The run's parameters moved exactly as ``torch.optim.<optimizer>`` moves them, step by step,
    on ``loss(model(X), y)`` from ``model``'s own starting parameters (the ones the test gave),
    with the optimizer's state kept across steps. ``settings`` pin hyperparameters the kata fixes
    (``{"lr": 0.02}``); the others are the learner's own, as the run reported them. With
    ``max_ratio``, the loss recomputed here from the final parameters, over the loss at the
    start, must not exceed it (a finding on ``loss_check``)."""
    item = evidence.get(label)
    if item is None or not isinstance(item.get("steps"), list) or "final" not in item:
        yield finding(check, "no_evidence", check=check)
        return
    steps = item["steps"]
    if not steps:
        yield finding(check, "no_steps", optimizer=optimizer)
        return
    start = [p.detach().to(torch.float64) for p in model.parameters()]
    try:
        trajectory = [[tensor(p) for p in step["params"]] for step in steps] + [[tensor(p) for p in item["final"]]]
    except (TypeError, ValueError, KeyError):
        yield finding(check, "no_evidence", check=check)
        return
    if not _same_parameters(trajectory[0], start):
        yield finding(check, "other_start")
        return
    others = sorted({str(step.get("optimizer")) for step in steps} - {optimizer})
    if others:
        yield finding(check, "other_optimizer", found=", ".join(others), expected=optimizer)
        return
    problem = _replay_steps(steps, trajectory, optimizer, model, X, y, loss, settings or {})
    if problem is not None:
        yield finding(check, *problem[:1], **problem[1])
        return
    if max_ratio is not None:
        ratio = _loss_at(model, trajectory[-1], X, y, loss) / _loss_at(model, start, X, y, loss)
        if not ratio <= max_ratio:
            yield finding(loss_check or check, "loss", ratio=f"{ratio:.3f}", limit=f"{max_ratio:g}")


def replay_course_run(evidence: Evidence, tests: Any, *, check: str, optimizer: str, loss_check: str,
                      settings: dict[str, Any] | None = None, seed: int = 0) -> Iterator[Finding]:
    """:func:`replay` of a run the kata's tests made the course's way: the test module's
    ``SimpleLinearModel`` built right after ``checks.manual_seed(seed)``, trained on
    :func:`~katacheck.checks.regression_data`, judged against the module's ``LIMIAR_PERDA``."""
    from katacheck.checks.data import regression_data
    from katacheck.checks.seeds import manual_seed

    X, y = regression_data()
    manual_seed(seed)  # as the test's run: the same initial weights, under the same base seed
    model = tests.SimpleLinearModel()
    yield from replay(evidence, "treino", check=check, optimizer=optimizer, model=model, X=X, y=y,
                      settings=settings, max_ratio=tests.LIMIAR_PERDA, loss_check=loss_check)


def _replay_steps(steps, trajectory, optimizer: str, model, X, y, loss, pinned):
    """Replay every step from the learner's own parameters before it, with one reference
    optimizer whose state carries over; the first step that differs, named, or None."""
    model = model.to(torch.float64)
    parameters = list(model.parameters())
    settings = {**_learner_settings(optimizer, steps[0].get("settings") or {}), **pinned}
    try:
        reference = getattr(torch.optim, optimizer)(parameters, **settings)
    except (TypeError, ValueError, AttributeError) as error:
        return "bad_settings", {"optimizer": optimizer, "error": str(error)[:200]}
    X, y = X.to(torch.float64), y.to(torch.float64)
    instances = [step.get("instance") for step in steps]
    for index, (before, after) in enumerate(zip(trajectory, trajectory[1:])):
        with torch.no_grad():
            for parameter, value in zip(parameters, before):
                parameter.copy_(value)
        reference.zero_grad()
        loss(model(X), y).backward()
        reference.step()
        expected = [p.detach().clone() for p in parameters]
        if not _step_matches(before, after, expected):
            return _step_mismatch(index, before, after, instances, optimizer)
    return None


def _step_matches(before, after, expected) -> bool:
    return step_gap(before, after, expected) <= STEP_TOLERANCE


def _step_mismatch(index: int, before, after, instances, optimizer: str):
    step = index + 1
    if max(float((a - b).abs().max()) for a, b in zip(after, before)) == 0:
        return "params_unchanged", {"step": step}
    # A new instance for (nearly) every step, never an old one again: made inside the loop.
    if len(set(instances)) > 1 and all(a <= b for a, b in zip(instances, instances[1:])):
        return "optimizer_recreated", {"optimizer": optimizer, "step": step}
    return "trajectory", {"optimizer": optimizer, "step": step}


def _learner_settings(optimizer: str, claimed: dict[str, Any]) -> dict[str, Any]:
    """The hyperparameters the learner's optimizer reported, that ours accepts."""
    accepted = inspect.signature(getattr(torch.optim, optimizer)).parameters
    settings = {}
    for key, value in claimed.items():
        if key in accepted and key not in ("params", "foreach", "fused", "capturable", "differentiable"):
            settings[key] = tuple(value) if isinstance(value, list) else value
    return settings


def _same_parameters(first, second) -> bool:
    return len(first) == len(second) and all(a.shape == b.shape and torch.equal(a, b) for a, b in zip(first, second))


def _loss_at(model, parameters, X, y, loss) -> float:
    model = model.to(torch.float64)
    with torch.no_grad():
        for parameter, value in zip(model.parameters(), parameters):
            parameter.copy_(value)
        return float(loss(model(X.to(torch.float64)), y.to(torch.float64)))
