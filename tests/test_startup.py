"""`katacheck --help`, `list` and `next` never import torch (nor pytest): they must feel instant."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import sys
from katacheck.cli import main
sys.argv = ["katacheck", *{args!r}]
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in ("torch", "pytest", "torchvision", "numpy") if m in sys.modules)
print("HEAVY:", ",".join(heavy) or "none")
"""


@pytest.mark.parametrize("args", [["--help"], ["list"], ["next"], ["hint"], ["init", "--help"], ["verify", "--help"]])
def test_light_commands_do_not_import_torch(tmp_path, args):
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "HEAVY: none", result.stdout
