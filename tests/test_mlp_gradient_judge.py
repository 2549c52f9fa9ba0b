"""Kata 11's judge refutes, from the gradients alone, a forward that cuts fc1 out of the graph.

The outputs of a ``.detach()`` after fc1 are right, so only the gradient evidence of
``test_gradiente_chega_as_camadas`` can tell: each test here records it under the same check the
kata uses, with a claimed "all passed", and hands it to the judge.
"""

from __future__ import annotations

import importlib.util

import pytest
import torch
from torch import nn

from katacheck import checks
from katacheck.checks import context
from katacheck.plugins import get_pack
from katacheck.result import CheckResult, KataResult, Status
from katacheck.runner.parent import dsession
from katacheck.runner.parent.dsession import _judged

CHECK = "test_gradiente_chega_as_camadas"


class _MLP(nn.Module):
    def __init__(self, cut: bool):
        super().__init__()
        self.fc1, self.fc2, self.cut = nn.Linear(784, 128), nn.Linear(128, 10), cut

    def forward(self, x):
        h = self.fc1(x.flatten(1))
        return self.fc2(torch.relu(h.detach() if self.cut else h))


@pytest.fixture(autouse=True, scope="module")
def _stop_workers():
    yield
    dsession.shutdown()


def _refuted(evidence) -> dict[str, str]:
    kata = get_pack("fundamentos").get("11_mlp")
    claimed = KataResult(kata.id, kata.title, checks=(CheckResult(CHECK, CHECK, Status.PASS),))
    result = _judged(kata, claimed, evidence)
    return {check.name: check.diagnosis.code for check in result.checks if not check.passed}


def _evidence(model: nn.Module, *, forge: bool = False) -> list:
    kata = get_pack("fundamentos").get("11_mlp")
    spec = importlib.util.spec_from_file_location("testes_11", kata.tests_path)
    testes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(testes)
    context.take_recorded()
    checks.install_known_weights(model, testes.SEMENTE_PESOS)
    if forge:
        # A child that skips its own check and sends what backward() left: no gradient in fc1.
        with torch.enable_grad():
            saidas = model(testes.GRADIENTE)
        direcao = checks.batch.gradient_direction(tuple(saidas.shape), testes.SEMENTE_DIRECAO)
        (saidas * direcao).sum().backward()
        camadas = [model.fc1, model.fc2]
        checks.evidence.submit("gradiente", outputs=saidas.detach(),
                               gradients=[[None if p.grad is None else p.grad for p in (c.weight, c.bias)]
                                          for c in camadas],
                               layers=[{"shape": list(c.weight.shape), "bias": True} for c in camadas])
    else:
        checks.expect_gradient_reaches_layers(model, testes.GRADIENTE, seed=testes.SEMENTE_DIRECAO,
                                              evidence="gradiente")
    return context.take_recorded()["evidence"]


def test_the_judge_accepts_the_gradients_of_the_right_forward():
    assert _refuted(_evidence(_MLP(cut=False))) == {}


def test_a_detached_fc1_claimed_as_passing_is_refuted():
    assert _refuted(_evidence(_MLP(cut=True), forge=True)) == {CHECK: "judge.graph_gradient"}
