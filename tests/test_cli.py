"""The commands as a learner uses them: CliRunner for the quick ones, a real process for verify."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import run_katacheck
from katacheck.errors import ExitCode


def _progress(workspace):
    return json.loads((workspace / ".katacheck" / "progresso.json").read_text(encoding="utf-8"))


def test_help_is_in_portuguese(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for word in ("Uso: katacheck", "Opções:", "Comandos:", "Mostra esta mensagem e sai.", "Traz a próxima kata."):
        assert word in result.output
    assert "Usage" not in result.output and "Show this message" not in result.output


@pytest.mark.parametrize("command", ["init", "next", "verify", "list", "hint", "reset", "solution"])
def test_every_command_has_portuguese_help(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert result.output.startswith("Uso: katacheck " + command)
    assert "Mostra esta mensagem e sai." in result.output


def test_unknown_command_is_a_usage_error_in_portuguese(cli):
    result = cli("verificar")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert "Comando 'verificar' não existe." in result.output


def test_next_in_an_empty_folder_makes_a_workspace_and_writes_the_first_stub(cli, tmp_path, pack):
    result = cli("next")
    assert result.exit_code == 0
    assert (tmp_path / "katacheck.toml").is_file()
    learner = tmp_path / "01_duas_camadas.py"
    assert learner.read_text(encoding="utf-8") == pack.get("01_duas_camadas").stub_path.read_text(encoding="utf-8")
    assert "Kata 01_duas_camadas: Duas camadas lineares" in result.output
    assert "Edite 01_duas_camadas.py e rode katacheck verify" in result.output
    assert _progress(tmp_path)["current"] == "01_duas_camadas"


def test_next_never_overwrites_and_stays_on_an_unsolved_kata(cli, tmp_path):
    cli("next")
    learner = tmp_path / "01_duas_camadas.py"
    learner.write_text("# meu trabalho\n", encoding="utf-8")
    result = cli("next")
    assert result.exit_code == 0
    assert learner.read_text(encoding="utf-8") == "# meu trabalho\n"
    assert "Kata 01_duas_camadas" in result.output
    assert not (tmp_path / "02_relu.py").exists()


def test_next_moves_on_once_the_kata_passed_and_congratulates_at_the_end(cli, tmp_path, pack):
    cli("next")
    state = tmp_path / ".katacheck" / "progresso.json"
    data = _progress(tmp_path)
    data["passed"] = ["01_duas_camadas"]
    state.write_text(json.dumps(data), encoding="utf-8")
    assert "Kata 02_relu" in cli("next").output
    data["passed"] = pack.ids()
    state.write_text(json.dumps(data), encoding="utf-8")
    assert "Parabéns" in cli("next").output


def test_next_goes_on_from_05_gpu_to_06_taxa_de_aprendizado(cli, tmp_path, pack):
    cli("next")
    state = tmp_path / ".katacheck" / "progresso.json"
    data = _progress(tmp_path)
    data["passed"] = ["01_duas_camadas", "02_relu", "03_adam", "04_zero_grad", "05_gpu"]
    state.write_text(json.dumps(data), encoding="utf-8")
    result = cli("next")
    assert "Kata 06_taxa_de_aprendizado: A taxa de aprendizado" in result.output
    learner = tmp_path / "06_taxa_de_aprendizado.py"
    assert learner.read_text(encoding="utf-8") == pack.get("06_taxa_de_aprendizado").stub_path.read_text(encoding="utf-8")
    assert _progress(tmp_path)["current"] == "06_taxa_de_aprendizado"


def test_init_creates_a_workspace_in_the_given_folder(cli, tmp_path):
    result = cli("init", "curso")
    assert result.exit_code == 0
    assert 'pack = "fundamentos"' in (tmp_path / "curso" / "katacheck.toml").read_text(encoding="utf-8")
    assert "já é uma área de trabalho" in cli("init", "curso").output


def test_init_with_an_unknown_pack_says_which_exist(cli):
    result = cli("init", "--pack", "nao-existe")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert "Não existe o pacote de katas 'nao-existe'" in result.output and "fundamentos" in result.output


def test_list_shows_every_kata_with_its_status(cli):
    cli("next")
    result = cli("list")
    assert result.exit_code == 0
    assert "01_duas_camadas" in result.output and "… em andamento ←" in result.output
    assert "05_gpu" in result.output and "· não iniciada" in result.output
    data = json.loads(cli("list", "--json").output)
    assert [row["status"] for row in data] == ["pending"] + ["locked"] * (len(data) - 1)


def test_list_groups_the_katas_by_section_in_course_order(cli, tmp_path, pack):
    cli("next")
    state = tmp_path / ".katacheck" / "progresso.json"
    data = _progress(tmp_path)
    data["passed"] = ["01_duas_camadas", "02_relu"]
    state.write_text(json.dumps(data), encoding="utf-8")
    lines = cli("list").output.splitlines()
    sections = [name for name, _ in pack.sections()]
    headings = [i for i, line in enumerate(lines) if "Seção " in line]
    assert len(headings) == len(sections) >= 1
    fundamentals = len(dict(pack.sections())["Fundamentos"])
    assert "│ Seção 1 " in lines[headings[0]] and "│ Fundamentos " in lines[headings[0]]
    assert f"2 de {fundamentals} concluídas" in lines[headings[0]]
    # Each kata comes after its own section's heading and before the next one's.
    for number, (_, katas) in enumerate(pack.sections()):
        end = headings[number + 1] if number + 1 < len(headings) else len(lines)
        block = "\n".join(lines[headings[number]:end])
        assert all(f"│ {kata.id} " in block for kata in katas), block
    rows = json.loads(cli("list", "--json").output)
    assert [row["section"] for row in rows] == [kata.section for kata in pack.katas()]
    assert rows[0]["section"] == "Fundamentos"


def test_list_names_the_sections_in_english(cli, monkeypatch):
    from katacheck.i18n import language, set_language

    previous = language()
    monkeypatch.setenv("KATACHECK_LANG", previous)  # the CLI exports --lang: restored after the test
    cli("next")
    try:
        output = cli("--lang", "en", "list").output
        rows = json.loads(cli("--lang", "en", "list", "--json").output)
    finally:
        set_language(previous)
    assert "│ Section 1 " in output and "│ Fundamentals " in output and "0 of " in output
    assert rows[0]["section"] == "Fundamentals"


def test_commands_outside_a_workspace_say_how_to_fix_it(cli):
    for command in (["list"], ["verify"], ["hint"], ["solution", "01_duas_camadas"]):
        result = cli(*command)
        assert result.exit_code == ExitCode.USAGE_ERROR, command
        assert "não está dentro de uma área de trabalho" in result.output
        assert "Para resolver: katacheck init" in result.output


def test_unknown_kata_is_a_usage_error_listing_the_katas(cli):
    cli("next")
    result = cli("verify", "03_adan")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert "Não existe a kata '03_adan'" in result.output and "03_adam" in result.output
    assert "Para resolver: katacheck list" in result.output


def test_verify_a_kata_whose_file_does_not_exist_yet(cli):
    cli("next")
    result = cli("verify", "04_zero_grad")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert "O arquivo 04_zero_grad.py ainda não existe." in result.output
    assert "Para resolver: katacheck reset 04_zero_grad" in result.output


def test_hints_are_revealed_one_at_a_time_and_remembered(cli, tmp_path, pack):
    cli("next")
    hints = pack.get("01_duas_camadas").hints
    first = cli("hint").output
    assert "Dica 1/3:" in first and "Dica 2/3" not in first
    second = cli("hint").output
    assert "Dica 2/3:" in second and hints[1][:30] in second
    cli("hint")
    assert "Essa foi a última dica." in cli("hint").output
    assert _progress(tmp_path)["hints_revealed"] == {"01_duas_camadas": 3}


def test_reset_keeps_a_backup_and_restores_the_stub(cli, tmp_path, pack):
    cli("next")
    learner = tmp_path / "01_duas_camadas.py"
    learner.write_text("# tentativa\n", encoding="utf-8")
    result = cli("reset", "01_duas_camadas")
    assert result.exit_code == 0
    backups = list((tmp_path / ".katacheck" / "backups").iterdir())
    assert [b.read_text(encoding="utf-8") for b in backups] == ["# tentativa\n"]
    assert learner.read_text(encoding="utf-8") == pack.get("01_duas_camadas").stub_path.read_text(encoding="utf-8")


def test_solution_is_locked_until_the_kata_passes(cli):
    cli("next")
    result = cli("solution", "01_duas_camadas")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert "só aparece depois que a kata passar" in result.output
    assert "katacheck verify 01_duas_camadas" in result.output


def test_a_damaged_progress_file_is_kept_aside_not_fatal(cli, tmp_path):
    cli("next")
    (tmp_path / ".katacheck" / "progresso.json").write_text("{quebrado", encoding="utf-8")
    assert cli("list").exit_code == 0
    assert list((tmp_path / ".katacheck").glob("progresso.danificado-*.json"))


def test_verify_stub_fails_then_solution_passes_and_unlocks_next(tmp_path, pack):
    """The learner's whole loop, as real processes: next → verify (✘) → fix → verify (✔) → next."""
    assert run_katacheck("next", cwd=tmp_path).returncode == 0
    failing = run_katacheck("verify", cwd=tmp_path)
    assert failing.returncode == ExitCode.KATA_FAILED, failing.stdout + failing.stderr
    assert "✘ 01_duas_camadas" in failing.stdout
    assert "O modelo tem 1 camada(s) nn.Linear; a kata pede exatamente 2." in failing.stdout
    assert "→ 01_duas_camadas.py:11" in failing.stdout and "Dica:" in failing.stdout
    assert "✔ O arquivo define a classe DuasCamadas" in failing.stdout, "passed checks are listed too"

    shutil.copy(pack.get("01_duas_camadas").solution_path, tmp_path / "01_duas_camadas.py")
    # Bytecode may be written (torch's), but never into the learner's workspace.
    passing = run_katacheck("verify", cwd=tmp_path, env={"PYTHONDONTWRITEBYTECODE": ""})
    assert passing.returncode == ExitCode.OK, passing.stdout + passing.stderr
    assert not (tmp_path / "__pycache__").exists()
    assert "✔ 1 de 1 kata(s) passaram." in passing.stdout and "katacheck next" in passing.stdout
    assert _progress(tmp_path)["passed"] == ["01_duas_camadas"]
    assert _progress(tmp_path)["attempts"] == {"01_duas_camadas": 2}

    assert "Kata 02_relu" in run_katacheck("next", cwd=tmp_path).stdout
    solution = run_katacheck("solution", "01_duas_camadas", cwd=tmp_path)
    assert solution.returncode == 0 and "camada2" in solution.stdout


def test_verify_all_runs_every_existing_kata_and_fails_if_one_fails(tmp_path, pack):
    run_katacheck("init", cwd=tmp_path)
    shutil.copy(pack.get("01_duas_camadas").solution_path, tmp_path / "01_duas_camadas.py")
    shutil.copy(pack.get("03_adam").stub_path, tmp_path / "03_adam.py")
    result = run_katacheck("verify", "--all", cwd=tmp_path)
    assert result.returncode == ExitCode.KATA_FAILED
    assert result.stdout.index("✔ 01_duas_camadas") < result.stdout.index("✘ 03_adam")
    assert "O otimizador usado é SGD; a kata pede torch.optim.Adam." in result.stdout
    assert "✘ 1 de 2 kata(s) passaram." in result.stdout


def test_verify_a_hanging_kata_reports_a_timeout_and_goes_on(tmp_path, pack):
    run_katacheck("init", cwd=tmp_path)
    (tmp_path / "03_adam.py").write_text("def treinar(*a, **k):\n    while True:\n        pass\n", encoding="utf-8")
    shutil.copy(pack.get("01_duas_camadas").solution_path, tmp_path / "01_duas_camadas.py")
    result = run_katacheck("verify", "--all", cwd=tmp_path, env={"KATACHECK_TIMEOUT_FACTOR": "0.4"})
    assert result.returncode == ExitCode.KATA_FAILED
    assert "✔ 01_duas_camadas" in result.stdout
    assert "Tempo esgotado" in result.stdout


def test_workspace_option_points_at_another_folder(tmp_path):
    run_katacheck("init", "curso", cwd=tmp_path)
    result = run_katacheck("--workspace", "curso", "list", cwd=tmp_path)
    assert result.returncode == 0 and "01_duas_camadas" in result.stdout
