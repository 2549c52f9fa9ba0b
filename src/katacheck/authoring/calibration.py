"""Calibrating a kata's thresholds over many seeds: ``katacheck dev calibrate`` (``bench/calibrate.py``
is a thin caller, for the built-in pack and the test corpus' variants).

**What a kata declares.** Its ``test_kata.py`` opts in by defining ``calibrar(aluno, seed) ->
{"razao_X": value}``: the measurements its tests make, on one seed. Each ``razao_X`` (a loss
ratio, after / before: lower is better) is held against the module's ``LIMIAR_X``. The rule: the
weakest reference run decreased the loss by ``1 - max``; the threshold may demand at most half of
that decrease, ``(1 - LIMIAR) <= (1 - max) / 2`` (a ≥ 2× margin). The references are the kata's
solution and every correct variant (``# expect: pass``, see :mod:`katacheck.authoring.variants`)
in ``<variants>/<kata id>/``, when the pack has a variants folder: the thresholds must hold for every
accepted way of solving the kata, not only the author's.

**Where the code runs (the design).** The reference files are kata code, run exactly like a
learner's file: only in a kata child, never in this process. The parent:

1. reads the declaration from ``test_kata.py``'s source with ``ast`` (does it define
   ``calibrar``; the ``LIMIAR_*`` numbers): nothing is imported, so the thresholds judged are the
   ones written in the file, which no code run later can change;
2. writes a small hidden test (``templates/calibration/test_calibracao.py.tmpl``) into a
   temporary folder: it loads the kata's ``test_kata.py`` at collection, before any reference
   code exists, and has one check per seed that calls ``calibrar(learner, seed)`` and sends the
   figures with :func:`katacheck.checks.evidence.submit`;
3. runs that test against a copy of the reference file, alone in a submission folder, as an
   ordinary kata run on the warm worker: the job kind every verification uses, with its limits,
   timeout, tripwire and signed results channel. The figures arrive as the evidence events of
   that channel; a seed whose ``calibrar`` raised is a failed check with the usual diagnosis.

So calibration needed no job kind of its own, nor any change to the worker or the child: a
generated hidden test is the whole difference. The parent takes the run's result (the checks,
a crash or a timeout) and the evidence from :mod:`katacheck.runner.parent.dsession`'s own
steps, because :func:`~katacheck.runner.parent.run_kata` hands the evidence to the judge, not
to its caller. Seeds are split into ``jobs`` runs at a time; each run's timeout is the kata's,
times :data:`SEEDS_PER_TIMEOUT` seeds (a kata's timeout covers its whole hidden test run, which
trains several times; one seed trains once).

Nothing here imports torch.
"""

from __future__ import annotations

import ast
import math
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

from katacheck import settings
from katacheck.i18n import t

if TYPE_CHECKING:
    from katacheck.packs import Kata

#: The function a kata's tests define to be calibrated, and its thresholds' prefix.
CALIBRAR = "calibrar"
THRESHOLD_PREFIX = "LIMIAR_"
METRIC_PREFIX = "razao_"
#: The smallest margin the rule accepts, on the loss decrease.
MARGIN = 2.0
#: Seeds one kata timeout covers, in a calibration run.
SEEDS_PER_TIMEOUT = 10
#: The label of the figures a calibration check sends, and the name of that check.
LABEL = "calibracao"
CHECK = "test_calibrar"
TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "calibration" / "test_calibracao.py.tmpl"
RECORD = "CALIBRATION.md"


@dataclass(frozen=True)
class Declaration:
    """What a kata's ``test_kata.py`` declares for calibration, read from its source."""

    calibrates: bool
    #: ``LIMIAR_X`` → its value, for every threshold written as a number.
    thresholds: dict[str, float] = field(default_factory=dict)
    #: ``LIMIAR_X`` names assigned something other than a number literal.
    unreadable: tuple[str, ...] = ()


def read_declaration(tests_path: Path) -> Declaration:
    """Whether ``tests_path`` defines ``calibrar`` and the numbers of its module-level ``LIMIAR_*``
    (read with ``ast``: nothing is imported)."""
    tree = ast.parse(tests_path.read_text(encoding="utf-8"), filename=str(tests_path))
    calibrates = any(isinstance(node, ast.FunctionDef) and node.name == CALIBRAR for node in tree.body)
    thresholds: dict[str, float] = {}
    unreadable: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name) and target.id.startswith(THRESHOLD_PREFIX) and node.value is not None:
                value = _number(node.value)
                if value is None:
                    unreadable.append(target.id)
                else:
                    thresholds[target.id] = value
    return Declaration(calibrates, thresholds, tuple(unreadable))


def _number(node: ast.expr) -> float | None:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def threshold_name(metric: str) -> str:
    """The threshold of a metric: ``razao_perda`` → ``LIMIAR_PERDA``."""
    return THRESHOLD_PREFIX + metric.removeprefix(METRIC_PREFIX).upper()


def references(kata: Kata, variants: Path | None = None) -> list[tuple[str, Path]]:
    """The files calibrated: the solution, then every correct variant of ``kata`` in
    ``variants/<kata id>/`` (by name)."""
    from katacheck.authoring.variants import PASS, VariantHeaderError, read_expectation

    found = [(t("dev.calibrate.solution"), kata.solution_path)]
    folder = variants / kata.id if variants is not None else None
    for path in sorted(folder.glob("*.py")) if folder is not None and folder.is_dir() else ():
        try:
            if read_expectation(path) == PASS:
                found.append((path.stem, path))
        except VariantHeaderError:
            continue  # not a variant katacheck can read: `dev check` names it
    return found


@dataclass
class Measured:
    """One reference file's figures: every metric's values in seed order, and what went wrong."""

    reference: str
    samples: dict[str, list[float]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class Row:
    """One metric of one reference, held against its threshold."""

    reference: str
    metric: str
    threshold_name: str
    threshold: float
    values: tuple[float, ...]

    @property
    def worst(self) -> float:
        return max(self.values)

    @property
    def ok(self) -> bool:
        """The ≥ 2× rule: the threshold demands at most half of the weakest run's decrease."""
        return (1 - self.threshold) <= (1 - self.worst) / MARGIN

    @property
    def margin(self) -> float:
        """How many times the threshold's demanded decrease fits in the weakest run's."""
        return (1 - self.worst) / (1 - self.threshold) if self.threshold < 1 else math.inf

    @property
    def needed(self) -> float:
        """The tightest threshold with a 2× margin over these values (two decimals, rounded up)."""
        return math.ceil((1 - (1 - self.worst) / MARGIN) * 100 - 1e-9) / 100


@dataclass
class Calibration:
    """A kata's calibration: a row per reference and metric, and every problem met."""

    kata: Kata
    seeds: int
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems and all(row.ok for row in self.rows)


def calibrate(kata: Kata, *, seeds: int = 100, variants: Path | None = None, jobs: int = 1,
              on_measured: Callable[[Measured], None] | None = None) -> Calibration:
    """Measure ``kata``'s ``calibrar()`` over seeds ``0 .. seeds - 1`` on every reference, in
    kata children, ``jobs`` runs at a time, and hold each metric against its threshold.
    ``on_measured`` is called as each reference is done (for progress)."""
    started = time.monotonic()
    calibration = Calibration(kata=kata, seeds=seeds)
    declaration = read_declaration(kata.tests_path)
    if not declaration.calibrates:
        calibration.problems.append(t("dev.calibrate.no_calibrar", kata=kata.id, file=kata.tests_path))
        return calibration
    calibration.problems += [t("dev.calibrate.unreadable_threshold", name=name, file=kata.tests_path)
                             for name in declaration.unreadable]
    for measured in measure_all(kata, references(kata, variants), range(seeds), jobs=jobs, on_measured=on_measured):
        calibration.problems += measured.problems
        calibration.rows += _rows(kata, measured, declaration, calibration.problems)
    if not calibration.rows and not calibration.problems:
        calibration.problems.append(t("dev.calibrate.no_metrics", kata=kata.id))
    calibration.seconds = time.monotonic() - started
    return calibration


def _rows(kata: Kata, measured: Measured, declaration: Declaration, problems: list[str]) -> list[Row]:
    rows = []
    for metric, values in measured.samples.items():
        name = threshold_name(metric)
        if not metric.startswith(METRIC_PREFIX):
            problem = t("dev.calibrate.bad_metric", metric=metric, prefix=METRIC_PREFIX)
        elif name not in declaration.thresholds:
            problem = None if name in declaration.unreadable else \
                t("dev.calibrate.no_threshold", metric=metric, name=name, file=kata.tests_path)
        else:
            rows.append(Row(measured.reference, metric, name, declaration.thresholds[name], tuple(values)))
            continue
        if problem is not None and problem not in problems:
            problems.append(problem)
    return rows


def measure_all(kata: Kata, files: Sequence[tuple[str, Path]], seeds: Sequence[int], *, jobs: int = 1,
                on_measured: Callable[[Measured], None] | None = None) -> list[Measured]:
    """Every reference's figures, each split into runs of about ``len(seeds) / jobs`` seeds, all
    the runs ``jobs`` at a time; in the order of ``files``."""
    from katacheck.runner.parent import warm_up

    jobs = max(1, jobs)
    size = max(1, math.ceil(len(seeds) / jobs))
    chunks = [list(seeds[i:i + size]) for i in range(0, len(seeds), size)]
    warm_up(min(jobs, len(chunks) * len(files)))
    measured = [Measured(name) for name, _ in files]
    # Threads only wait on pipes (the work is in the kata children), so they cost nothing.
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [[pool.submit(_run_chunk, kata, path, chunk) for chunk in chunks] for _, path in files]
        for result, row in zip(measured, futures):
            for future in row:
                figures, problems, seconds = future.result()
                result.problems += [f"{result.reference}: {problem}" for problem in problems]
                result.seconds += seconds
                for metric, values in figures.items():
                    result.samples.setdefault(metric, []).extend(values)
            if on_measured is not None:
                on_measured(result)
    return measured


def _run_chunk(kata: Kata, reference: Path, seeds: list[int]) -> tuple[dict[str, list[float]], list[str], float]:
    """Run ``calibrar`` on ``seeds`` against ``reference`` in one kata child: the figures by
    metric (seed order), the problems, and the seconds it took."""
    from katacheck.runner.parent import run_tests

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="katacheck-calibracao-") as scratch:
        tests = Path(scratch, "testes", "test_calibracao.py")
        tests.parent.mkdir()
        tests.write_text(hidden_test(kata, seeds), encoding="utf-8")
        # The reference alone in a submission folder, under the learner's file name: as a
        # learner's run, away from the kata folder (its hidden tests, its solution).
        submission = Path(scratch, "entrega")
        submission.mkdir()
        learner = submission / kata.learner_filename
        shutil.copyfile(reference, learner)
        timeout = kata.timeout * settings.timeout_factor() * math.ceil(len(seeds) / SEEDS_PER_TIMEOUT)
        result, events = run_tests(kata, tests, learner, cwd=submission, timeout=timeout)
    figures, problems = _figures(result, events, seeds)
    return figures, problems, time.monotonic() - started


def hidden_test(kata: Kata, seeds: Sequence[int]) -> str:
    """The generated hidden test that runs ``kata``'s ``calibrar`` on ``seeds``."""
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        kata_id=kata.id, tests_path=repr(str(kata.tests_path.resolve())), seeds=repr(list(seeds)))


def _figures(result: Any, events: list[dict[str, Any]], seeds: list[int]) -> tuple[dict[str, list[float]], list[str]]:
    """The figures of the seeds whose check passed, and a problem for every other seed."""
    problems: list[str] = []
    if result.fatal is not None:
        problems.append(_with_line(result.fatal))
    passed = {check.name for check in result.checks if check.passed}
    for check in result.checks:
        if not check.passed and check.diagnosis is not None:
            problems.append(t("dev.calibrate.seed_failed", seed=_seed_of(check.name), message=_with_line(check.diagnosis)))
    by_seed: dict[int, dict[str, Any]] = {}
    for event in events:
        if event["event"] != "evidence" or event.get("name") not in passed:
            continue
        for item in event.get("items", []):
            if isinstance(item, dict) and item.get("label") == LABEL and item.get("semente") in seeds:
                by_seed.setdefault(item["semente"], item.get("medidas") or {})
    figures: dict[str, list[float]] = {}
    failed = {check.name for check in result.checks if not check.passed}
    for seed in seeds:
        if seed not in by_seed and f"{CHECK}[{seed}]" not in failed and result.fatal is None:
            # Never a silent gap: a seed is measured, or its problem is said.
            problems.append(t("dev.calibrate.seed_unmeasured", seed=seed))
        for metric, value in by_seed.get(seed, {}).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                problems.append(t("dev.calibrate.not_a_number", seed=seed, metric=metric, value=repr(value)[:80]))
                continue
            figures.setdefault(metric, []).append(float(value))
    return figures, problems


def _seed_of(check_name: str) -> str:
    return check_name.partition("[")[2].rstrip("]") or check_name


def _with_line(diagnosis: Any) -> str:
    location = getattr(diagnosis, "location", None)
    if location is None:
        return diagnosis.message
    return t("dev.calibrate.at_line", message=diagnosis.message, line=location.line, source=location.source)


# -- the record ------------------------------------------------------------------------------


def command_line(kata: Kata, seeds: int) -> str:
    """The command that measures and writes ``kata``'s record again."""
    return f"katacheck dev calibrate {kata.id} --seeds {seeds} --write"


def markdown(calibration: Calibration) -> str:
    """``CALIBRATION.md``: how the thresholds were chosen, in pt-BR like the kata's folder."""
    seeds = calibration.seeds
    lines = [
        f"# Calibração — {calibration.kata.id}",
        "",
        f"Gerado por `{command_line(calibration.kata, seeds)}` ({calibration.seconds:.0f} s, "
        "num processo filho do katacheck, torch com 1 thread).",
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
    for row in calibration.rows:
        lines.append(
            f"| {row.reference} | {row.metric} | {min(row.values):.4f} | {statistics.median(row.values):.4f} | "
            f"{row.worst:.4f} | {row.threshold:g} | {row.margin:.1f}× | {'sim' if row.ok else 'NÃO'} |"
        )
    if calibration.problems:
        lines += ["", "## Problemas", "", *(f"- {problem}" for problem in calibration.problems)]
    return "\n".join(lines) + "\n"


def write(calibration: Calibration) -> Path:
    """Write (or refresh) the kata's ``CALIBRATION.md``; returns its path."""
    from katacheck.workspace import write_atomically

    path = calibration.kata.directory / RECORD
    write_atomically(path, markdown(calibration))
    return path
