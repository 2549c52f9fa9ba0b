"""Kata 20 (the capstone): each of the stub's four planted bugs has its own check, so fixing
them one at a time, in any order, turns exactly one ✘ into ✔ each time (issue 13)."""

from __future__ import annotations

import pytest

from katacheck.plugins import get_pack
from katacheck.render.report import render_text
from katacheck.runner.parent.dsession import run_katas

#: Each planted bug: the check that names it, its diagnosis, and the edit of the stub that fixes it.
FIXES = {
    "flatten": ("test_achata_mantendo_o_lote", "capstone_flatten",
                [("data = data.view(-1)\n", "data = data.view(data.size(0), -1)\n")]),
    "zero_grad": ("test_zera_os_gradientes", "stale_gradients",
                  [("            saida = modelo(data)\n            probabilidades",
                    "            otimizador.zero_grad()\n            saida = modelo(data)\n            probabilidades")]),
    "softmax": ("test_perda_recebe_logits", "softmax_before_cross_entropy",
                [("criterio(probabilidades, target)", "criterio(saida, target)")]),
    "eval": ("test_avalia_em_modo_de_avaliacao", "validation_train_mode",
             [("def avaliar(modelo, test_loader):\n",
               "@torch.no_grad()\ndef avaliar(modelo, test_loader):\n    modelo.eval()\n")]),
}


def _fixed(stub: str, bugs: list[str]) -> str:
    for bug in bugs:
        for old, new in FIXES[bug][2]:
            assert stub.count(old) == 1, (bug, old)
            stub = stub.replace(old, new)
    return stub


@pytest.mark.parametrize("order", [list(FIXES), list(reversed(FIXES))], ids=["in_order", "reversed"])
def test_fixing_the_capstone_bugs_one_at_a_time_turns_one_check_each_time(tmp_path, order):
    kata = get_pack("fundamentos").get("20_depurar_treino")
    stub = kata.stub_path.read_text(encoding="utf-8")
    files = []
    for count in range(len(order) + 1):
        folder = tmp_path / f"etapa{count}"
        folder.mkdir()
        path = folder / "20_depurar_treino.py"
        path.write_text(_fixed(stub, order[:count]), encoding="utf-8")
        files.append((kata, path, folder))
    results = run_katas(files, jobs=2)
    failing = [{check.name: check.diagnosis.code for check in result.checks if not check.passed} for result in results]
    assert failing[0] == {check: code for check, code, _ in FIXES.values()}, render_text(results[0])
    for count, bug in enumerate(order, start=1):
        check, _, _ = FIXES[bug]
        assert set(failing[count - 1]) - set(failing[count]) == {check}, (bug, render_text(results[count]))
        assert set(failing[count]) <= set(failing[count - 1]), (bug, render_text(results[count]))
    assert results[-1].passed, render_text(results[-1])
