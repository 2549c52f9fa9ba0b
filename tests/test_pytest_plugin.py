"""Plain `pytest` in a workspace verifies the katas through the plugin, in Portuguese."""

from __future__ import annotations

import pytest

from katacheck.plugins import get_pack

KATA = get_pack("fundamentos").get("01_duas_camadas")


@pytest.fixture
def workspace(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makefile(".toml", katacheck='pack = "fundamentos"\n')
    return pytester


def test_solution_passes_under_plain_pytest(workspace):
    workspace.makepyfile(**{"01_duas_camadas": KATA.solution_path.read_text(encoding="utf-8")})
    result = workspace.runpytest_subprocess("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*01_duas_camadas.py::01_duas_camadas PASSOU*"])


def test_stub_fails_with_the_portuguese_report(workspace):
    workspace.makepyfile(**{"01_duas_camadas": KATA.stub_path.read_text(encoding="utf-8")})
    result = workspace.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*✘ 01_duas_camadas — Duas camadas lineares*",
        "*✘ DuasCamadas() encadeia duas nn.Linear: 10 → 5 → 1.*",
        "*O modelo tem 1 camada(s) nn.Linear; a kata pede exatamente 2.*",
        "*→ 01_duas_camadas.py:11*",
        "*Dica:*",
    ])
    assert ".katacheck" in {p.name for p in workspace.path.iterdir()}, "progress is recorded"


def test_only_katas_with_a_learner_file_are_collected_and_learner_files_are_not_imported(workspace):
    # A learner file that would blow up if pytest imported it in the parent process.
    workspace.makepyfile(**{"01_duas_camadas": "raise SystemExit('importado no processo pai!')\n"})
    workspace.makepyfile(test_meu="def test_meu():\n    assert True\n")
    result = workspace.runpytest_subprocess("-p", "no:cacheprovider", "--collect-only", "-q")
    result.stdout.fnmatch_lines(["*01_duas_camadas.py::01_duas_camadas*", "*test_meu.py::test_meu*"])
    assert "02_relu" not in result.stdout.str()


def test_outside_a_workspace_the_plugin_does_nothing(pytester: pytest.Pytester):
    pytester.makepyfile(**{"01_duas_camadas": "raise SystemExit(3)\n"}, test_x="def test_x():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
