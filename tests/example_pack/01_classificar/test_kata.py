"""Testes ocultos da kata 01_classificar."""

import pytest
import torch
from torch import nn

from katacheck import checks

#: Razão máxima perda final / inicial após 50 passos. Calibração: 150 sementes da solução dão
#: 0.172 / 0.233 / 0.371 (mín. / mediana / máx.); (1 − 0.371) / (1 − 0.7) = 2.1× de margem.
LIMIAR_PERDA = 0.7


def treinar(modelo, X, y, passos=50):
    """O laço do curso: o aprendiz escreve o modelo, a kata escreve o treino."""
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.5)
    criterio = nn.CrossEntropyLoss()
    for _ in range(passos):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()


@pytest.fixture(scope="module")
def execucao(learner):
    geracao = torch.Generator().manual_seed(0)
    X = torch.randn(90, 4, generator=geracao)
    y = X[:, :3].argmax(dim=1)
    torch.manual_seed(0)
    modelo = checks.require_module_class(learner, "Classificador")()
    antes = nn.functional.cross_entropy(modelo(X), y).item()
    with checks.SilentBugMonitor(model=modelo) as monitor:
        checks.call_learner(treinar, modelo, X, y)
    depois = nn.functional.cross_entropy(modelo(X), y).item()
    return monitor, antes, depois


def test_logits_na_perda(execucao):
    """A perda recebe logits, não probabilidades."""
    monitor, _, _ = execucao
    checks.expect_logits_to_cross_entropy(monitor)


def test_perda_diminui(execucao):
    """O treino reduz a perda."""
    monitor, antes, depois = execucao
    checks.expect_loss_decreased(antes, depois, max_ratio=LIMIAR_PERDA, curve=monitor.losses)
