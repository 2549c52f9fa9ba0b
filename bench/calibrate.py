"""Calibrate the thresholds of the katas that train, over many seeds of the reference solution.

    uv run python bench/calibrate.py                 # every kata with a calibrar() function
    uv run python bench/calibrate.py 03_adam --seeds 200 --write

A kata's ``test_kata.py`` opts in by defining ``calibrar(aluno, seed) -> {"razao_X": value}``;
each ``razao_X`` metric (a loss ratio after / before, lower is better) is checked against the
module's ``LIMIAR_X`` threshold. The rule: the weakest reference run decreased the loss by
``1 - max``; the threshold may demand at most half of that decrease,
``(1 - LIMIAR) <= (1 - max) / 2`` (a ≥2× margin). Besides the solution, every correct learner
variant in ``tests/variants/<kata>/`` (first line ``# expect: pass``: other styles, the other
accepted learning rates) is calibrated too, since the thresholds must hold for all of them.

``--write`` records the figures in ``katas/<kata>/CALIBRATION.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

from katacheck.checks import context
from katacheck.checks.eager import skip_dynamo_import
from katacheck.checks.loading import load_learner_module
from katacheck.plugins import get_pack

VARIANTS = Path(__file__).resolve().parents[1] / "tests" / "variants"
PASSING = "# expect: pass"


def load_tests(kata):
    spec = importlib.util.spec_from_file_location(f"kata_tests_{kata.id}", kata.tests_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def passing_variants(kata) -> list[tuple[str, Path]]:
    """The correct learner variants of ``kata`` in the test corpus."""
    return [
        (path.stem, path)
        for path in sorted((VARIANTS / kata.id).glob("*.py"))
        if path.read_text(encoding="utf-8").splitlines()[0].strip() == PASSING
    ]


def measure(tests, solution: Path, seeds: int) -> dict[str, list[float]]:
    context.set_learner_file(solution)
    learner = load_learner_module(str(solution))
    samples: dict[str, list[float]] = {}
    for seed in range(seeds):
        for metric, value in tests.calibrar(learner, seed).items():
            samples.setdefault(metric, []).append(value)
    return samples


def verdict(metric: str, values: list[float], tests) -> tuple[float, float, bool]:
    threshold = getattr(tests, "LIMIAR_" + metric.removeprefix("razao_").upper())
    worst = max(values)
    return threshold, worst, (1 - threshold) <= (1 - worst) / 2


def report(kata, tests, rows, seeds: int, seconds: float) -> tuple[str, bool]:
    lines = [
        f"# Calibração — {kata.id}",
        "",
        "Gerado por `uv run python bench/calibrate.py "
        f"{kata.id} --seeds {seeds} --write` ({seconds:.0f} s, torch com 1 thread).",
        "",
        "Cada linha: a razão perda final / perda inicial do conjunto inteiro, sobre "
        f"{seeds} sementes de inicialização do modelo (0 a {seeds - 1}), com os mesmos dados e o",
        "mesmo código dos testes ocultos (`calibrar()` em `test_kata.py`). Menor é melhor.",
        "",
        "Regra: o limiar exige no máximo metade da queda da pior execução de referência,",
        "`(1 − limiar) ≤ (1 − máx) / 2`, uma margem de pelo menos 2×.",
        "",
        "| referência | métrica | mín | mediana | máx | limiar | margem na queda | ok |",
        "|---|---|---|---|---|---|---|---|",
    ]
    all_ok = True
    for name, samples in rows:
        for metric, values in samples.items():
            threshold, worst, ok = verdict(metric, values, tests)
            all_ok &= ok
            margin = (1 - worst) / (1 - threshold) if threshold < 1 else float("inf")
            lines.append(
                f"| {name} | {metric} | {min(values):.4f} | {statistics.median(values):.4f} | "
                f"{worst:.4f} | {threshold:.2f} | {margin:.1f}× | {'sim' if ok else 'NÃO'} |"
            )
    return "\n".join(lines) + "\n", all_ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("katas", nargs="*")
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    skip_dynamo_import()
    failed = False
    for kata in get_pack("fundamentos").katas():
        if args.katas and kata.id not in args.katas:
            continue
        tests = load_tests(kata)
        if not hasattr(tests, "calibrar"):
            continue
        started = time.monotonic()
        references = [("solução", kata.solution_path), *passing_variants(kata)]
        rows = [(name, measure(tests, path, args.seeds)) for name, path in references]
        text, ok = report(kata, tests, rows, args.seeds, time.monotonic() - started)
        failed |= not ok
        print(text)
        if args.write:
            (kata.directory / "CALIBRATION.md").write_text(text, encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
