"""Testes ocultos da kata 18_gradientes_explodindo.

Os dados são dos testes: entradas com escala 4, em que a MSE tem curvatura ~32, e o SGD puro com
lr=0.1 (lr · 32 > 2) diverge até nan em poucas épocas. Com clip_grad_norm_ entre o backward() e
o step(), cada passo anda no máximo lr · max_norma e a perda cai. Cada treino é observado por
dentro (a ordem do recorte, a norma que cada passo usou) e vai para o juiz, que o refaz com o
SGD e o recorte de referência.
"""

import torch
from torch import nn

from katacheck import checks
from katacheck.checks import clipping

#: Razão máxima perda final / inicial do conjunto inteiro após 100 épocas (ver CALIBRATION.md).
LIMIAR_PERDA = 0.6
#: O mesmo na rede oculta (ver CALIBRATION.md).
LIMIAR_PERDA_OCULTO = 0.6
#: O treino da verificação da norma: outro limite e outra taxa, que a função precisa usar.
NORMA_OCULTA, LR_OCULTO = 0.5, 0.05


class SimpleLinearModel(nn.Module):
    """O modelo do curso, definido aqui para não depender do arquivo do aprendiz."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def dados() -> tuple[torch.Tensor, torch.Tensor]:
    """64 exemplos com entradas de escala 4: o SGD a lr=0.1 diverge neles sem recorte."""
    gerador = checks.generator(18)
    X = 4 * torch.randn(64, 10, generator=gerador)
    pesos = torch.randn(10, 1, generator=gerador)
    y = X @ pesos + 0.5 + 0.1 * torch.randn(64, 1, generator=gerador)
    return X, y


def rede_oculta() -> nn.Module:
    """Uma rede que o aprendiz não conhece: Linear → ReLU → Linear."""
    return nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Linear(8, 1))


def modelo_inicial(semente: int, modelo=SimpleLinearModel) -> nn.Module:
    checks.manual_seed(semente)
    return modelo()


#: Cada treino dos testes: (semente do modelo, construtor do modelo), refeito igual pelo juiz.
TREINOS = {"ordem": (0, SimpleLinearModel), "norma": (1, SimpleLinearModel), "treino": (2, SimpleLinearModel),
           "historico": (3, SimpleLinearModel), "oculto": (4, rede_oculta)}


def treinar_observando(treinar, semente: int, evidencia: str | None = None, modelo=SimpleLinearModel, **kwargs):
    X, y = dados()
    modelo = modelo_inicial(semente, modelo)
    with clipping.watch_step_norms() as normas:
        execucao = checks.observe_training(treinar, modelo, X, y, evidence=evidencia, **kwargs)
    return execucao, normas


def calibrar(aluno, seed: int) -> dict[str, float]:
    """As medidas que o script bench/calibrate.py coleta da solução de referência."""
    execucao, _ = treinar_observando(aluno.treinar_estavel, seed)
    oculto, _ = treinar_observando(aluno.treinar_estavel, seed, modelo=rede_oculta)
    return {"razao_perda": execucao.loss_after / execucao.loss_before,
            "razao_perda_oculto": oculto.loss_after / oculto.loss_before}


def test_recorta_entre_backward_e_step(learner):
    """clip_grad_norm_(modelo.parameters(), max_norma) roda entre cada backward() e o step()."""
    treinar = checks.require_attribute(learner, "treinar_estavel")
    execucao, normas = treinar_observando(treinar, 0, "ordem", epocas=20)
    clipping.expect_norm_clipping(execucao.monitor, normas, 1.0)
    checks.expect_optimizer(execucao.monitor, "SGD", execucao.model, lr=0.1)


def test_norma_a_cada_passo(learner):
    """Com max_norma=0.5 e lr=0.05, a norma dos gradientes de cada passo fica no limite."""
    treinar = checks.require_attribute(learner, "treinar_estavel")
    execucao, normas = treinar_observando(treinar, 1, "norma", epocas=20, lr=LR_OCULTO, max_norma=NORMA_OCULTA)
    clipping.expect_norm_clipping(execucao.monitor, normas, NORMA_OCULTA)
    clipping.expect_norm_at_every_step(normas, NORMA_OCULTA)
    checks.expect_optimizer(execucao.monitor, "SGD", execucao.model, lr=LR_OCULTO)


def test_perda_finita_e_cai(learner):
    """Em 100 épocas a lr=0.1, onde o SGD sem recorte diverge, a perda fica finita e cai."""
    treinar = checks.require_attribute(learner, "treinar_estavel")
    execucao, _ = treinar_observando(treinar, 2, "treino")
    clipping.expect_stable_loss(execucao, LIMIAR_PERDA)
    checks.expect_clean_gradients(execucao.monitor)


def test_devolve_as_perdas(learner):
    """treinar_estavel devolve a lista das perdas de cada época, como float."""
    treinar = checks.require_attribute(learner, "treinar_estavel")
    execucao, _ = treinar_observando(treinar, 3, "historico", epocas=4)
    historico = checks.expect_loss_history(execucao.history, 4, first_loss=execucao.loss_before,
                                           monitor=execucao.monitor)
    checks.evidence.submit("perdas", perdas=historico)


def test_modelo_oculto(learner):
    """Numa rede oculta de duas camadas (ReLU), que também explode sem recorte, a perda fica finita e cai."""
    treinar = checks.require_attribute(learner, "treinar_estavel")
    execucao, _ = treinar_observando(treinar, 4, "oculto", modelo=rede_oculta)
    clipping.expect_stable_loss(execucao, LIMIAR_PERDA_OCULTO)
