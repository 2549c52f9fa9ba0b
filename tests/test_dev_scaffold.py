"""``katacheck dev new`` and ``katacheck dev pack``: the scaffolds behave as a new author expects.

The kata ``dev new`` writes is run through the real runner (its stub fails, its solution passes,
and the pass is the judge's), validated by ``dev check``'s rules, and the pack ``dev pack``
writes is built into a real wheel and found through its entry point by a fresh katacheck process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from katacheck._toml import tomllib
from katacheck.authoring.scaffold import FIRST_KATA, KATA_FILES, next_order
from katacheck.authoring.validate import read_folders, validate
from katacheck.packs import KataPack

REPO = Path(__file__).resolve().parents[1]


def test_dev_new_writes_every_file_of_a_kata(cli, tmp_path):
    result = cli("dev", "new", "01_minha_kata", "--pack", "katas")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "katas" / "01_minha_kata"
    assert sorted(path.name for path in folder.iterdir()) == sorted(KATA_FILES.values())
    assert "✔ Kata 01_minha_kata criada" in result.output
    assert "katacheck dev check --pack katas" in result.output
    kata = KataPack.from_directory("meu", tmp_path / "katas").get("01_minha_kata")
    assert (kata.title, kata.order, kata.section) == ("Minha kata", 1, "Primeiros passos")
    assert "# TODO" in kata.stub_path.read_text(encoding="utf-8")
    assert "from katacheck import checks" in kata.tests_path.read_text(encoding="utf-8")


def test_the_kata_toml_is_a_commented_template(cli, tmp_path):
    cli("dev", "new", "01_minha_kata", "--pack", "katas")
    text = (tmp_path / "katas" / "01_minha_kata" / "kata.toml").read_text(encoding="utf-8")
    meta = tomllib.loads(text)
    for field in ("title", "order", "section", "timeout", "points", "hints"):
        assert field in meta
        # Each field is explained by the comment right above it.
        line = next(i for i, row in enumerate(text.splitlines()) if row.startswith(f"{field} ="))
        assert text.splitlines()[line - 1].startswith("#"), field


def test_the_scaffold_passes_dev_checks_validation(cli, tmp_path):
    cli("dev", "new", "01_minha_kata", "--pack", "katas")
    cli("dev", "new", "02_outra_kata", "--pack", "katas")
    pack = KataPack.from_directory("meu", tmp_path / "katas")
    assert validate(pack, read_folders(pack)) == []


def test_order_is_the_next_free_one(cli, tmp_path):
    cli("dev", "new", "01_primeira", "--pack", "katas")
    (tmp_path / "katas" / "05_outra").mkdir()
    (tmp_path / "katas" / "05_outra" / "kata.toml").write_text('title = "x"\norder = 7\n', encoding="utf-8")
    assert next_order(tmp_path / "katas") == 8
    result = cli("dev", "new", "09_nova", "--pack", "katas")
    assert "(ordem 8)" in result.output
    assert tomllib.loads((tmp_path / "katas" / "09_nova" / "kata.toml").read_text(encoding="utf-8"))["order"] == 8


def test_dev_new_refuses_a_bad_id_and_never_overwrites(cli, tmp_path):
    bad = cli("dev", "new", "minha-kata", "--pack", "katas")
    assert bad.exit_code == 2
    assert "O id de kata minha-kata não está no formato" in bad.output
    assert not (tmp_path / "katas").exists()
    cli("dev", "new", "01_minha_kata", "--pack", "katas")
    stub = tmp_path / "katas" / "01_minha_kata" / "stub.py"
    stub.write_text("# o meu trabalho\n", encoding="utf-8")
    again = cli("dev", "new", "01_minha_kata", "--pack", "katas")
    assert again.exit_code == 2
    assert "já existe" in again.output
    assert stub.read_text(encoding="utf-8") == "# o meu trabalho\n"


def test_the_scaffolded_kata_behaves_through_the_real_runner(cli, tmp_path):
    from katacheck.render.report import render_text
    from katacheck.runner.parent import run_kata

    cli("dev", "new", "01_minha_kata", "--pack", "katas")
    kata = KataPack.from_directory("meu", tmp_path / "katas").get("01_minha_kata")
    stub = run_kata(kata, kata.stub_path)
    assert not stub.passed and stub.fatal is None, render_text(stub)
    failed = {check.name for check in stub.checks if not check.passed}
    assert {"test_otimizador_sgd", "test_perda_diminui"} <= failed, render_text(stub)
    solution = run_kata(kata, kata.solution_path)
    assert solution.passed, render_text(solution)
    # The pass is the judge's: it replayed the training run the tests sent.
    assert solution.extras["judge"] == {"evidence": ["treino"], "findings": 0}
    # Under another base seed (dev check --seeds), the tests and the judge still agree on the start.
    other = run_kata(kata, kata.solution_path, seed=5)
    assert other.passed, render_text(other)


def test_the_scaffolds_judge_fails_a_run_that_only_looks_right(cli, tmp_path):
    from katacheck.render.report import render_text
    from katacheck.runner.parent import run_kata

    cli("dev", "new", "01_minha_kata", "--pack", "katas")
    kata = KataPack.from_directory("meu", tmp_path / "katas").get("01_minha_kata")
    # SGD with the right lr, but a second, hidden update in between: the checks in the child see
    # an SGD that steps; only the judge, replaying each step, sees the parameters move otherwise.
    submission = tmp_path / "entrega"
    submission.mkdir()
    learner = submission / kata.learner_filename
    learner.write_text(kata.solution_path.read_text(encoding="utf-8").replace(
        "        otimizador.step()\n",
        "        otimizador.step()\n        with torch.no_grad():\n            for p in modelo.parameters():\n"
        "                p.mul_(0.999)\n"), encoding="utf-8")
    result = run_kata(kata, learner)
    assert not result.passed, render_text(result)
    assert any(check.diagnosis and check.diagnosis.code.startswith("judge.") for check in result.checks), \
        render_text(result)


def test_dev_pack_writes_a_distribution_with_the_entry_point(cli, tmp_path):
    result = cli("dev", "pack", "meu-curso")
    assert result.exit_code == 0, result.output
    root = tmp_path / "meu-curso"
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == "meu-curso"
    assert project["project"]["entry-points"]["katacheck"] == {"meu-curso": "meu_curso.katacheck_plugin"}
    assert project["build-system"]["build-backend"] == "hatchling.build"
    assert (root / "src" / "meu_curso" / "katas" / FIRST_KATA / "kata.toml").is_file()
    assert "pip install -e meu-curso" in result.output


def test_the_plugin_module_registers_the_pack_through_the_hook(cli, tmp_path, monkeypatch):
    import importlib

    import pluggy

    from katacheck import hookspecs
    from katacheck.plugins import call_hookimpl

    cli("dev", "pack", "meu-curso")
    monkeypatch.syspath_prepend(str(tmp_path / "meu-curso" / "src"))
    module = importlib.import_module("meu_curso.katacheck_plugin")
    manager = pluggy.PluginManager(hookspecs.ENTRY_POINT_GROUP)
    manager.add_hookspecs(hookspecs)
    manager.register(module, name="meu-curso")
    manager.check_pending()  # a misspelled hook would fail here
    (impl,) = manager.hook.katacheck_packs.get_hookimpls()
    (pack,) = call_hookimpl(impl, {})
    assert pack.name == "meu-curso" and pack.title == "Meu curso"
    assert pack.ids() == [FIRST_KATA]
    assert pack.directory == tmp_path / "meu-curso" / "src" / "meu_curso" / "katas"


def test_the_built_pack_is_found_through_its_entry_point(cli, tmp_path):
    cli("dev", "pack", "meu-curso")
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path / "dist")],
                   cwd=tmp_path / "meu-curso", check=True, capture_output=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("meu_curso-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in KATA_FILES.values():
        assert f"meu_curso/katas/{FIRST_KATA}/{name}" in names, name
    # Installed from the wheel, beside the katacheck of this checkout: a fresh process finds it.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    workspace = tmp_path / "aluno"
    workspace.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("KATACHECK_LOAD_PLUGINS")
    init = subprocess.run([sys.executable, "-m", "katacheck", "init", "--pack", "meu-curso"], cwd=workspace,
                          env=env, capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    listed = subprocess.run([sys.executable, "-m", "katacheck", "list"], cwd=workspace, env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert FIRST_KATA in listed.stdout and "Primeira kata" in listed.stdout


@pytest.mark.parametrize("name", ["Meu-Curso", "1curso", "meu curso", "meu--curso"])
def test_dev_pack_refuses_a_name_that_is_no_distribution_name(cli, tmp_path, name):
    result = cli("dev", "pack", name, "pasta")
    assert result.exit_code == 2
    assert f"O nome de pacote {name} não serve" in result.output
    assert not (tmp_path / "pasta").exists()


def test_dev_pack_never_writes_into_a_folder_that_holds_files(cli, tmp_path):
    (tmp_path / "curso").mkdir()
    (tmp_path / "curso" / "notas.txt").write_text("meu", encoding="utf-8")
    result = cli("dev", "pack", "meu-curso", "curso")
    assert result.exit_code == 2
    assert "já existe e não está vazia" in result.output
    assert sorted(p.name for p in (tmp_path / "curso").iterdir()) == ["notas.txt"]


def test_dev_new_in_a_pack_root_adds_to_its_katas(cli, tmp_path):
    cli("dev", "pack", "meu-curso")
    result = cli("dev", "new", "02_outra_kata", "--pack", "meu-curso")
    assert result.exit_code == 0, result.output
    pack = KataPack.from_directory("meu-curso", tmp_path / "meu-curso" / "src" / "meu_curso" / "katas")
    assert pack.ids() == [FIRST_KATA, "02_outra_kata"]
    assert [kata.order for kata in pack.katas()] == [1, 2]
