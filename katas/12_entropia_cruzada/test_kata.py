"""Testes ocultos da kata 12_entropia_cruzada.

Os dados são pontos do plano em três classes (três nuvens que se sobrepõem um pouco) e os
modelos são dos testes: um MLP 2 → 16 → 3 para treinar e, para `prever`, um com BatchNorm e
Dropout, em que o modo de avaliação muda as contas.
"""

import math

import pytest
import torch
from torch import nn

from katacheck import checks

N_CLASSES = 3
#: A taxa passada nos testes: diferente do padrão (0.1), para ver que `lr` é usado.
LR = 0.3
EPOCAS = 100
#: Razão máxima perda final / inicial (entropia cruzada do conjunto de treino). Ver CALIBRATION.md.
LIMIAR_PERDA = 0.75
#: Razão máxima erro nos pontos novos / erro de quem chuta (1 − 1/3). Ver CALIBRATION.md.
LIMIAR_ERRO = 0.63
#: O acerto mínimo nos pontos novos que LIMIAR_ERRO dá: 58 %.
ACERTO_MINIMO = 1 - LIMIAR_ERRO * (1 - 1 / N_CLASSES)


class Classificador(nn.Module):
    """O modelo treinado nos testes: 2 → 16 → 3, com uma ReLU."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 16)
        self.fc2 = nn.Linear(16, N_CLASSES)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class ClassificadorComDropout(nn.Module):
    """Para `prever`: com BatchNorm e Dropout, o modo de treino e o de avaliação dão contas diferentes."""

    def __init__(self):
        super().__init__()
        self.rede = nn.Sequential(nn.Linear(2, 32), nn.BatchNorm1d(32), nn.ReLU(), nn.Dropout(0.5),
                                  nn.Linear(32, N_CLASSES))

    def forward(self, x):
        return self.rede(x)


def pontos(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` pontos ``[n, 2]`` (float32) e as classes deles ``[n]`` (int64): três nuvens normais em
    volta de centros a 120° um do outro, com gerador próprio (o juiz os refaz)."""
    gerador = torch.Generator().manual_seed(seed)
    classes = torch.arange(n) % N_CLASSES
    angulos = classes.double() * 2 * math.pi / N_CLASSES
    centros = torch.stack([torch.cos(angulos), torch.sin(angulos)], dim=1) * 1.6
    X = (centros + torch.randn(n, 2, generator=gerador, dtype=torch.float64)).float()
    ordem = torch.randperm(n, generator=gerador)
    return X[ordem], classes[ordem]


def treino():
    return pontos(240, seed=2024)


def pontos_novos():
    """Pontos que o treino nunca viu, da mesma distribuição."""
    return pontos(300, seed=2025)


def modelo_inicial(classe=Classificador, seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return classe()


def treinar_observando(treinar, seed: int, epocas: int = EPOCAS, evidencia: str | None = None):
    X, rotulos = treino()
    modelo = modelo_inicial(seed=seed)
    return checks.observe_classifier_training(treinar, modelo, X, rotulos, epocas=epocas, lr=LR, evidence=evidencia)


def calibrar(aluno, seed: int) -> dict[str, float]:
    """As medidas que o script bench/calibrate.py coleta da solução de referência."""
    execucao = treinar_observando(aluno.treinar_classificador, seed)
    X, rotulos = pontos_novos()
    erro = 1 - checks.accuracy(execucao.model, X, rotulos)
    return {"razao_perda": execucao.run.loss_after / execucao.run.loss_before,
            "razao_erro": erro / (1 - 1 / N_CLASSES)}


@pytest.fixture(scope="module")
def execucao(learner):
    """Um treino de 100 épocas, observado por dentro, que os testes abaixo examinam."""
    # A trajetória deste treino vai para o juiz, que o refaz com o SGD e a entropia cruzada.
    return treinar_observando(checks.require_attribute(learner, "treinar_classificador"), seed=0, evidencia="treino")


def test_perda_entropia_cruzada(execucao):
    """O treino usa nn.CrossEntropyLoss com os logits crus e os rótulos inteiros."""
    checks.expect_class_index_targets(execucao, treino()[1])
    checks.expect_logits_to_cross_entropy(execucao.monitor)


def test_otimizador_sgd(execucao):
    """O otimizador é torch.optim.SGD com o lr recebido, e cada passo usa gradientes novos."""
    checks.expect_optimizer(execucao.monitor, "SGD", execucao.model, lr=LR)
    checks.expect_clean_gradients(execucao.monitor)


def test_perda_diminui(execucao):
    """A entropia cruzada do conjunto de treino diminui com o treino."""
    run = execucao.run
    checks.expect_loss_decreased(run.loss_before, run.loss_after, max_ratio=LIMIAR_PERDA, curve=run.monitor.losses)


def test_acerta_pontos_novos(execucao):
    """Depois do treino, o modelo acerta pelo menos 58 % de pontos que nunca viu."""
    X, rotulos = pontos_novos()
    checks.expect_accuracy(checks.accuracy(execucao.model, X, rotulos), min_accuracy=ACERTO_MINIMO, points=len(X))


def test_devolve_as_perdas(learner):
    """treinar_classificador devolve a lista das perdas de cada época, como float."""
    treinar = checks.require_attribute(learner, "treinar_classificador")
    execucao = treinar_observando(treinar, seed=1, epocas=7, evidencia="historico")
    # A primeira perda é a do próprio treino (o primeiro backward): uma perda errada já é o
    # assunto do primeiro teste, e não deve aparecer aqui também como uma lista "falsa".
    primeira = execucao.monitor.losses[0] if execucao.monitor.losses else execucao.run.loss_before
    perdas = checks.expect_loss_history(execucao.run.history, 7, first_loss=primeira)
    checks.evidence.submit("perdas", perdas=perdas)


def test_prever_devolve_classes(learner):
    """prever devolve as classes previstas: um tensor int64 [N], a de maior pontuação de cada ponto."""
    prever = checks.require_attribute(learner, "prever")
    modelo = modelo_inicial(seed=3)
    X, _ = pontos_novos()
    estado = {nome: valor.clone() for nome, valor in modelo.state_dict().items()}
    previsoes = checks.call_learner(prever, modelo, X)
    checks.expect_class_predictions(previsoes, modelo, X, function=prever)
    checks.evidence.submit("previsoes", estado=estado, previsoes=previsoes)


def test_prever_em_modo_de_avaliacao(learner):
    """prever chama o modelo em modo de avaliação (model.eval()) e sem gradientes (torch.no_grad())."""
    prever = checks.require_attribute(learner, "prever")
    modelo = modelo_inicial(ClassificadorComDropout, seed=4)
    X, _ = pontos_novos()
    estado = {nome: valor.clone() for nome, valor in modelo.state_dict().items()}
    saidas = []
    gancho = modelo.register_forward_hook(lambda modulo, entradas, saida: saidas.append(saida.detach().clone()))
    try:
        checks.expect_evaluation_mode(prever, modelo, X)
    finally:
        gancho.remove()
    checks.evidence.submit("avaliacao", estado=estado, saidas=saidas[-1] if saidas else None)
