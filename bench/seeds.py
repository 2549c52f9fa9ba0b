"""Verdicts proven stable over seeds: ``katacheck dev check --seeds N`` over the built-in pack.

    uv run python bench/seeds.py                      # 100 seeds: stubs and solutions
    uv run python bench/seeds.py --seeds 10 --variants  # and every variant, over 10 seeds

Run ``i`` sets the base seed ``KATACHECK_SEED=i`` (seed 0 is what learners get). Over every seed,
each stub must fail, each solution and correct variant must pass, and each wrong variant must
keep its diagnosis; ``dev check`` says which kata changed its verdict with which seed. This
prints dev check's own table, then the figure and the wall time. Not a test: 100 seeds of every
kata take far longer than the suite may.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--variants", action="store_true", help="run the variants too (slow)")
    args = parser.parse_args()
    command = [sys.executable, "-m", "katacheck", "dev", "check", "--seeds", str(args.seeds), "--jobs", str(args.jobs)]
    if not args.variants:
        command.append("--no-variants")
    started = time.perf_counter()
    code = subprocess.run(command, check=False).returncode
    wall = time.perf_counter() - started
    verdict = "every verdict held on every seed" if code == 0 else "some verdict changed (see above)"
    print(f"\n{args.seeds} seeds, {'with' if args.variants else 'without'} variants, {args.jobs} jobs: "
          f"{verdict}; {wall:.0f} s wall ({wall / args.seeds:.1f} s a seed)")
    return code


if __name__ == "__main__":
    sys.exit(main())
