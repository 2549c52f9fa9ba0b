"""Testes ocultos da kata 04_zero_grad."""

import pytest
from torch import nn

from katacheck import checks
from katacheck.checks.convergence import expect_run_loss_decreased

#: Razão máxima perda final / inicial do conjunto inteiro após 100 épocas (ver CALIBRATION.md).
LIMIAR_PERDA = 0.60
#: A taxa de aprendizado passada nos testes: diferente do padrão, para ver que `lr` é usado.
LR = 0.02
#: A taxa de aprendizado que o enunciado pede (a recebida): uma perda que não cai com um lr muito longe
#: dela é diagnosticada pelo lr (checks/convergence.py).
LR_ACEITOS = (LR,)


class SimpleLinearModel(nn.Module):
    """O modelo do curso, definido aqui para não depender do arquivo do aprendiz."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar_observando(treinar, seed: int, epocas: int = 100, evidencia: str | None = None) -> checks.TrainingRun:
    X, y = checks.regression_data()
    checks.manual_seed(seed)
    return checks.run_training(treinar, SimpleLinearModel(), X, y, epocas=epocas, evidence=evidencia, lr=LR)


def calibrar(aluno, seed: int) -> dict[str, float]:
    """As medidas que o script bench/calibrate.py coleta da solução de referência."""
    execucao = treinar_observando(aluno.treinar, seed)
    return {"razao_perda": execucao.loss_after / execucao.loss_before}


@pytest.fixture(scope="module")
def execucao_curta(learner) -> checks.TrainingRun:
    """A primeira chamada de treinar, curta (7 épocas): a das perdas devolvidas."""
    return treinar_observando(checks.require_attribute(learner, "treinar"), seed=1, epocas=7)


@pytest.fixture(scope="module")
def execucao(learner, execucao_curta) -> checks.TrainingRun:
    """Um treino de 100 épocas, observado por dentro, que os testes abaixo examinam.

    É a segunda chamada de treinar, depois da curta: um otimizador guardado de uma chamada para a
    outra (numa global, num argumento padrão) treinaria aqui o modelo da primeira, e é visto."""
    # A trajetória deste treino vai para o juiz, que o refaz com o otimizador de referência.
    return treinar_observando(checks.require_attribute(learner, "treinar"), seed=0, evidencia="treino")


def test_define_treinar(learner):
    """O arquivo define a função treinar."""
    checks.require_attribute(learner, "treinar")


def test_sem_gradientes_velhos(execucao):
    """Cada passo usa gradientes novos: nenhum backward() soma os de um passo anterior."""
    checks.expect_clean_gradients(execucao.monitor)


def test_otimizador_sgd(execucao):
    """O otimizador é torch.optim.SGD com o lr recebido, sobre todos os parâmetros."""
    checks.expect_constant_lr(execucao.monitor)
    checks.expect_optimizer(execucao.monitor, "SGD", execucao.model, lr=LR)


def test_perda_diminui(execucao):
    """A perda do conjunto inteiro diminui com o treino."""
    expect_run_loss_decreased(execucao, max_ratio=LIMIAR_PERDA, accepted_lr=LR_ACEITOS)


def test_devolve_as_perdas(execucao_curta):
    """treinar devolve a lista das perdas de cada época, como float."""
    checks.expect_full_batch_steps(execucao_curta.history, execucao_curta.monitor, 7)
    checks.expect_loss_history(execucao_curta.history, 7, first_loss=execucao_curta.loss_before,
                               monitor=execucao_curta.monitor)
