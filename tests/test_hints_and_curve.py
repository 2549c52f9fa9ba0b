"""Progressive hints offered by verify after repeated failures, and the loss curve under a check."""

from __future__ import annotations

import json
import shutil

import pytest

from katacheck.hints import FIRST_OFFER_AFTER, NEXT_OFFER_EVERY, offered_level
from katacheck.render.curve import render_curve
from katacheck.result import CheckResult, LossCurve


@pytest.mark.parametrize(
    ("failures", "expected"),
    [(0, 0), (FIRST_OFFER_AFTER - 1, 0), (FIRST_OFFER_AFTER, 1), (FIRST_OFFER_AFTER + NEXT_OFFER_EVERY - 1, 1),
     (FIRST_OFFER_AFTER + NEXT_OFFER_EVERY, 2), (FIRST_OFFER_AFTER + 2 * NEXT_OFFER_EVERY, 3), (50, 3)],
)
def test_verify_offers_one_more_hint_level_as_failures_pile_up(failures, expected):
    assert offered_level(failures, total=3) == expected


def _workspace_on_kata_03(cli, tmp_path, pack, failed_in_a_row: int, revealed: int = 0):
    cli("init")
    kata = pack.get("03_adam")
    shutil.copy(kata.stub_path, tmp_path / "03_adam.py")
    progress = tmp_path / ".katacheck" / "progresso.json"
    progress.parent.mkdir(exist_ok=True)
    progress.write_text(json.dumps({
        "version": 1, "current": "03_adam", "attempts": {"03_adam": failed_in_a_row},
        "failed_in_a_row": {"03_adam": failed_in_a_row}, "hints_revealed": {"03_adam": revealed},
    }), encoding="utf-8")
    return kata, progress


def test_the_third_failure_in_a_row_shows_the_first_hint_and_the_loss_curve(cli, tmp_path, pack):
    kata, progress = _workspace_on_kata_03(cli, tmp_path, pack, failed_in_a_row=FIRST_OFFER_AFTER - 1)
    result = cli("verify")
    output = " ".join(result.output.split())
    assert result.exit_code == 1
    assert f"A kata 03_adam falhou {FIRST_OFFER_AFTER} vezes seguidas" in result.output
    assert kata.hints[0] in output and kata.hints[1] not in output
    saved = json.loads(progress.read_text(encoding="utf-8"))
    assert saved["hints_revealed"]["03_adam"] == 1
    assert saved["failed_in_a_row"]["03_adam"] == FIRST_OFFER_AFTER
    # The SGD stub trains fine: its curve falls under the target line, drawn under its check.
    assert "Perda a cada backward() do seu treino (100 passos):" in result.output
    assert "← meta: terminar abaixo de" in result.output


def test_no_hints_keeps_verify_quiet_and_the_level_untouched(cli, tmp_path, pack):
    kata, progress = _workspace_on_kata_03(cli, tmp_path, pack, failed_in_a_row=10, revealed=1)
    result = cli("verify", "--no-hints")
    assert result.exit_code == 1
    assert "vezes seguidas" not in result.output
    assert json.loads(progress.read_text(encoding="utf-8"))["hints_revealed"]["03_adam"] == 1


def test_a_pass_resets_the_failures_in_a_row():
    from katacheck.workspace import Progress

    progress = Progress()
    for passed in (False, False, True, False):
        progress.record_verification("03_adam", passed)
    assert progress.failed_in_a_row["03_adam"] == 1
    assert progress.attempts["03_adam"] == 4


def test_hint_reveals_levels_in_order_and_stops_at_the_last(cli, tmp_path, pack):
    cli("next")
    kata = pack.get("01_duas_camadas")
    outputs = [" ".join(cli("hint").output.split()) for _ in range(len(kata.hints) + 1)]
    assert kata.hints[0] in outputs[0] and kata.hints[1] not in outputs[0]
    assert all(hint in outputs[-1] for hint in kata.hints)
    assert outputs[-1] == outputs[-2]


def _plot_lines(curve: LossCurve, passed: bool = True) -> list[str]:
    return render_curve(curve, passed=passed, width=20, height=5).plain.splitlines()


def test_the_curve_falls_from_the_top_left_to_the_bottom_right():
    lines = _plot_lines(LossCurve.sampled([2.0 / (1 + i) for i in range(40)], limit=1.7))
    plot = [line.split("┤", 1)[-1].split("│", 1)[-1] for line in lines[1:6]]
    first_dot = [next((i for i, c in enumerate(row) if "\u2801" <= c <= "\u28ff"), None) for row in plot]
    assert first_dot[0] == 0 and first_dot[-1] > 0, plot
    assert "← meta: terminar abaixo de 1.7" in lines[1]
    assert lines[-1].strip() == "passo 1 → 40"


def test_the_limit_line_sits_at_its_height():
    lines = _plot_lines(LossCurve.sampled([1.0, 1.0, 1.0], limit=0.0))
    assert "←" in lines[5] and "╌" not in lines[1]


def test_a_long_curve_is_sampled_but_keeps_its_ends_and_step_count():
    curve = LossCurve.sampled([float(i) for i in range(1000)], limit=None)
    assert len(curve.values) == LossCurve.MAX_POINTS and curve.steps == 1000
    assert curve.values[0] == 0.0 and curve.values[-1] == 999.0
    roundtrip = CheckResult.from_dict({"name": "t", "title": "t", "outcome": "passed",
                                       "loss_curve": {"values": list(curve.values), "limit": None, "steps": 1000}})
    assert roundtrip.loss_curve == curve


def _reference_lines(kata) -> set[str]:
    """The lines of the reference solution that carry the answer (code, not scaffolding)."""
    scaffolding = ("#", '"""', "def ", "class ", "import ", "from ", "return", "super()", "if __name__")
    return {line.strip() for line in kata.solution_path.read_text(encoding="utf-8").splitlines()
            if len(line.strip()) > 12 and not line.strip().startswith(scaffolding)}


@pytest.mark.xdist_group(name="stubs_first_run")
def test_no_first_run_diagnosis_of_a_stub_gives_away_its_reference_line(pack):
    """The first failure says what is wrong and where; the line to type is for the last hint."""
    from katacheck.runner.parent import run_kata

    for kata in pack.katas():
        result = run_kata(kata, kata.stub_path, cwd=kata.directory)
        assert not result.passed, kata.id
        diagnoses = [check.diagnosis for check in result.checks if check.diagnosis] + [result.fatal] * bool(result.fatal)
        shown = " ".join(f"{d.message} {d.hint or ''}" for d in diagnoses)
        leaked = sorted(line for line in _reference_lines(kata) if line in shown)
        assert not leaked, f"{kata.id}: the first diagnosis shows {leaked}"
