"""``katacheck solution`` opens only on a pass ``katacheck verify`` signed, not on an edited file.

The signature is an HMAC over (the workspace's absolute path, the kata, the pack) with a key in
the learner's data folder (``$XDG_DATA_HOME/katacheck/chave``), which every test here points
at its own temporary folder.
"""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from conftest import run_katacheck
from katacheck.errors import ExitCode
from katacheck.workspace import PassSeal, Workspace

KATA = "01_duas_camadas"
CHEATS = Path(__file__).resolve().parent / "cheats"


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "dados"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def _workspace(root: Path) -> Workspace:
    return Workspace.create(root, "fundamentos")


def _record(workspace: Workspace, kata_id: str, passed: bool) -> None:
    with workspace.updating_progress() as progress:
        progress.record_verification(kata_id, passed)


def _edit(workspace: Workspace, change) -> None:
    data = json.loads(workspace.progress_path.read_text(encoding="utf-8"))
    change(data)
    workspace.progress_path.write_text(json.dumps(data), encoding="utf-8")


def test_a_verified_pass_is_signed_with_a_private_key_made_once(tmp_path: Path, data_home: Path) -> None:
    workspace = _workspace(tmp_path / "curso")
    _record(workspace, KATA, passed=True)
    progress = workspace.load_progress()
    assert progress.passed == [KATA] and set(progress.signatures) == {KATA}
    assert workspace.has_sealed_pass(progress, KATA)
    key = data_home / "katacheck" / "chave"
    assert PassSeal.key_path() == key and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert not list(key.parent.glob(".chave.*")), "the temporary key file is gone"
    first = key.read_bytes()
    _record(workspace, "02_relu", passed=True)
    assert key.read_bytes() == first, "the key is made once, then reused"
    assert workspace.has_sealed_pass(workspace.load_progress(), "02_relu")


def test_a_failure_signs_nothing_and_makes_no_key(tmp_path: Path, data_home: Path) -> None:
    workspace = _workspace(tmp_path / "curso")
    _record(workspace, KATA, passed=False)
    assert workspace.load_progress().signatures == {}
    assert not (data_home / "katacheck" / "chave").exists()


def test_a_pass_added_by_hand_or_a_seal_copied_elsewhere_is_no_pass(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path / "curso")
    _record(workspace, KATA, passed=True)
    sealed = workspace.load_progress().signatures[KATA]
    # Another kata in `passed`, with this kata's seal: the seal names its kata.
    _edit(workspace, lambda data: (data["passed"].append("02_relu"), data["signatures"].update({"02_relu": sealed})))
    assert not workspace.has_sealed_pass(workspace.load_progress(), "02_relu")
    # The whole progress file copied into another workspace: the seal names its folder.
    other = _workspace(tmp_path / "outro")
    other.progress_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(workspace.progress_path, other.progress_path)
    assert not other.has_sealed_pass(other.load_progress(), KATA)
    # Another user's key (another machine): nothing of this one opens.
    PassSeal.key_path().write_text("00" * PassSeal.KEY_BYTES + "\n", encoding="ascii")
    assert not workspace.has_sealed_pass(workspace.load_progress(), KATA)


def test_an_old_progress_file_unlocks_again_once_the_kata_passes(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path / "curso")
    workspace.progress_path.parent.mkdir(parents=True)
    workspace.progress_path.write_text(json.dumps({"version": 1, "current": KATA, "passed": [KATA]}), encoding="utf-8")
    progress = workspace.load_progress()
    assert progress.has_passed(KATA) and not workspace.has_sealed_pass(progress, KATA)
    _record(workspace, KATA, passed=True)
    assert workspace.has_sealed_pass(workspace.load_progress(), KATA)


def test_solution_refuses_an_edited_progress_file(cli, tmp_path: Path) -> None:
    assert cli("next").exit_code == 0
    workspace = Workspace.load(tmp_path)
    _edit(workspace, lambda data: data["passed"].append(KATA))
    result = cli("solution", KATA)
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert "não tem um registro assinado dessa aprovação" in result.output
    assert f"katacheck verify {KATA}" in result.output
    assert "camada2" not in result.output
    # Signatures written by hand are refused the same way.
    _edit(workspace, lambda data: data.setdefault("signatures", {}).update({KATA: "0" * 64}))
    assert cli("solution", KATA).exit_code == ExitCode.USAGE_ERROR


def test_solution_opens_on_a_signed_pass(cli, tmp_path: Path) -> None:
    assert cli("next").exit_code == 0
    _record(Workspace.load(tmp_path), KATA, passed=True)
    result = cli("solution", KATA)
    assert result.exit_code == 0, result.output
    assert "camada2" in result.output


def test_a_key_that_cannot_be_read_is_said_so(cli, tmp_path: Path) -> None:
    assert cli("next").exit_code == 0
    _record(Workspace.load(tmp_path), KATA, passed=True)
    PassSeal.key_path().write_text("não é uma chave\n", encoding="utf-8")
    result = cli("solution", KATA)
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert "chave que assina as aprovações" in result.output and str(PassSeal.key_path().parent) in result.output


def test_the_progress_cheat_through_a_real_verify(tmp_path: Path, data_home: Path) -> None:
    """tests/cheats/progresso_editado.py: the learner's code marks the kata passed in the
    progress file while it runs; verify fails the kata, and solution stays locked."""
    environment = {"XDG_DATA_HOME": str(data_home)}
    assert run_katacheck("next", cwd=tmp_path, env=environment).returncode == 0
    shutil.copy(CHEATS / "progresso_editado.py", tmp_path / f"{KATA}.py")
    verify = run_katacheck("verify", cwd=tmp_path, env=environment)
    assert verify.returncode == ExitCode.KATA_FAILED, verify.stdout + verify.stderr
    progress = json.loads((tmp_path / ".katacheck" / "progresso.json").read_text(encoding="utf-8"))
    assert KATA in progress["passed"], "the learner's edit is there"
    assert progress["signatures"] == {}
    solution = run_katacheck("solution", KATA, cwd=tmp_path, env=environment)
    assert solution.returncode == ExitCode.USAGE_ERROR, solution.stdout + solution.stderr
    assert f"katacheck verify {KATA}" in solution.stdout + solution.stderr
    assert "camada2" not in solution.stdout
