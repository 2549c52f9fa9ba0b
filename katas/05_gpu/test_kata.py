"""Testes ocultos da kata 05_gpu.

Onde há CUDA de verdade, os testes rodam nela; sem GPU (CI), numa CUDA simulada
(katacheck.checks.cuda_sim), que reproduz os erros reais de dispositivo.
"""

import pytest
import torch
from torch import nn

from katacheck import checks
from katacheck.checks.convergence import expect_run_loss_decreased
from katacheck.i18n import t

#: Razão máxima perda final / inicial do conjunto inteiro após 100 épocas (ver CALIBRATION.md).
LIMIAR_PERDA = 0.60
#: A taxa de aprendizado do laço do curso: uma perda que não cai com um lr muito longe dela é
#: diagnosticada pelo lr (checks/convergence.py).
LR_ACEITOS = (0.01,)


class SimpleLinearModel(nn.Module):
    """O modelo do curso, definido aqui para não depender do arquivo do aprendiz."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar_observando(treinar, seed: int, dispositivo: str, epocas: int = 100,
                       evidencia: str | None = None) -> checks.TrainingRun:
    X, y = checks.regression_data()
    checks.manual_seed(seed)
    # observe_training: its monitor also names a `.to()` whose result was thrown away.
    return checks.observe_training(treinar, SimpleLinearModel(), X, y, torch.device(dispositivo), epocas=epocas,
                                   evidence=evidencia)


def calibrar(aluno, seed: int) -> dict[str, float]:
    """As medidas que o script bench/calibrate.py coleta da solução de referência."""
    with checks.cuda_available():
        execucao = treinar_observando(aluno.treinar, seed, "cuda")
    return {"razao_perda": execucao.loss_after / execucao.loss_before}


@pytest.fixture(scope="module")
def execucao_curta(learner) -> checks.TrainingRun:
    """A primeira chamada de treinar, curta (7 épocas, na GPU): a das perdas devolvidas."""
    with checks.cuda_available():
        return treinar_observando(checks.require_attribute(learner, "treinar"), 1, "cuda", epocas=7)


@pytest.fixture(scope="module")
def execucao_gpu(learner, execucao_curta) -> checks.TrainingRun:
    """Um treino de 100 épocas na GPU (real ou simulada), observado por dentro.

    É a segunda chamada de treinar, depois da curta: um otimizador guardado de uma chamada para a
    outra (numa global, num argumento padrão) treinaria aqui o modelo da primeira, e é visto."""
    with checks.cuda_available():
        # A trajetória deste treino vai para o juiz, que o refaz com o SGD de referência.
        return treinar_observando(checks.require_attribute(learner, "treinar"), 0, "cuda", evidencia="treino")


def test_escolhe_cuda(learner):
    """Com GPU disponível, escolher_dispositivo() devolve cuda."""
    escolher = checks.require_attribute(learner, "escolher_dispositivo")
    with checks.cuda_available():
        dispositivo = escolher()
    checks.expect_device_type(dispositivo, "cuda", situation=t("check.situation.cuda"))


def test_escolhe_cpu(learner):
    """Sem GPU, escolher_dispositivo() devolve cpu."""
    escolher = checks.require_attribute(learner, "escolher_dispositivo")
    with checks.cuda_unavailable():
        dispositivo = escolher()
    checks.expect_device_type(dispositivo, "cpu", situation=t("check.situation.cpu"))


def test_treina_na_gpu(execucao_gpu):
    """Com dispositivo=cuda, o modelo, as entradas e os rótulos estão na GPU durante o treino."""
    checks.expect_trained_on(execucao_gpu.monitor, "cuda")


def test_treina_na_cpu(learner):
    """Com dispositivo=cpu, o treino roda na CPU, mesmo havendo GPU."""
    # Com uma GPU disponível (real ou simulada): um treinar que ignora o dispositivo recebido e
    # escolhe o seu vai para a GPU, e isso aparece em qualquer máquina, com ou sem GPU.
    with checks.cuda_available():
        execucao = treinar_observando(checks.require_attribute(learner, "treinar"), 2, "cpu", epocas=5)
    checks.expect_trained_on(execucao.monitor, "cpu")


def test_gradientes_e_perda(execucao_gpu):
    """Na GPU, os gradientes estão limpos a cada passo e a perda diminui."""
    checks.expect_constant_lr(execucao_gpu.monitor)
    checks.expect_optimizer(execucao_gpu.monitor, "SGD", execucao_gpu.model)
    checks.expect_clean_gradients(execucao_gpu.monitor)
    expect_run_loss_decreased(execucao_gpu, max_ratio=LIMIAR_PERDA, accepted_lr=LR_ACEITOS)


def test_devolve_as_perdas(execucao_curta):
    """treinar devolve a lista das perdas de cada época, como float."""
    checks.expect_full_batch_steps(execucao_curta.history, execucao_curta.monitor, 7)
    checks.expect_loss_history(execucao_curta.history, 7, first_loss=execucao_curta.loss_before,
                               monitor=execucao_curta.monitor)
