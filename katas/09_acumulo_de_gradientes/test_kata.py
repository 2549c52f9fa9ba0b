"""Testes ocultos da kata 09_acumulo_de_gradientes.

Cada treino usa um modelo e dados só destes testes; o gradiente que o step() encontra é
comparado com o que cada parte dá, recalculado aqui em float64 (katacheck.checks.accumulation).
"""

from dataclasses import dataclass

import pytest
import torch
from torch import nn

from katacheck import checks

#: A taxa do SGD que os testes entregam: o juiz refaz o passo com ela.
LR = 0.1
#: O critério que cada cenário entrega, pelo nome: a classe dada a passo_acumulado e a conta que
#: ela faz (refeita aqui e pelo juiz). Com a L1, uma MSE escrita à mão no lugar de criterio aparece.
CRITERIOS = {
    "mse": (nn.MSELoss, nn.functional.mse_loss),
    "l1": (nn.L1Loss, nn.functional.l1_loss),
}


class ModeloOculto(nn.Module):
    """Um modelo pequeno, só dos testes: duas camadas com tanh no meio e duas saídas."""

    def __init__(self):
        super().__init__()
        self.camada1 = nn.Linear(6, 5)
        self.camada2 = nn.Linear(5, 2)

    def forward(self, x):
        return self.camada2(torch.tanh(self.camada1(x)))


@dataclass(frozen=True)
class Cenario:
    """Um lote, em quantas partes ele é cortado e se já há gradientes velhos em .grad."""

    linhas: int
    partes: int
    semente: int
    gradientes_velhos: bool = False
    criterio: str = "mse"


#: O que cada treino observado faz, pelo rótulo da evidência que vai para o juiz.
CENARIOS = {
    "partes_iguais": Cenario(linhas=12, partes=3, semente=0),
    "gradientes_velhos": Cenario(linhas=12, partes=3, semente=1, gradientes_velhos=True),
    "partes_desiguais": Cenario(linhas=10, partes=4, semente=2),  # 3, 3, 2, 2
    "outro_criterio": Cenario(linhas=11, partes=3, semente=3, criterio="l1"),  # 4, 4, 3
}


def dados(cenario: Cenario) -> tuple[torch.Tensor, torch.Tensor]:
    return checks.regression_data(n=cenario.linhas, features=6, outputs=2, seed=100 + cenario.semente)


def modelo_inicial(cenario: Cenario) -> nn.Module:
    checks.manual_seed(cenario.semente)
    return ModeloOculto()


def deixar_gradientes_velhos(modelo: nn.Module) -> None:
    """Os gradientes de um lote anterior, ainda em .grad, como um laço de treino os deixa."""
    X, y = checks.regression_data(n=8, features=6, outputs=2, seed=999)
    nn.functional.mse_loss(modelo(X), y).backward()


def observar(passo_acumulado, rotulo: str) -> tuple[checks.AccumulationRun, torch.optim.Optimizer]:
    cenario = CENARIOS[rotulo]
    X, y = dados(cenario)
    modelo = modelo_inicial(cenario)
    if cenario.gradientes_velhos:
        deixar_gradientes_velhos(modelo)
    otimizador = torch.optim.SGD(modelo.parameters(), lr=LR)
    classe, conta = CRITERIOS[cenario.criterio]
    execucao = checks.observe_accumulation(passo_acumulado, modelo, otimizador, classe(), X, y,
                                           cenario.partes, loss_fn=conta, evidence=rotulo,
                                           ignored_loss_fn=None if cenario.criterio == "mse" else CRITERIOS["mse"][1])
    return execucao, otimizador


@pytest.fixture(scope="module")
def passo(learner):
    return checks.require_attribute(learner, "passo_acumulado")


@pytest.fixture(scope="module")
def iguais(passo):
    """12 linhas em 3 partes de 4, sem gradientes em .grad antes da chamada."""
    return observar(passo, "partes_iguais")


@pytest.fixture(scope="module")
def velhos(passo):
    """12 linhas em 3 partes, com os gradientes de um lote anterior ainda em .grad."""
    return observar(passo, "gradientes_velhos")


@pytest.fixture(scope="module")
def desiguais(passo):
    """10 linhas em 4 partes: 3, 3, 2 e 2."""
    return observar(passo, "partes_desiguais")


@pytest.fixture(scope="module")
def outro(passo):
    """11 linhas em 3 partes (4, 4 e 3), com nn.L1Loss() como criterio."""
    return observar(passo, "outro_criterio")


def test_define_passo_acumulado(learner, iguais):
    """O arquivo define a função passo_acumulado."""
    checks.require_attribute(learner, "passo_acumulado")


def test_em_partes(iguais, desiguais):
    """O lote passa pelo modelo nas partes de torch.tensor_split(X, partes), com um backward() por parte."""
    for execucao, _ in (iguais, desiguais):
        checks.expect_pieces(execucao)


def test_gradiente_do_lote_inteiro(iguais):
    """Com partes iguais, o step() usa o gradiente do lote inteiro."""
    checks.expect_accumulated_gradient(iguais[0])


def test_gradientes_velhos(velhos):
    """Gradientes que já estavam em .grad antes da chamada não entram na soma."""
    checks.expect_accumulated_gradient(velhos[0])


def test_partes_desiguais(desiguais):
    """Com partes de tamanhos diferentes, o step() também usa o gradiente do lote inteiro."""
    checks.expect_accumulated_gradient(desiguais[0])


def test_usa_o_criterio(outro):
    """A perda de cada parte vem do criterio recebido: com nn.L1Loss(), o step() usa o gradiente da L1 do lote."""
    execucao, _ = outro
    checks.expect_accumulated_gradient(execucao)


def test_um_passo(iguais, desiguais):
    """O otimizador recebido dá exatamente um step(), depois de todas as partes."""
    for execucao, otimizador in (iguais, desiguais):
        checks.expect_single_step(execucao, otimizador)


def test_devolve_a_perda(iguais, desiguais, outro):
    """passo_acumulado devolve a perda do lote inteiro, antes do passo, como float."""
    for execucao, _ in (iguais, desiguais, outro):
        checks.expect_accumulated_loss(execucao)


def medir(aluno, semente: int) -> dict[str, float]:
    """As folgas numéricas de uma execução de ``aluno`` com a semente ``semente`` (ver
    CALIBRATION.md): a distância relativa do gradiente do step() à combinação certa das partes e
    à errada mais próxima, da perda devolvida à do lote inteiro e do passo ao do juiz."""
    from dataclasses import replace

    from katacheck.checks import accumulation
    from katacheck.judge import step_gap

    medidas: dict[str, float] = {}
    for rotulo, cenario in CENARIOS.items():
        cenario = replace(cenario, semente=semente)
        X, y = dados(cenario)
        modelo = modelo_inicial(cenario)
        inicial = [p.detach().double().clone() for p in modelo.parameters()]
        if cenario.gradientes_velhos:
            deixar_gradientes_velhos(modelo)
        otimizador = torch.optim.SGD(modelo.parameters(), lr=LR)
        classe, conta = CRITERIOS[cenario.criterio]
        execucao = checks.observe_accumulation(aluno.passo_acumulado, modelo, otimizador, classe(), X, y,
                                               cenario.partes, loss_fn=conta)
        achado = [g.double() for g in execucao.monitor.step_gradients[0]]
        combinacoes = [accumulation._combine(execucao, c) for c in accumulation.COMBINATIONS]
        certo = combinacoes[0]
        errados = [c for c in combinacoes[1:] if accumulation._gap(c, certo) > 0]
        cheio = [sum(g) for g in zip(*[[w * gi for gi in gs] for w, gs in
                                        zip(accumulation._share(execucao.sizes), execucao.piece_gradients)])]
        final = [p.detach().double() for p in modelo.parameters()]
        medidas[f"gradiente_{rotulo}"] = accumulation._gap(achado, certo)
        medidas[f"mais_proximo_errado_{rotulo}"] = min(accumulation._gap(achado, c) for c in errados)
        medidas[f"perda_{rotulo}"] = abs(execucao.returned - execucao.loss_before) / max(1.0, execucao.loss_before)
        medidas[f"passo_{rotulo}"] = step_gap(inicial, final, [p - LR * g for p, g in zip(inicial, cheio)])
    return medidas
