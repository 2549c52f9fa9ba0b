"""Testes ocultos da kata 01_duas_camadas."""

import torch

from katacheck import checks
from katacheck.checks.locations import definition_location

#: Razão máxima perda final / inicial no teste de aprendizado (ver CALIBRATION.md).
LIMIAR_APRENDE = 0.60


def calibrar(aluno, seed: int) -> dict[str, float]:
    """As medidas que o script bench/calibrate.py coleta da solução de referência."""
    return {"razao_aprende": checks.learning_ratio(aluno.DuasCamadas, seed)}


def test_define_a_classe(learner):
    """O arquivo define a classe DuasCamadas, um nn.Module."""
    checks.require_module_class(learner, "DuasCamadas")


def test_tamanhos_padrao(learner):
    """DuasCamadas() encadeia duas nn.Linear: 10 → 5 → 1."""
    classe = checks.require_module_class(learner, "DuasCamadas")
    modelo = classe()
    checks.expect_linear_chain(modelo, (10, 5, 1))
    # Para o juiz: as saídas em entradas que ele sabe refazer, com os pesos do próprio modelo.
    checks.evidence.forward("padrao", modelo, checks.probe_inputs(16, 10))


def test_outros_tamanhos(learner):
    """DuasCamadas(7, 4, 3) respeita os tamanhos pedidos, na ordem."""
    classe = checks.require_module_class(learner, "DuasCamadas")
    modelo = classe(7, 4, 3)
    checks.expect_linear_chain(modelo, (7, 4, 3))
    checks.evidence.forward("outros", modelo, checks.probe_inputs(16, 7))


def test_gradientes(learner):
    """Todos os parâmetros recebem gradiente finito e não nulo."""
    classe = checks.require_module_class(learner, "DuasCamadas")
    X, y = checks.regression_data(n=32)
    checks.expect_gradients_flow(classe(), X, y)


def test_aprende(learner):
    """Treinado pelo laço do curso, o modelo reduz a perda."""
    classe = checks.require_module_class(learner, "DuasCamadas")
    expect_output_like_targets(classe)
    razao = checks.learning_ratio(classe, seed=0)
    checks.expect_loss_decreased(1.0, razao, max_ratio=LIMIAR_APRENDE)


def expect_output_like_targets(classe) -> None:
    """A saída tem o formato dos alvos do laço do curso ([N, 1]): senão a MSE do laço espalha
    (broadcast) e a perda não cai por isso, não pelo treino, que é dos testes. O mesmo
    diagnóstico do formato da saída acima ("mesma causa acima"), em vez de um sobre o laço."""
    X, y = checks.regression_data(n=8)
    with torch.no_grad():
        forma = tuple(classe()(X).shape)
    if forma != tuple(y.shape):
        checks.fail("output_shape", found=forma, expected=tuple(y.shape), location=definition_location(classe))
