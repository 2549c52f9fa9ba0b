"""How much does verifying one kata cost, against the floor `python -c "import torch, pytest"`?

    uv run python bench/verify_speed.py [--runs 7] [--kata 03_adam]

Runs both commands alternately in the same environment (so disk caches and machine load hit
both alike) and reports the medians and their ratio. The target is at most 1.6×.
Also times `katacheck --help`, `list` and `next`, which must not import torch.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from katacheck.plugins import get_pack

TARGET = 1.6


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--kata", default="03_adam")
    args = parser.parse_args()
    kata = get_pack("fundamentos").get(args.kata)
    katacheck = [sys.executable, "-m", "katacheck"]
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        subprocess.run([*katacheck, "init"], cwd=workspace, check=True, stdout=subprocess.DEVNULL)
        shutil.copy(kata.solution_path, workspace / kata.learner_filename)
        floor_command = [sys.executable, "-c", "import torch, pytest"]
        verify_command = [*katacheck, "verify", kata.id]
        timed(floor_command, workspace)  # warm the page cache once
        floor, verify = [], []
        for _ in range(args.runs):
            floor.append(timed(floor_command, workspace))
            verify.append(timed(verify_command, workspace))
        light = {name: statistics.median(timed([*katacheck, *cmd], workspace) for _ in range(args.runs))
                 for name, cmd in (("--help", ["--help"]), ("list", ["list"]), ("next", ["next"]))}
    ratio = statistics.median(verify) / statistics.median(floor)
    print(f"floor  python -c 'import torch, pytest'  median {statistics.median(floor):.2f} s  "
          f"(min {min(floor):.2f}, max {max(floor):.2f})")
    print(f"katacheck verify {kata.id}  median {statistics.median(verify):.2f} s  "
          f"(min {min(verify):.2f}, max {max(verify):.2f})")
    print(f"ratio {ratio:.2f}× (target ≤ {TARGET}×) over {args.runs} alternating runs")
    for name, seconds in light.items():
        print(f"katacheck {name:<7} median {seconds:.2f} s")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
