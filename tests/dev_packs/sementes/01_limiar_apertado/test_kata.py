"""Testes ocultos de um pacote só de teste: um limite apertado demais, de propósito.

O teste lê ele mesmo ``KATACHECK_SEED``, a semente base que ``katacheck dev check --seeds N``
muda a cada execução (a execução i tem ``KATACHECK_SEED=i``): o katacheck ainda não faz as
sementes dos testes derivarem dela.
"""

import os

import pytest
import torch
from torch import nn

from katacheck import checks

SEMENTE = int(os.environ.get("KATACHECK_SEED") or 0)

#: Razão máxima perda final / inicial após 10 passos: apertada demais, de propósito. A solução,
#: medida nas sementes 0 a 7, dá 0.175, 0.147, 0.126, 0.116, 0.092, 0.093, 0.199, 0.162: 0.16 fica
#: no meio delas, e a semente 0 (0.175) falha onde a semente 1 (0.147) passa.
LIMIAR_PERDA = 0.16


@pytest.fixture(scope="module")
def execucao(learner):
    geracao = torch.Generator().manual_seed(SEMENTE)
    X = torch.randn(64, 3, generator=geracao)
    y = X @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.1 * torch.randn(64, 1, generator=geracao)
    torch.manual_seed(SEMENTE)
    modelo = checks.require_module_class(learner, "Regressor")()
    criterio = nn.MSELoss()
    antes = criterio(modelo(X), y).item()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.05)
    for _ in range(10):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
    return antes, criterio(modelo(X), y).item()


def test_perda_diminui(execucao):
    """O treino reduz a perda."""
    antes, depois = execucao
    checks.expect_loss_decreased(antes, depois, max_ratio=LIMIAR_PERDA)
