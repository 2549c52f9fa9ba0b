"""How long does grading take per submission, against verifying one workspace?

    uv run python bench/grade_speed.py [--submissions 8] [--runs 3] [--kata 03_adam] [--jobs N]

Makes ``--submissions`` learner workspaces, each with the kata's reference solution, and times
alternately (so disk caches and machine load hit both alike):

- ``katacheck verify KATA`` in one workspace, what a learner (or one CI job) pays;
- ``katacheck grade DIR --kata KATA`` over all of them, divided by the number of submissions.

Reports the medians and their ratio. Grading runs the same sandboxed child per kata as verify,
``--jobs`` at a time (default: the number of cores), and pays the CLI's own start-up once for
the whole class: with more than one core the ratio is below 1.
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
from pathlib import Path

from katacheck.plugins import get_pack


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}):\n{completed.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kata", default="03_adam")
    parser.add_argument("--jobs", type=int, default=None, help="passed to grade (default: its own, the core count)")
    args = parser.parse_args()
    kata = get_pack("fundamentos").get(args.kata)
    katacheck = [sys.executable, "-m", "katacheck"]
    with tempfile.TemporaryDirectory() as folder:
        turma = Path(folder) / "turma"
        for index in range(args.submissions):
            workspace = turma / f"aluno{index:02d}"
            subprocess.run([*katacheck, "init", str(workspace)], check=True, stdout=subprocess.DEVNULL)
            shutil.copy(kata.solution_path, workspace / kata.learner_filename)
        one = turma / "aluno00"
        verify_command = [*katacheck, "verify", kata.id]
        grade_command = [*katacheck, "grade", str(turma), "--kata", kata.id,
                         *(["--jobs", str(args.jobs)] if args.jobs else [])]
        timed(verify_command, one)  # warm the page cache once
        verify, grade = [], []
        for _ in range(args.runs):
            verify.append(timed(verify_command, one))
            grade.append(timed(grade_command, Path(folder)))
    per_submission = [seconds / args.submissions for seconds in grade]
    ratio = statistics.median(per_submission) / statistics.median(verify)
    jobs = args.jobs or os.cpu_count()
    print(f"katacheck verify {kata.id} (one workspace)      median {statistics.median(verify):.2f} s  "
          f"(min {min(verify):.2f}, max {max(verify):.2f})")
    print(f"katacheck grade, {args.submissions} submissions, {jobs} jobs  median {statistics.median(grade):.2f} s  "
          f"= {statistics.median(per_submission):.2f} s per submission")
    print(f"ratio {ratio:.2f}× (grading time per submission / verifying one workspace) over {args.runs} "
          f"alternating runs on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
