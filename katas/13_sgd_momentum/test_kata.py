"""Testes ocultos da kata 13_sgd_momentum.

passo_sgd roda em modelos e dados próprios dos testes, em float64: assim a comparação com o
torch.optim.SGD até 1e-6 mede a regra do aprendiz, não o arredondamento. Os gradientes são
calculados pelos testes antes de cada chamada; o aprendiz escreve só a atualização.
"""

from dataclasses import dataclass

import pytest
import torch
from torch import nn

from katacheck import checks
from katacheck.checks import sgd_step

#: Razão máxima perda final / inicial do conjunto inteiro após 100 épocas com o otimizador de
#: criar_otimizador (ver CALIBRATION.md).
LIMIAR_PERDA = 0.60
#: Épocas do treino com o otimizador de criar_otimizador.
EPOCAS = 100


class SimpleLinearModel(nn.Module):
    """O modelo do curso, definido aqui para não depender do arquivo do aprendiz."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


@dataclass(frozen=True)
class Execucao:
    """Uma série de chamadas de passo_sgd: o modelo (semente), os valores e quantos passos."""

    seed: int
    valores: sgd_step.SgdSettings
    passos: int = 20
    #: Só lr é passado: momentum e weight_decay ficam com os valores padrão da função.
    padrao: bool = False


#: Cada série que os testes fazem, pelo rótulo da evidência que ela manda ao juiz.
EXECUCOES = {
    "padrao": Execucao(0, sgd_step.SgdSettings(lr=0.05), padrao=True),
    "momentum_zero": Execucao(1, sgd_step.SgdSettings(lr=0.1, momentum=0.0, weight_decay=0.01)),
    "weight_decay_zero": Execucao(2, sgd_step.SgdSettings(lr=0.02, momentum=0.9, weight_decay=0.0)),
    "sem_grafo": Execucao(3, sgd_step.SgdSettings(lr=0.05), passos=3),
}


def dados_ocultos() -> tuple[torch.Tensor, torch.Tensor]:
    """32 exemplos de 6 entradas e 2 saídas, sempre os mesmos sob a mesma semente base (gerador próprio)."""
    gerador = checks.generator(1313)
    X = torch.randn(32, 6, generator=gerador, dtype=torch.float64)
    return X, torch.randn(32, 2, generator=gerador, dtype=torch.float64)


def modelo_oculto(seed: int) -> nn.Module:
    """Uma rede pequena, com quatro tensores de parâmetros, criada logo depois de checks.manual_seed(seed)."""
    checks.manual_seed(seed)
    return nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 2)).double()


def executar(passo_sgd, rotulo: str, evidencia: bool = True) -> sgd_step.SgdStepRun:
    execucao = EXECUCOES[rotulo]
    X, y = dados_ocultos()
    return sgd_step.run_sgd_steps(passo_sgd, modelo_oculto(execucao.seed), X, y, execucao.valores,
                                  steps=execucao.passos, pass_defaults=execucao.padrao,
                                  evidence=rotulo if evidencia else None)


def treino_do_curso(criar_otimizador):
    """O laço do curso, com o otimizador que criar_otimizador devolve."""

    def treinar(modelo, X, y, epocas=EPOCAS):
        criterio = nn.MSELoss()
        otimizador = checks.call_learner(criar_otimizador, modelo)
        sgd_step.expect_returned_optimizer(otimizador, criar_otimizador)
        perdas = []
        for _ in range(epocas):
            otimizador.zero_grad()
            perda = criterio(modelo(X), y)
            perda.backward()
            otimizador.step()
            perdas.append(perda.item())
        return perdas

    return treinar


def treinar_observando(criar_otimizador, seed: int, evidencia: str | None = None) -> checks.TrainingRun:
    X, y = checks.regression_data()
    checks.manual_seed(seed)
    return checks.run_training(treino_do_curso(criar_otimizador), SimpleLinearModel(), X, y, evidence=evidencia)


def calibrar(aluno, seed: int) -> dict[str, float]:
    """As medidas que o script bench/calibrate.py coleta da solução de referência."""
    execucao = treinar_observando(aluno.criar_otimizador, seed)
    return {"razao_perda": execucao.loss_after / execucao.loss_before}


@pytest.fixture(scope="module")
def padrao(learner) -> sgd_step.SgdStepRun:
    """20 chamadas de passo_sgd(parametros, velocidades, lr=0.05), com momentum e weight_decay padrão."""
    return executar(checks.require_attribute(learner, "passo_sgd"), "padrao")


@pytest.fixture(scope="module")
def treino(learner) -> checks.TrainingRun:
    """100 épocas do laço do curso com o otimizador de criar_otimizador, observadas por dentro."""
    # A trajetória deste treino vai para o juiz, que o refaz com o SGD das notas.
    return treinar_observando(checks.require_attribute(learner, "criar_otimizador"), seed=0, evidencia="treino")


def test_mesmos_passos_do_sgd(padrao):
    """20 passos de passo_sgd, com os valores padrão, seguem o torch.optim.SGD(momentum=0.9, weight_decay=1e-4) até 1e-6."""
    sgd_step.expect_sgd_defaults(padrao.step)
    sgd_step.expect_updates_in_place(padrao)
    sgd_step.expect_velocities_filled(padrao)
    sgd_step.expect_sgd_steps(padrao)


def test_velocidades_persistem(padrao):
    """velocidades é preenchida na primeira chamada e guarda, de uma chamada para a outra, o v ← μ·v + ∇J + λ·w."""
    sgd_step.expect_velocities_kept(padrao)


def test_momentum_zero(learner):
    """Com momentum=0 (e weight_decay=0.01), o passo é w ← w − η·(∇J + λ·w)."""
    execucao = executar(checks.require_attribute(learner, "passo_sgd"), "momentum_zero")
    sgd_step.expect_updates_in_place(execucao)
    sgd_step.expect_sgd_steps(execucao)


def test_weight_decay_zero(learner):
    """Com weight_decay=0 (e momentum=0.9), os passos seguem o SGD com momentum, sem decaimento."""
    execucao = executar(checks.require_attribute(learner, "passo_sgd"), "weight_decay_zero")
    sgd_step.expect_updates_in_place(execucao)
    sgd_step.expect_velocities_filled(execucao)
    sgd_step.expect_sgd_steps(execucao)


def test_sem_grafo(learner):
    """A atualização não constrói grafo: as velocidades guardadas não carregam o autograd de um passo para o outro."""
    execucao = executar(checks.require_attribute(learner, "passo_sgd"), "sem_grafo")
    sgd_step.expect_no_graph(execucao)


def test_criar_otimizador(treino):
    """criar_otimizador devolve o SGD das notas, sobre todos os parâmetros: lr=0.01, momentum=0.9, weight_decay=1e-4."""
    sgd_step.expect_notes_optimizer(treino.monitor, treino.model)


def test_otimizador_reduz_a_perda(treino):
    """Com o otimizador de criar_otimizador, o laço do curso reduz a perda do conjunto inteiro."""
    checks.expect_loss_decreased(treino.loss_before, treino.loss_after, max_ratio=LIMIAR_PERDA,
                                 curve=treino.monitor.losses)


# -- calibração da tolerância de 1e-6 (CALIBRATION.md) ----------------------------------------------


def desvios(aluno, seed: int) -> dict[str, float]:
    """O maior desvio das séries de passo_sgd do aluno, com o modelo oculto da semente ``seed``,
    do torch.optim.SGD com os mesmos valores: dos pesos (absoluto, o que a tolerância de 1e-6
    mede) e das velocidades da série padrão (relativo, como o juiz as compara)."""
    X, y = dados_ocultos()
    medidas = {"pesos": 0.0, "velocidades": 0.0}
    for rotulo, execucao in EXECUCOES.items():
        serie = sgd_step.run_sgd_steps(aluno.passo_sgd, modelo_oculto(seed), X, y, execucao.valores,
                                       steps=execucao.passos, pass_defaults=execucao.padrao)
        pontos, buffers = sgd_step.reference_sgd(modelo_oculto(seed), X, y, execucao.valores, execucao.passos)
        medidas["pesos"] = max(medidas["pesos"], *(sgd_step.parameter_gap(a, b) for a, b in zip(serie.params, pontos)))
        if rotulo == "padrao":
            medidas["velocidades"] = max(sgd_step.velocity_gap(a or [], b) for a, b in zip(serie.velocities, buffers))
    return medidas


def _tabela_de_tolerancias(sementes: int = 100) -> str:
    """A seção de CALIBRATION.md sobre as tolerâncias: as variantes certas longe delas, as quase
    certas (um erro da tabela sgd_step.RULES) muito acima."""
    import re
    from pathlib import Path

    from katacheck.checks import context
    from katacheck.checks.loading import load_learner_module

    pasta = Path(__file__).resolve().parent
    variantes = pasta.parents[1] / "tests" / "variants" / pasta.name
    quase = {rule.code for rule in sgd_step.RULES}
    arquivos = [("solução", pasta / "solution.py", "pass")]
    for caminho in sorted(variantes.glob("*.py")):
        espera = re.match(r"#\s*expect:\s*(\S+)", caminho.read_text(encoding="utf-8"))[1]
        if espera == "pass" or espera in quase:
            arquivos.append((caminho.stem, caminho, espera))
    linhas = ["| referência | espera | pesos: maior desvio | pesos: menor desvio | velocidades: maior | velocidades: menor |",
              "|---|---|---|---|---|---|"]
    for nome, caminho, espera in arquivos:
        context.set_learner_file(caminho)
        aluno = load_learner_module(str(caminho))
        medidas = [desvios(aluno, seed) for seed in range(sementes)]
        pesos = [m["pesos"] for m in medidas]
        velocidades = [m["velocidades"] for m in medidas]
        linhas.append(f"| {nome} | {espera} | {max(pesos):.2g} | {min(pesos):.2g} | {max(velocidades):.2g} | "
                      f"{min(velocidades):.2g} |")
    return "\n".join(linhas)


if __name__ == "__main__":
    print(_tabela_de_tolerancias())
