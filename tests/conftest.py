"""Shared fixtures: a CLI runner with a fixed width, fresh workspaces, the built-in pack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest_plugins = ["pytester"]

# The example kata's hidden tests run in a kata child (tests/test_example_kata.py), not here.
collect_ignore_glob = ["example_pack/*", "dev_packs/*"]  # packs whose hidden tests run in kata children

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _stable_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Reports are compared as text: a fixed width, no colours, only built-in packs.
    monkeypatch.setenv("KATACHECK_WIDTH", "120")
    # The key that signs passes (katacheck solution) lives in the user's data folder: not ours.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("dados")))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("KATACHECK_LOAD_PLUGINS", "")


@pytest.fixture
def pack():
    from katacheck.plugins import get_pack

    return get_pack("fundamentos")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """``cli("next")`` runs katacheck in ``tmp_path`` through click's CliRunner."""
    from katacheck.cli import cli as group
    from katacheck.i18n import translate_click

    translate_click()
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(group, list(args), prog_name="katacheck", catch_exceptions=False)

    return invoke


def run_katacheck(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """katacheck as a learner runs it: a real process, its real exit code."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "katacheck", *args],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=300,
    )
