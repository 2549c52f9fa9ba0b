"""Every bad input a learner can hand katacheck gets a message in Portuguese, exit code 2 and the
command that fixes it; nothing the learner did is lost on the way.

Malformed ``katacheck.toml``, bad ``KATACHECK_*`` variables, a kata file that is a folder, a
link or not UTF-8, a damaged progress file, and two processes updating the progress at once.
(Malformed ``kata.toml`` files of a pack, and hooks called by argument name: tests/test_packs.py.)
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from pathlib import Path

import pytest

from conftest import run_katacheck
from katacheck.errors import ExitCode, toml_error_line
from katacheck.workspace import Workspace

CONFIG = 'pack = "fundamentos"\n'

#: The list row of 02_relu as the current kata, whatever the columns' widths.
CURRENT_02 = re.compile(r"02_relu\s+│ Uma ReLU entre as camadas\s+│ … em andamento ←")


def _progress(workspace: Path) -> dict:
    return json.loads((workspace / ".katacheck" / "progresso.json").read_text(encoding="utf-8"))


def _one_line(text: str) -> str:
    """The output with rich's line wrapping undone, to look for whole sentences."""
    return " ".join(text.split())


# -- 1. a malformed katacheck.toml ---------------------------------------------------------------


def test_help_still_works_in_a_workspace_whose_config_is_not_toml(tmp_path):
    (tmp_path / "katacheck.toml").write_text('pack = "fundamentos\n', encoding="utf-8")
    for args in (["--help"], ["verify", "--help"]):
        result = run_katacheck(*args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Uso: katacheck"), args
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["list"], ["verify"], ["next"], ["hint"], ["reset", "01_duas_camadas"]])
def test_a_config_that_is_not_toml_names_the_file_and_the_line(cli, tmp_path, command):
    (tmp_path / "katacheck.toml").write_text('# meu curso\npack = "fundamentos\n', encoding="utf-8")
    result = cli(*command)
    assert result.exit_code == ExitCode.USAGE_ERROR, result.output
    out = _one_line(result.output)
    assert f"O arquivo de configuração {tmp_path / 'katacheck.toml'} (linha 2) está errado: não é TOML válido" in out
    assert "Para resolver: corrija a linha 2 de katacheck.toml, ou recrie o arquivo: rm katacheck.toml && katacheck init" in out


def test_a_config_error_is_a_real_exit_code_2_without_traceback(tmp_path):
    (tmp_path / "katacheck.toml").write_text("pack = \n", encoding="utf-8")
    result = run_katacheck("list", cwd=tmp_path)
    assert result.returncode == ExitCode.USAGE_ERROR
    assert "Traceback" not in result.stderr
    assert "(linha 1) está errado" in _one_line(result.stderr)


@pytest.mark.parametrize("config, line, words", [
    ("pack = 3\n", 1, '`pack` deve ser o nome de um pacote de katas entre aspas, como pack = "fundamentos", mas é 3'),
    ('pack = ""\n', 1, 'mas é ""'),
    ('pack = "fundamentos"\nlang = "xx"\n', 2, '`lang` deve ser um destes idiomas: pt_BR, en; mas é "xx"'),
    ('pack = "fundamentos"\n\nlang = 1\n', 3, "mas é 1"),
])
def test_a_config_value_of_the_wrong_kind_names_the_field_and_line(cli, tmp_path, config, line, words):
    (tmp_path / "katacheck.toml").write_text(config, encoding="utf-8")
    result = cli("list")
    assert result.exit_code == ExitCode.USAGE_ERROR
    out = _one_line(result.output)
    assert f"katacheck.toml (linha {line}) está errado" in out and words in out
    assert f"corrija a linha {line} de katacheck.toml" in out


def test_a_config_that_is_not_utf8_is_a_config_error(cli, tmp_path):
    (tmp_path / "katacheck.toml").write_bytes(b'pack = "fundamentos"\n# caf\xe9\n')
    result = cli("list")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert "(linha 2) está errado: não está em UTF-8" in _one_line(result.output)


def test_the_line_of_a_toml_error_is_read_from_the_message_on_older_pythons():
    class OldError(Exception):  # what tomllib < 3.14 raises: the position only in the text
        pass

    assert toml_error_line(OldError("Invalid value (at line 3, column 7)"), "") == 3
    assert toml_error_line(OldError("Unterminated string (at end of document)"), "a\nb = 'x") == 2


# -- 2. bad KATACHECK_* variables ----------------------------------------------------------------


@pytest.mark.parametrize("variable, value, expected", [
    ("KATACHECK_WIDTH", "x", "um número inteiro de colunas, 20 ou mais"),
    ("KATACHECK_WIDTH", "5", "um número inteiro de colunas, 20 ou mais"),
    ("KATACHECK_TIMEOUT_FACTOR", "rápido", "um número maior que zero"),
    ("KATACHECK_TIMEOUT_FACTOR", "-1", "um número maior que zero"),
    ("KATACHECK_MEMORY_MB", "4GB", "um número inteiro de megabytes, 1024 ou mais"),
    ("KATACHECK_LANG", "klingon", "um destes idiomas: pt_BR, en"),
    ("KATACHECK_WORKSPACE", "/nao/existe/curso", "uma pasta que existe"),
    ("KATACHECK_LOAD_PLUGINS", "meu-curso", "plugins instalados, separados por vírgula; 'meu-curso' não está instalado"),
])
def test_a_bad_environment_variable_says_which_what_and_how_to_fix_it(tmp_path, variable, value, expected):
    (tmp_path / "katacheck.toml").write_text(CONFIG, encoding="utf-8")
    result = run_katacheck("list", cwd=tmp_path, env={variable: value})
    assert result.returncode == ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    err = _one_line(result.stderr)
    assert f"Erro: A variável de ambiente {variable} vale {value!r}, mas deve ser" in err and expected in err
    assert f"Para resolver: unset {variable}" in err and f"export {variable}=" in err


def test_a_bad_environment_variable_fails_every_command_but_not_help(cli, tmp_path, monkeypatch):
    (tmp_path / "katacheck.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("KATACHECK_TIMEOUT_FACTOR", "x")
    for command in (["verify"], ["next"], ["hint"], ["init"], ["grade", "."]):
        result = cli(*command)
        assert result.exit_code == ExitCode.USAGE_ERROR, command
        assert "KATACHECK_TIMEOUT_FACTOR vale 'x'" in _one_line(result.output), command
    assert cli("--help").exit_code == 0
    assert cli("verify", "--help").exit_code == 0


def test_an_empty_variable_means_the_default(cli, tmp_path, monkeypatch):
    (tmp_path / "katacheck.toml").write_text(CONFIG, encoding="utf-8")
    for variable in ("KATACHECK_WIDTH", "KATACHECK_TIMEOUT_FACTOR", "KATACHECK_MEMORY_MB", "KATACHECK_LANG"):
        monkeypatch.setenv(variable, "")
    assert cli("list").exit_code == 0


def test_the_settings_functions_read_good_values():
    from katacheck import settings

    environment = {"KATACHECK_WIDTH": "100", "KATACHECK_TIMEOUT_FACTOR": "1,5", "KATACHECK_MEMORY_MB": "2048"}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        assert settings.width() == 100
        assert settings.timeout_factor() == 1.5
        assert settings.memory_mb(default=4096) == 2048
        patch.delenv("KATACHECK_MEMORY_MB")
        patch.delenv("KATACHECK_TIMEOUT_FACTOR")
        assert settings.memory_mb(default=4096) == 4096 and settings.memory_mb() is None
        assert settings.timeout_factor() == 1.0


def test_a_workspace_option_naming_no_folder_does_not_pick_a_parent_workspace(cli, tmp_path):
    (tmp_path / "katacheck.toml").write_text(CONFIG, encoding="utf-8")
    result = cli("--workspace", "curos", "list")  # a typo, inside a workspace
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert "A pasta curos não existe." in result.output and "katacheck init curos" in result.output


def test_an_option_makes_its_variable_irrelevant(cli, tmp_path, monkeypatch):
    (tmp_path / "katacheck.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("KATACHECK_LANG", "klingon")
    monkeypatch.setenv("KATACHECK_WORKSPACE", "/nao/existe")
    result = cli("--lang", "pt_BR", "--workspace", str(tmp_path), "list")
    assert result.exit_code == 0, result.output


# -- 4. a kata file that is a folder, a link or not UTF-8 ----------------------------------------


def _make_folder(path: Path) -> None:
    path.mkdir()
    (path / "trabalho.py").write_text("# meu trabalho\n", encoding="utf-8")


def _make_link(path: Path) -> None:
    target = path.parent / "outro.py"
    target.write_text("# meu trabalho\n", encoding="utf-8")
    path.symlink_to(target)


def _make_latin1(path: Path) -> None:
    path.write_bytes("import torch\n# ReLU: função de ativação\n".encode("latin-1"))


BROKEN_FILES = {
    "folder": (_make_folder, "02_relu.py é uma pasta, mas deve ser o arquivo Python da kata."),
    "link": (_make_link, "02_relu.py é um link simbólico (para"),
    "latin1": (_make_latin1, "02_relu.py não está em UTF-8 (o primeiro byte inválido está na linha 2)"),
}


@pytest.fixture(params=sorted(BROKEN_FILES))
def broken_kata_file(request, cli, tmp_path):
    """A workspace at kata 01 whose 02_relu.py is broken; yields the expected message."""
    make, message = BROKEN_FILES[request.param]
    cli("next")
    make(tmp_path / "02_relu.py")
    return request.param, message


def test_verify_refuses_a_broken_kata_file_and_says_how_to_fix_it(cli, broken_kata_file):
    _, message = broken_kata_file
    for args in (["verify", "02_relu"], ["verify", "--all"]):
        result = cli(*args)
        assert result.exit_code == ExitCode.USAGE_ERROR, (args, result.output)
        out = _one_line(result.output)
        assert message in out, args
        assert "0 de 0 kata(s)" not in out
        assert "katacheck reset 02_relu" in out


def test_list_shows_a_broken_kata_file_as_invalid(cli, broken_kata_file):
    _, message = broken_kata_file
    result = cli("list")
    assert result.exit_code == 0
    assert "⚠ arquivo inválido" in result.output
    assert message in _one_line(result.output) and "katacheck reset 02_relu" in _one_line(result.output)
    statuses = {row["id"]: row["status"] for row in json.loads(cli("list", "--json").stdout)}
    assert statuses["02_relu"] == "invalid" and statuses["01_duas_camadas"] == "pending"


def test_reset_keeps_a_broken_kata_file_and_writes_the_stub(cli, tmp_path, pack, broken_kata_file):
    kind, _ = broken_kata_file
    learner = tmp_path / "02_relu.py"
    result = cli("reset", "02_relu")
    assert result.exit_code == 0, result.output
    assert not learner.is_symlink() and learner.read_text(encoding="utf-8") == pack.get("02_relu").stub_path.read_text(
        encoding="utf-8")
    [kept] = (tmp_path / ".katacheck" / "backups").iterdir()
    if kind == "folder":
        assert (kept / "trabalho.py").read_text(encoding="utf-8") == "# meu trabalho\n"
    elif kind == "link":
        assert kept.is_symlink() and (tmp_path / "outro.py").read_text(encoding="utf-8") == "# meu trabalho\n"
    else:
        assert kept.read_bytes() == "import torch\n# ReLU: função de ativação\n".encode("latin-1")
    assert cli("list", "--json").stdout.count('"invalid"') == 0


# -- 5. a damaged progress file ------------------------------------------------------------------

DAMAGED = {
    "not json": ("{quebrado", "não é JSON válido: erro na linha 1"),
    "a list": ("[]", "o JSON não é um objeto com os campos do progresso"),
    "current not text": ('{"current": 3}', 'o campo "current" tem um valor do tipo errado'),
    "passed not a list": ('{"current": "01_duas_camadas", "passed": "01_duas_camadas"}', 'o campo "passed"'),
    "attempts not counts": ('{"attempts": {"01_duas_camadas": "duas"}}', 'o campo "attempts"'),
}


@pytest.mark.parametrize("name", sorted(DAMAGED))
def test_a_damaged_progress_file_is_kept_rebuilt_and_told_once(cli, tmp_path, pack, name):
    text, reason = DAMAGED[name]
    cli("next")
    (tmp_path / "02_relu.py").write_text(pack.get("02_relu").stub_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".katacheck" / "progresso.json").write_text(text, encoding="utf-8")

    result = cli("list")
    assert result.exit_code == 0
    notice = _one_line(result.stderr)
    assert f"Aviso: O arquivo de progresso .katacheck/progresso.json estava danificado ({reason}" in notice
    [kept] = (tmp_path / ".katacheck").glob("progresso.danificado-*.json")
    assert kept.read_text(encoding="utf-8") == text, "the damaged file is kept as it was"
    assert f"Ele foi guardado em .katacheck/{kept.name}" in notice
    assert "kata atual: 02_relu" in notice and "Para resolver: katacheck verify --all" in notice
    assert _progress(tmp_path)["current"] == "02_relu" and _progress(tmp_path)["passed"] == []

    again = cli("list")
    assert "danificado" not in again.stderr, "told once"
    assert CURRENT_02.search(again.output), again.output


def test_progress_and_lock_made_folders_by_learner_code_break_no_command(tmp_path, pack):
    # Learner code runs in the workspace under verify: it can turn both files into folders.
    assert run_katacheck("next", cwd=tmp_path).returncode == 0
    (tmp_path / "01_duas_camadas.py").write_text(
        "import os\nfor nome in ('.katacheck/progresso.json', '.katacheck/progresso.lock'):\n"
        "    os.remove(nome) if os.path.isfile(nome) else None\n    os.makedirs(nome, exist_ok=True)\n"
        "raise RuntimeError('falhei de propósito')\n", encoding="utf-8")
    verified = run_katacheck("verify", cwd=tmp_path)
    assert verified.returncode == ExitCode.KATA_FAILED, verified.stdout + verified.stderr
    assert "Traceback" not in verified.stderr
    listed = run_katacheck("list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert (tmp_path / ".katacheck" / "progresso.lock").is_file()
    assert _progress(tmp_path)["current"] == "01_duas_camadas"
    [kept_lock] = (tmp_path / ".katacheck" / "backups").glob("progresso-*.lock")
    assert kept_lock.is_dir()


def test_after_a_damaged_progress_file_list_and_verify_agree_on_the_current_kata(tmp_path, pack):
    assert run_katacheck("next", cwd=tmp_path).returncode == 0
    (tmp_path / "02_relu.py").write_text(pack.get("02_relu").stub_path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / ".katacheck" / "progresso.json").write_text("{quebrado", encoding="utf-8")

    verified = run_katacheck("verify", cwd=tmp_path)
    assert verified.returncode == ExitCode.KATA_FAILED, verified.stdout + verified.stderr
    assert "✘ 02_relu" in verified.stdout, "verify takes the rebuilt current kata"
    assert _one_line(verified.stderr).count("estava danificado") == 1
    listed = run_katacheck("list", "--json", cwd=tmp_path)
    assert "danificado" not in listed.stderr
    assert _progress(tmp_path)["current"] == "02_relu"
    assert [row["status"] for row in json.loads(listed.stdout)][:2] == ["pending", "pending"]
    listed = run_katacheck("list", cwd=tmp_path).stdout
    assert CURRENT_02.search(listed), listed


# -- 6. two processes on one workspace -----------------------------------------------------------

UPDATES = 50


def _record_many(root: str, kata_id: str, start: multiprocessing.synchronize.Event) -> None:
    workspace = Workspace(root=Path(root), pack_name="fundamentos")
    start.wait()
    for _ in range(UPDATES):
        with workspace.updating_progress() as progress:
            progress.record_verification(kata_id, passed=False)
            progress.hints_revealed[f"{kata_id}-{os.getpid()}"] = progress.hints_revealed.get(
                f"{kata_id}-{os.getpid()}", 0) + 1


def test_two_processes_updating_the_progress_lose_no_update(tmp_path):
    context = multiprocessing.get_context("spawn")  # separate interpreters, as two terminals are
    start = context.Event()
    workers = [context.Process(target=_record_many, args=(str(tmp_path), "01_duas_camadas", start)) for _ in range(2)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    progress = _progress(tmp_path)
    assert progress["attempts"] == {"01_duas_camadas": 2 * UPDATES}
    assert progress["failed_in_a_row"] == {"01_duas_camadas": 2 * UPDATES}
    assert sorted(progress["hints_revealed"].values()) == [UPDATES, UPDATES]


def test_an_update_that_raises_writes_nothing(tmp_path):
    workspace = Workspace(root=tmp_path, pack_name="fundamentos")
    with workspace.updating_progress() as progress:
        progress.current = "01_duas_camadas"
    with pytest.raises(RuntimeError), workspace.updating_progress() as progress:
        progress.current = "02_relu"
        raise RuntimeError("interrompido")
    assert workspace.load_progress().current == "01_duas_camadas"

