"""The CPU/GPU speed-up under kata 07's check: what the learner's own timer measured, for real.

On a machine with CUDA, ``verify`` shows under ``comparar``'s check the times of the
``2048 × 2048`` product on each device and the speed-up; without one (CI), a line saying that the
check ran on the simulated GPU, which measures no speed. The note is information: it never
changes a verdict. The real-GPU path is driven here with a stand-in ``comparar``, since CI has no
GPU; the end-to-end test runs the kata's solution through ``verify``.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pytest
import torch

from katacheck.checks import context, timing
from katacheck.i18n import t
from katacheck.render.html import render_html
from katacheck.render.report import render_text
from katacheck.result import CheckResult, KataResult, Status

ROOT = Path(__file__).resolve().parent.parent
KATA = "07_tempo_na_gpu"


@pytest.fixture
def notes(monkeypatch: pytest.MonkeyPatch):
    """The notes a check records, taken as the child takes them when the check ends."""
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda *args: "NVIDIA H200")
    context.take_recorded()

    def taken() -> list[str]:
        return list(context.take_recorded().get("notes", []))

    return taken


def comparar_returning(times):
    asked = []

    def comparar(tamanho=2048):
        asked.append(tamanho)
        return times

    return comparar, asked


def test_real_gpu_note_gives_both_times_and_the_speed_up(notes):
    comparar, asked = comparar_returning({"cpu": 0.031, "cuda": 0.0002})
    timing.note_speedup(comparar, "real")
    [note] = notes()
    assert asked == [timing.SPEEDUP_SIZE] == [2048]
    assert "NVIDIA H200" in note and "2048 × 2048" in note
    assert "31 ms" in note and "0.2 ms" in note
    assert "155×" in note and "mais rápida" in note


def test_a_slower_gpu_is_said_as_such(notes):
    comparar, _ = comparar_returning({"cpu": 0.001, "cuda": torch.tensor(0.004)})
    timing.note_speedup(comparar, "real")
    [note] = notes()
    assert "CPU foi 4.0× mais rápida" in note


@pytest.mark.parametrize("result", [{"cpu": 0.03}, {"cpu": 0.03, "cuda": 0.0}, [0.03, 0.001],
                                    {"cpu": float("nan"), "cuda": 0.001}, {"cpu": True, "cuda": 0.001}])
def test_times_that_are_not_two_positive_numbers_show_no_speed_up(notes, result):
    comparar, _ = comparar_returning(result)
    timing.note_speedup(comparar, "real")
    assert notes() == [t("note.speedup_unmeasured", size=2048)]


def test_the_simulation_says_it_measures_no_speed_and_runs_nothing(notes):
    comparar, asked = comparar_returning({"cpu": 0.03, "cuda": 0.001})
    timing.note_speedup(comparar, "simulated")
    [note] = notes()
    assert asked == []
    assert "simulada" in note and "2048 × 2048" in note


def _kata_with_note(note: str) -> KataResult:
    check = CheckResult(name="test_comparar_com_gpu", title="Com GPU, comparar cronometra.", outcome=Status.PASS,
                        notes=(note,))
    return KataResult(kata_id=KATA, title="Medir o tempo na GPU", checks=(check,))


def test_a_note_travels_as_json_and_shows_under_its_check():
    result = KataResult.from_dict(json.loads(json.dumps(_kata_with_note("A GPU foi 155× mais rápida.").to_dict())))
    assert result.checks[0].notes == ("A GPU foi 155× mais rápida.",)
    assert result.passed
    lines = render_text(result).splitlines()
    title = next(i for i, line in enumerate(lines) if "comparar cronometra" in line)
    assert lines[title + 1].strip() == "ℹ A GPU foi 155× mais rápida."
    assert "ℹ A GPU foi 155× mais rápida." in render_html(result)


def test_a_check_without_notes_reads_as_before():
    data = asdict(CheckResult(name="n", title="t", outcome=Status.FAIL))
    del data["notes"]  # a result written before notes existed
    assert CheckResult.from_dict(data).notes == ()


def test_verify_shows_where_the_speed_up_would_be_without_a_gpu(cli, tmp_path):
    if torch.cuda.is_available():
        pytest.skip("this machine has a real GPU: the note gives the real speed-up instead")
    cli("init")
    shutil.copy(ROOT / "katas" / KATA / "solution.py", tmp_path / f"{KATA}.py")
    result = cli("verify", KATA)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    title = next(i for i, line in enumerate(lines) if "comparar cronometra o produto" in line)
    assert lines[title + 1].strip().startswith("ℹ Sem GPU nesta máquina")
    assert sum("ℹ" in line for line in lines) == 1  # under that check only
