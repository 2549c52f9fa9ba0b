"""Untrusted learner code: a hang, a crash, an exit or a flood of output is a failure with a
clear cause. It is never a pass, and it never takes the checker down."""

from __future__ import annotations

import textwrap
from pathlib import Path

from katacheck.plugins import get_pack
from katacheck.render.report import render_text
from katacheck.runner.parent.dsession import run_kata

# Kata 03's learner file defines treinar(modelo, X, y, epocas=100): an easy place to misbehave.
TRAINING_HEADER = "import torch\nfrom torch import nn\n\n"


def _verify(tmp_path: Path, body: str, *, kata_id: str = "03_adam", timeout: float | None = None):
    learner = tmp_path / f"{kata_id}.py"
    learner.write_text(TRAINING_HEADER + textwrap.dedent(body), encoding="utf-8")
    kata = get_pack("fundamentos").get(kata_id)
    result = run_kata(kata, learner, timeout=timeout)
    assert not result.passed, render_text(result)
    return result, render_text(result)


def test_infinite_loop_times_out_and_names_the_check(tmp_path):
    result, text = _verify(tmp_path, """
        def treinar(modelo, X, y, epocas=100):
            while True:
                pass
    """, timeout=8)
    assert result.fatal.code == "fatal.timeout"
    assert "Tempo esgotado" in text and "8 s" in text
    assert "«" in text, "says which check was running"


def test_segfault_is_a_crash_pointing_at_the_learners_line(tmp_path):
    result, text = _verify(tmp_path, """
        import ctypes

        def treinar(modelo, X, y, epocas=100):
            return ctypes.string_at(0)
    """)
    assert result.fatal.code == "fatal.crash"
    assert "SIGSEGV" in text
    assert result.fatal.location.line == 8
    assert "ctypes.string_at(0)" in text


def test_sys_exit_at_import_fails_every_check(tmp_path):
    result, text = _verify(tmp_path, "import sys\nsys.exit(0)\n")
    assert all(check.diagnosis.code == "learner.exit" for check in result.checks)
    assert "sys.exit(0)" in text


def test_os_exit_kills_the_child_without_a_pass(tmp_path):
    result, text = _verify(tmp_path, """
        import os

        def treinar(modelo, X, y, epocas=100):
            os._exit(0)
    """)
    assert result.fatal.code == "fatal.exited"
    assert "código de saída 0" in text


def test_keyboard_interrupt_in_learner_code_is_a_failed_check(tmp_path):
    result, text = _verify(tmp_path, """
        def treinar(modelo, X, y, epocas=100):
            raise KeyboardInterrupt
    """)
    assert result.fatal is None, "the session goes on to the other checks"
    assert {c.diagnosis.code for c in result.checks if not c.passed} == {"learner.interrupt"}
    assert "KeyboardInterrupt" in text


def test_import_error_names_the_missing_module_and_line(tmp_path):
    result, text = _verify(tmp_path, "import torch_que_nao_existe\n")
    diagnosis = result.checks[0].diagnosis
    assert "falhou ao ser importado" in diagnosis.message
    assert "torch_que_nao_existe" in diagnosis.message
    assert diagnosis.location.line == 4


def test_syntax_error_points_at_the_line(tmp_path):
    result, _ = _verify(tmp_path, "def treinar(modelo, X, y, epocas=100)\n    return []\n")
    diagnosis = result.checks[0].diagnosis
    assert diagnosis.code == "learner.syntax_error"
    assert diagnosis.location.line == 4


def test_printed_output_is_captured_and_truncated(tmp_path):
    result, text = _verify(tmp_path, """
        def treinar(modelo, X, y, epocas=100):
            for i in range(20000):
                print("época", i)
            return []
    """)
    printed = [check.output for check in result.checks if check.output]
    assert printed and all(len(output) < 2000 for output in printed)
    # The head and the tail are kept (where a loop starts, and where it ended), and the note
    # says how much was left out between them.
    assert printed[0].startswith("época 0\n") and printed[0].endswith("época 19999")
    assert "caracteres omitidos no meio" in printed[0]


def test_memory_bomb_is_a_memory_diagnosis(tmp_path, monkeypatch):
    monkeypatch.setenv("KATACHECK_MEMORY_MB", "3072")
    result, text = _verify(tmp_path, """
        def treinar(modelo, X, y, epocas=100):
            return torch.ones(40 * 2**30, dtype=torch.uint8)
    """)
    codes = {c.diagnosis.code for c in result.checks if not c.passed}
    assert "out_of_memory" in codes, text


def test_pytest_exit_from_learner_code_cannot_end_the_session_green(tmp_path):
    result, text = _verify(tmp_path, """
        import pytest

        def treinar(modelo, X, y, epocas=100):
            pytest.exit("tudo certo", returncode=0)
    """)
    assert result.fatal is not None
    assert result.fatal.code in {"fatal.interrupted", "fatal.missing_checks"}


def test_a_learner_torch_py_in_the_workspace_does_not_shadow_torch(tmp_path):
    (tmp_path / "torch.py").write_text("raise SystemExit('sombra')\n", encoding="utf-8")
    kata = get_pack("fundamentos").get("01_duas_camadas")
    learner = tmp_path / "01_duas_camadas.py"
    learner.write_text(kata.solution_path.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_kata(kata, learner, cwd=tmp_path)
    assert result.passed, render_text(result)
