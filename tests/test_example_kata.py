"""The complete example kata of the README's course-author section is real and works."""

from __future__ import annotations

from pathlib import Path

import pytest

from katacheck.packs import KataPack
from katacheck.render.report import render_text
from katacheck.runner.parent.dsession import run_kata

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "tests" / "example_pack"
FILES = ("kata.toml", "statement.md", "stub.py", "solution.py", "test_kata.py")


@pytest.fixture(scope="module")
def kata():
    return KataPack.from_directory("exemplo", EXAMPLE).get("01_classificar")


@pytest.mark.parametrize("name", FILES)
def test_the_readme_shows_each_file_of_the_example_verbatim(name):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    text = (EXAMPLE / "01_classificar" / name).read_text(encoding="utf-8")
    assert f"# 01_classificar/{name}\n{text}```" in readme, f"README out of date for {name}"


def test_the_example_stub_fails_with_the_silent_bug_named(kata):
    result = run_kata(kata, kata.stub_path)
    assert not result.passed, render_text(result)
    failure = next(check for check in result.checks if not check.passed)
    assert failure.diagnosis.code == "softmax_before_cross_entropy", render_text(result)
    assert failure.diagnosis.location is not None and "softmax" in failure.diagnosis.location.source


def test_the_example_solution_passes_and_draws_its_curve(kata):
    result = run_kata(kata, kata.solution_path)
    assert result.passed, render_text(result)
    assert any(check.loss_curve is not None for check in result.checks)
