"""Every kata of the built-in pack, through the two other ways it is run: plain ``pytest`` in a
learner's workspace and ``katacheck grade`` over a class (``verify`` is ``tests/test_katas.py``).

One workspace per path holds every kata's reference solution (all must pass); grade also gets a
submission holding every stub (all must fail). Few processes, every kata: the pack grows, the
test does not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_katacheck
from katacheck.plugins import get_pack

KATAS = get_pack("fundamentos").katas()

pytestmark = pytest.mark.xdist_group(name="every_path")


def _workspace(folder: Path, source: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "katacheck.toml").write_text('pack = "fundamentos"\n', encoding="utf-8")
    for kata in KATAS:
        (folder / kata.learner_filename).write_text(getattr(kata, source).read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def test_every_solution_passes_under_plain_pytest(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path / "ana", "solution_path")
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", "-rA"],
                            cwd=workspace, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:]
    assert f"{len(KATAS)} passed" in result.stdout, result.stdout[-4000:]
    for kata in KATAS:  # the short summary is in the learner's language
        assert f"PASSOU {kata.learner_filename}::{kata.id}" in result.stdout, kata.id


def test_grade_passes_every_solution_and_fails_every_stub(tmp_path: Path) -> None:
    turma = tmp_path / "turma"
    _workspace(turma / "solucoes", "solution_path")
    _workspace(turma / "esbocos", "stub_path")
    report = tmp_path / "notas.json"
    result = run_katacheck("grade", str(turma), "--report", str(report), "--sandbox", "auto", cwd=tmp_path)
    assert report.is_file(), result.stdout[-3000:] + result.stderr[-3000:]
    learners = {entry["learner"]: {row["kata"]: row["status"] for row in entry["katas"]}
                for entry in json.loads(report.read_text(encoding="utf-8"))["learners"]}
    everyone = [kata.id for kata in KATAS]
    assert learners["solucoes"] == dict.fromkeys(everyone, "pass")
    assert learners["esbocos"] == dict.fromkeys(everyone, "fail")
