"""Calibrate the thresholds of the built-in katas: a thin caller of ``katacheck dev calibrate``.

    uv run python bench/calibrate.py                 # every kata with a calibrar() function
    uv run python bench/calibrate.py 03_adam --seeds 200 --write

The calibration itself moved into the product (:mod:`katacheck.authoring.calibration`): it runs
each kata's ``calibrar()`` on the solution and on every correct variant of ``tests/variants``,
in kata children (never in this process), checks the ≥ 2× margin rule and, with ``--write``,
records the figures in ``katas/<kata>/CALIBRATION.md``. This script keeps its command line for
the kata engineers; it is the same as::

    uv run katacheck dev calibrate [KATA...] --pack fundamentos --seeds N [--write] --jobs J
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("katas", nargs="*")
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--write", action="store_true")
    # One run at a time by default, as the script always measured: the machine may be shared.
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    command = ["dev", "calibrate", *args.katas, "--pack", "fundamentos", "--seeds", str(args.seeds),
               "--jobs", str(args.jobs), *(["--write"] if args.write else [])]
    from katacheck.cli import main as katacheck

    sys.argv = ["katacheck", *command]
    try:
        katacheck()
    except SystemExit as end:
        return end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
