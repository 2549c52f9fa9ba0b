"""Testes ocultos da kata 02_relu."""

import torch

from katacheck import checks
from katacheck.checks.locations import definition_location

#: Razão máxima perda final / inicial no teste de aprendizado (ver CALIBRATION.md).
LIMIAR_APRENDE = 0.65
#: Quanto maiores são as entradas da segunda sonda (a mesma escala da verificação no processo).
ESCALA_GRANDE = checks.model.CEILING_PROBE_SCALE


def calibrar(aluno, seed: int) -> dict[str, float]:
    """As medidas que o script bench/calibrate.py coleta da solução de referência."""
    return {"razao_aprende": checks.learning_ratio(aluno.DuasCamadasReLU, seed)}


def test_define_a_classe(learner):
    """O arquivo define a classe DuasCamadasReLU, um nn.Module."""
    checks.require_module_class(learner, "DuasCamadasReLU")


def test_relu_entre_as_camadas(learner):
    """O forward aplica linear → ReLU → linear."""
    classe = checks.require_module_class(learner, "DuasCamadasReLU")
    modelo = classe()
    trace = checks.expect_linear_chain(modelo, (10, 5, 1))
    checks.expect_relu_between_linears(modelo, trace)
    # Para o juiz: as saídas em entradas que ele sabe refazer, com os pesos do próprio modelo.
    checks.evidence.forward("padrao", modelo, checks.probe_inputs(16, 10))
    # Valores grandes, que passam do teto de uma ReLU6 ou de um clamp(0, 1): só eles os distinguem da ReLU.
    checks.evidence.forward("padrao_grande", modelo, checks.probe_inputs(16, 10) * ESCALA_GRANDE)


def test_outros_tamanhos(learner):
    """DuasCamadasReLU(7, 4, 3) respeita os tamanhos pedidos, com a ReLU no meio."""
    classe = checks.require_module_class(learner, "DuasCamadasReLU")
    modelo = classe(7, 4, 3)
    trace = checks.expect_linear_chain(modelo, (7, 4, 3))
    checks.expect_relu_between_linears(modelo, trace)
    checks.evidence.forward("outros", modelo, checks.probe_inputs(16, 7))
    checks.evidence.forward("outros_grande", modelo, checks.probe_inputs(16, 7) * ESCALA_GRANDE)


def test_gradientes(learner):
    """Todos os parâmetros recebem gradiente finito e não nulo."""
    classe = checks.require_module_class(learner, "DuasCamadasReLU")
    X, y = checks.regression_data(n=32)
    checks.expect_gradients_flow(classe(), X, y)


def test_aprende(learner):
    """Treinado pelo laço do curso, o modelo reduz a perda."""
    classe = checks.require_module_class(learner, "DuasCamadasReLU")
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
