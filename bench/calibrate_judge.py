"""Calibrate the judge's two tolerances over many seeds, correct code against wrong code.

    uv run python bench/calibrate_judge.py [--seeds 150]

The judge compares numbers a learner's run produced in float32 with the kata's rule recomputed
in float64, so correct code lands a little off; wrong code lands far off. For each tolerance
this prints, over ``--seeds`` model initialisations:

- ``OUTPUT_TOLERANCE`` (composition): the largest gap of every correct model of katas 01 and 02
  (the reference solutions and the correct variants in ``tests/variants``), against the
  smallest gap of the near misses the judge must reject (a ReLU thrown away, an extra one);
- ``STEP_TOLERANCE`` (replay): the largest per-step gap of correct training loops of katas 03,
  04 and 05 (solutions and correct variants), against the smallest gap of the wrong ones
  (Adam re-created every epoch; SGD where Adam is asked, and the reverse).

and the margin of the tolerance on each side (it must be at least 2×). It runs the corpus in
this process: trusted code only.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import re
import sys
from pathlib import Path

import torch

from katacheck import judge
from katacheck.checks import TrainingMonitor, probe_inputs, regression_data

ROOT = Path(__file__).resolve().parents[1]
EXPECT = re.compile(r"^#\s*expect:\s*(\S+)")


def load(path: Path):
    spec = importlib.util.spec_from_file_location(f"calibrar_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def files(kata: str, expectation: str = "pass") -> list[Path]:
    found = [ROOT / "katas" / kata / "solution.py"] if expectation == "pass" else []
    for path in sorted((ROOT / "tests" / "variants" / kata).glob("*.py")):
        match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
        if match and match[1] == expectation:
            found.append(path)
    return found


def composition_gap(model_class, layers, sizes, seed: int, *, drop=(), add=None) -> float:
    """The judge's gap for one model: against ``layers`` with ``drop`` left out or ``add``."""
    torch.manual_seed(seed)
    model = model_class(*sizes)
    inputs = probe_inputs(16, sizes[0])
    with torch.no_grad():
        outputs = model(inputs).to(torch.float64)
    chain = [(layer.weight.detach().to(torch.float64), layer.bias.detach().to(torch.float64))
             for layer in model.modules() if isinstance(layer, torch.nn.Linear)]
    asked = [layer for layer in layers if layer not in drop]
    if add:
        asked = ["linear", add, "linear"]
    return judge.output_gap(outputs, judge._apply(asked, chain, inputs))


def trajectory_gaps(train, optimizer: str, seed: int, *, lr_kwarg: float | None = None,
                    device: str | None = None) -> float:
    """The largest per-step gap of ``train``'s run against the reference ``optimizer``."""
    X, y = regression_data()
    torch.manual_seed(seed)
    model = torch.nn.Linear(10, 1)
    start = [p.detach().clone() for p in model.parameters()]
    args = [torch.device(device)] if device else []
    kwargs = {"lr": lr_kwarg} if lr_kwarg is not None else {}
    with TrainingMonitor(model=model) as monitor:
        train(model, X, y, *args, **kwargs)
    steps = monitor.steps
    trajectory = [[p.to(torch.float64) for p in step["params"]] for step in steps]
    trajectory.append([p.detach().to(torch.float64) for p in model.parameters()])
    replayed = torch.nn.Linear(10, 1).to(torch.float64)
    with torch.no_grad():
        for p, value in zip(replayed.parameters(), start):
            p.copy_(value)
    settings = judge._learner_settings(optimizer, steps[0]["settings"]) if steps else {}
    reference = getattr(torch.optim, optimizer)(replayed.parameters(), **settings)
    worst = 0.0
    X64, y64 = X.to(torch.float64), y.to(torch.float64)
    for before, after in zip(trajectory, trajectory[1:]):
        with torch.no_grad():
            for p, value in zip(replayed.parameters(), before):
                p.copy_(value)
        reference.zero_grad()
        torch.nn.functional.mse_loss(replayed(X64), y64).backward()
        reference.step()
        worst = max(worst, judge.step_gap(before, after, [p.detach().clone() for p in replayed.parameters()]))
    return worst


def recreated_adam(modelo, X, y, epocas=100):
    for _ in range(epocas):
        otimizador = torch.optim.Adam(modelo.parameters(), lr=0.01)
        otimizador.zero_grad()
        torch.nn.functional.mse_loss(modelo(X), y).backward()
        otimizador.step()


def report(name: str, correct: list[float], wrong: list[float], tolerance: float) -> bool:
    high, low = max(correct), min(wrong)
    above, below = tolerance / high if high else math.inf, low / tolerance
    ok = above >= 2 and below >= 2
    print(f"{name}: correct max {high:.3g} (n={len(correct)}), wrong min {low:.3g} (n={len(wrong)}), "
          f"tolerance {tolerance:g}: {above:.3g}× above the correct, {below:.3g}× below the wrong "
          f"{'ok' if ok else 'MARGIN < 2×'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=150)
    seeds = range(parser.parse_args().seeds)
    correct, wrong = [], []
    for kata, cls, layers in (("01_duas_camadas", "DuasCamadas", ("linear", "linear")),
                              ("02_relu", "DuasCamadasReLU", ("linear", "relu", "linear"))):
        for path in files(kata):
            model_class = getattr(load(path), cls)
            for sizes in ((10, 5, 1), (7, 4, 3)):
                correct += [composition_gap(model_class, layers, sizes, seed) for seed in seeds]
                if "relu" in layers:
                    wrong += [composition_gap(model_class, layers, sizes, seed, drop=("relu",)) for seed in seeds]
                else:
                    wrong += [composition_gap(model_class, layers, sizes, seed, add="relu") for seed in seeds]
    ok = report("OUTPUT_TOLERANCE", correct, wrong, judge.OUTPUT_TOLERANCE)
    correct, wrong = [], []
    for kata, optimizer, extra in (("03_adam", "Adam", {}), ("04_zero_grad", "SGD", {"lr_kwarg": 0.02}),
                                   ("05_gpu", "SGD", {"device": "cpu"})):
        for path in files(kata):
            train = load(path).treinar
            correct += [trajectory_gaps(train, optimizer, seed, **extra) for seed in seeds]
    for seed in seeds:
        wrong.append(trajectory_gaps(recreated_adam, "Adam", seed))
        wrong.append(trajectory_gaps(load(ROOT / "katas" / "04_zero_grad" / "solution.py").treinar, "Adam", seed,
                                     lr_kwarg=0.01))
        wrong.append(trajectory_gaps(load(ROOT / "katas" / "03_adam" / "solution.py").treinar, "SGD", seed))
    ok = report("STEP_TOLERANCE", correct, wrong, judge.STEP_TOLERANCE) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
