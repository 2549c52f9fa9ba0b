"""Every speed figure of the runner, as ratios to one floor, measured in one run.

    uv run python bench/speed.py [--runs 3] [--submissions 30] [--skip-grade]

The floor is ``python -c "import torch, pytest"``: what any tool that runs PyTorch code under
pytest pays before doing anything. Against it (medians of ``--runs``, alternating so that disk
caches and machine load hit every command alike):

- ``katacheck verify 03_adam`` on its reference solution, in a fresh process;
- ``katacheck verify --all`` over every reference solution of the built-in pack;
- ``katacheck grade`` over ``--submissions`` workspaces holding every reference solution,
  against the naive way: one ``katacheck verify --all`` per submission, two at a time;
- the peak resident memory of a worker (VmHWM), from a ``grade`` run's workers.

``bench/watch_speed.py`` measures the watch mode's save-to-verdict time the same way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from katacheck.plugins import get_pack

KATACHECK = [sys.executable, "-m", "katacheck"]


def timed(command: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                               env={**os.environ, "KATACHECK_LOAD_PLUGINS": ""})
    elapsed = time.perf_counter() - started
    if completed.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}):\n"
                         f"{completed.stdout[-3000:]}\n{completed.stderr}")
    return elapsed


def workspace_with_solutions(root: Path, katas) -> Path:
    subprocess.run([*KATACHECK, "init", str(root)], check=True, stdout=subprocess.DEVNULL)
    for kata in katas:
        shutil.copy(kata.solution_path, root / kata.learner_filename)
    return root


def naive_grade(turma: Path) -> float:
    """One ``verify --all`` per submission, two at a time."""
    folders = sorted(p for p in turma.iterdir() if p.is_dir())
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda folder: timed([*KATACHECK, "verify", "--all", "--no-hints"], folder), folders))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--submissions", type=int, default=30)
    parser.add_argument("--skip-grade", action="store_true", help="only the floor and verify")
    args = parser.parse_args()
    katas = list(get_pack("fundamentos").katas())
    floor_command = [sys.executable, "-c", "import torch, pytest"]
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        one = workspace_with_solutions(base / "uma", katas)
        commands = {
            "floor": (floor_command, one),
            "verify 03_adam": ([*KATACHECK, "verify", "03_adam", "--no-hints"], one),
            f"verify --all ({len(katas)} katas)": ([*KATACHECK, "verify", "--all", "--no-hints"], one),
        }
        for command, cwd in commands.values():
            timed(command, cwd)  # warm the page cache (and the tests' bytecode) once
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, (command, cwd) in commands.items():
                times[name].append(timed(command, cwd))
        floor = statistics.median(times["floor"])
        label = 'floor: python -c "import torch, pytest"'
        print(f"{label:58} {floor:6.2f} s")
        for name in list(commands)[1:]:
            median = statistics.median(times[name])
            print(f"{'katacheck ' + name:58} {median:6.2f} s  {median / floor:5.2f}× the floor")
        if args.skip_grade:
            return 0
        turma = base / "turma"
        for index in range(args.submissions):
            workspace_with_solutions(turma / f"aluno{index:02d}", katas)
        grade_command = [*KATACHECK, "grade", str(turma), "--csv", str(base / "notas.csv")]
        grade = [timed(grade_command, base) for _ in range(max(1, args.runs - 1))]
        naive = [naive_grade(turma) for _ in range(max(1, args.runs - 1))]
        runs = args.submissions * len(katas)
        print(f"{f'katacheck grade: {args.submissions} submissions × {len(katas)} katas':58} "
              f"{statistics.median(grade):6.2f} s  ({statistics.median(grade) / runs * 1000:.0f} ms a kata)")
        print(f"{'naive: one verify --all per submission, two at a time':58} {statistics.median(naive):6.2f} s")
        print(f"{'grade is faster than the naive way by':58} {statistics.median(naive) / statistics.median(grade):6.2f}×")
        print(f"{'peak memory of a worker (VmHWM)':58} {peak_worker_mb(one, katas):6.0f} MB")
    return 0


def peak_worker_mb(workspace: Path, katas) -> float:
    """Run every kata once through the runner in this process and read the workers' VmHWM."""
    from katacheck.runner.parent import run_katas, shutdown
    from katacheck.runner.parent.dsession import peak_worker_memory_kb

    run_katas([(kata, workspace / kata.learner_filename, workspace) for kata in katas], jobs=2)
    peaks = peak_worker_memory_kb()
    shutdown()
    return max(peaks) / 1024 if peaks else float("nan")


if __name__ == "__main__":
    sys.exit(main())
