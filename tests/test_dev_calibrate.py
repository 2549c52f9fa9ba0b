"""``katacheck dev calibrate``: a kata's thresholds measured over seeds, in kata children only.

The kata under calibration is the one ``dev new`` scaffolds (it declares ``calibrar`` and a
``LIMIAR_PERDA``), edited per test: a threshold set too tight, a ``calibrar`` that fails on one
seed, a metric without a threshold. Few seeds keep the suite fast; the 100-seed runs are the
authors' (and ``bench/calibrate.py``'s).
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from katacheck.authoring.calibration import Row, read_declaration
from katacheck.authoring.scaffold import new_kata

REPO = Path(__file__).resolve().parents[1]
KATA = "01_minha_kata"
ROW = re.compile(r"^\| (?P<reference>[^|]+) \| (?P<metric>\w+) \| (?P<min>[\d.]+) \| (?P<median>[\d.]+) \| "
                 r"(?P<max>[\d.]+) \| (?P<threshold>[\d.]+) \| (?P<margin>[\d.]+|inf)× \| (?P<ok>sim|NÃO) \|$", re.M)


@pytest.fixture
def katas(tmp_path: Path) -> Path:
    """A pack folder holding the scaffolded kata."""
    new_kata(tmp_path / "katas", KATA)
    return tmp_path / "katas"


def edit_tests(katas: Path, old: str, new: str) -> None:
    path = katas / KATA / "test_kata.py"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def rows(katas: Path) -> list[dict[str, str]]:
    text = (katas / KATA / "CALIBRATION.md").read_text(encoding="utf-8")
    return [match.groupdict() for match in ROW.finditer(text)]


def test_the_declaration_is_read_from_the_source_without_running_it(tmp_path):
    tests = tmp_path / "test_kata.py"
    tests.write_text(
        "raise SystemExit('never imported')\n"
        "LIMIAR_PERDA = 0.6\n"
        "LIMIAR_ACERTO: float = 1\n"
        "LIMIAR_CONTA = 1 - 0.4\n"
        "OUTRO = 3\n"
        "def calibrar(aluno, seed):\n    return {}\n",
        encoding="utf-8",
    )
    declaration = read_declaration(tests)
    assert declaration.calibrates
    assert declaration.thresholds == {"LIMIAR_PERDA": 0.6, "LIMIAR_ACERTO": 1.0}
    assert declaration.unreadable == ("LIMIAR_CONTA",)
    tests.write_text("LIMIAR_PERDA = 0.6\n", encoding="utf-8")
    assert not read_declaration(tests).calibrates


@pytest.mark.parametrize(("threshold", "worst"), [(0.85, 0.0093), (0.60, 0.0096), (0.30, 0.42), (0.55, 0.10)])
def test_the_margin_rule(threshold, worst):
    row = Row("solução", "razao_perda", "LIMIAR_PERDA", threshold, (worst / 2, worst))
    decrease, demanded = 1 - worst, 1 - threshold
    assert row.margin == pytest.approx(decrease / demanded)
    assert row.ok == (demanded * 2 <= decrease)
    # The suggested threshold is the tightest with the margin, and has it.
    assert Row("", "", "", row.needed, row.values).ok
    assert not Row("", "", "", row.needed - 0.01, row.values).ok


def test_calibrate_measures_in_kata_children_and_writes_the_record(cli, katas):
    # A correct variant that is the solution itself, plus a line that notes which process ran it.
    variants = katas / "variants" / KATA
    variants.mkdir(parents=True)
    pids = katas.parent / "pids.txt"
    solution = (katas / KATA / "solution.py").read_text(encoding="utf-8")
    (variants / "a_mesma.py").write_text(
        f"# expect: pass\nimport os\nwith open({str(pids)!r}, 'a') as f:\n    f.write(f'{{os.getpid()}}\\n')\n{solution}",
        encoding="utf-8")
    result = cli("dev", "calibrate", KATA, "--pack", "katas", "--seeds", "3", "--jobs", "1", "--write")
    assert result.exit_code == 0, result.output
    assert f"✔ {KATA}: todo limiar tem margem de pelo menos 2× sobre 3 sementes" in result.output
    assert f"Escrito: katas/{KATA}/CALIBRATION.md" in result.output
    found = rows(katas)
    assert [row["reference"] for row in found] == ["solução", "a_mesma"]
    # The same code over the same seeds: the same figures, whichever file it came from.
    assert {key: found[0][key] for key in ("min", "median", "max")} == \
           {key: found[1][key] for key in ("min", "median", "max")}
    assert 0 < float(found[0]["min"]) <= float(found[0]["median"]) <= float(found[0]["max"]) < 1
    assert "sobre 3 sementes de inicialização do modelo (0 a 2)" in (katas / KATA / "CALIBRATION.md").read_text(
        encoding="utf-8")
    # The variant ran, and never in this process.
    ran = {int(pid) for pid in pids.read_text(encoding="utf-8").split()}
    assert ran and os.getpid() not in ran


def test_a_threshold_set_too_tight_fails_with_the_one_that_holds(cli, katas):
    edit_tests(katas, "LIMIAR_PERDA = 0.55", "LIMIAR_PERDA = 0.001")
    result = cli("dev", "calibrate", KATA, "--pack", "katas", "--seeds", "3", "--jobs", "1", "--write")
    assert result.exit_code == 1, result.output
    (row,) = rows(katas)
    assert row["ok"] == "NÃO"
    needed = math.ceil((1 - (1 - float(row["max"])) / 2) * 100 - 1e-9) / 100
    assert "LIMIAR_PERDA = 0.001 está apertado demais" in result.output
    assert f"use um limiar de pelo menos {needed:.2f}" in result.output
    assert f"✘ {KATA}: a calibração sobre 3 sementes não fecha" in result.output


def test_a_seed_where_calibrar_fails_is_named_and_the_others_still_count(cli, katas):
    edit_tests(katas, "    execucao = treinar_observando(aluno.treinar, seed)\n",
               "    if seed == 1:\n        raise ValueError('semente ruim')\n"
               "    execucao = treinar_observando(aluno.treinar, seed)\n")
    result = cli("dev", "calibrate", KATA, "--pack", "katas", "--seeds", "3", "--jobs", "1", "--write")
    assert result.exit_code == 1, result.output
    assert "solução: na semente 1, calibrar() falhou" in result.output
    assert "semente ruim" in result.output
    (row,) = rows(katas)
    assert row["ok"] == "sim"  # seeds 0 and 2 were measured
    assert "## Problemas" in (katas / KATA / "CALIBRATION.md").read_text(encoding="utf-8")


def test_a_metric_without_its_threshold_is_named(cli, katas):
    edit_tests(katas, 'return {"razao_perda": execucao.loss_after / execucao.loss_before}',
               'return {"razao_perda": execucao.loss_after / execucao.loss_before, "razao_extra": 0.5}')
    result = cli("dev", "calibrate", KATA, "--pack", "katas", "--seeds", "2", "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert "A medida razao_extra não tem limiar: defina LIMIAR_EXTRA" in result.output


def test_a_kata_without_calibrar_is_a_usage_error(cli, katas):
    edit_tests(katas, "def calibrar(aluno, seed: int)", "def medir(aluno, seed: int)")
    result = cli("dev", "calibrate", KATA, "--pack", "katas")
    assert result.exit_code == 2
    assert f"A kata {KATA} não define calibrar(aluno, seed)" in result.output
    nothing = cli("dev", "calibrate", "--pack", "katas")
    assert nothing.exit_code == 2
    assert "Nenhuma kata do pacote katas define calibrar()" in nothing.output


def test_bench_calibrate_keeps_its_command_line(tmp_path):
    env = {**os.environ, "KATACHECK_WIDTH": "120"}
    done = subprocess.run([sys.executable, str(REPO / "bench" / "calibrate.py"), "03_adam", "--seeds", "2"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dev calibrate — 03_adam (2 sementes)" in done.stdout
    assert "lr_0001" in done.stdout  # the correct variants of tests/variants are calibrated too
