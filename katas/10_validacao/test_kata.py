"""Testes ocultos da kata 10_validacao.

O modelo dos testes tem Dropout e BatchNorm, então o modo muda os números: em modo de treino o
Dropout sorteia neurônios e a BatchNorm usa (e atualiza) as estatísticas do lote; em modo de
avaliação, nenhum dos dois. Cada forward é observado (katacheck.checks.validation) e o juiz
refaz cada época a partir do estado que o modelo tinha.
"""

import pytest
import torch
from torch import nn

from katacheck import checks

#: Quantas épocas e com que taxa os testes treinam (diferentes dos padrões, para ver que são usados).
EPOCAS = 6
LR = 0.05
P_DROPOUT = 0.3
SEMENTE_MODELO = 0
#: O critério que test_avaliar_devolve_a_perda entrega a avaliar, e a conta que ele faz (refeita
#: pelo juiz): outro que não a MSE, para que uma MSE escrita à mão no lugar de criterio apareça.
CRITERIO_AVALIAR = (nn.L1Loss, nn.functional.l1_loss)


class RedeComDropout(nn.Module):
    """O modelo dos testes: linear → BatchNorm → ReLU → Dropout → linear."""

    def __init__(self):
        super().__init__()
        self.camada1 = nn.Linear(10, 16)
        self.norma = nn.BatchNorm1d(16)
        self.dropout = nn.Dropout(P_DROPOUT)
        self.camada2 = nn.Linear(16, 1)

    def forward(self, x):
        return self.camada2(self.dropout(torch.relu(self.norma(self.camada1(x)))))


def dados() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """48 linhas de treino e 24 de validação, da mesma relação."""
    X, y = checks.regression_data(n=72, seed=31)
    return X[:48], y[:48], X[48:], y[48:]


def modelo_inicial() -> nn.Module:
    checks.manual_seed(SEMENTE_MODELO)
    return RedeComDropout()


def modelo_treinado() -> nn.Module:
    """Um modelo no meio do treino: estatísticas da BatchNorm já longe das iniciais."""
    modelo = modelo_inicial()
    X, y, _, _ = dados()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=LR)
    checks.manual_seed(1)
    for _ in range(3):
        otimizador.zero_grad()
        nn.functional.mse_loss(modelo(X), y).backward()
        otimizador.step()
    return modelo


@pytest.fixture(scope="module")
def execucao(learner) -> checks.PhaseRun:
    """Um treino de EPOCAS épocas com validação, observado forward a forward."""
    treinar_e_avaliar = checks.require_attribute(learner, "treinar_e_avaliar")
    X, y, X_val, y_val = dados()
    modelo = modelo_inicial()
    checks.manual_seed(2)  # o Dropout sorteia: o mesmo sorteio a cada verificação
    return checks.observe_phases(treinar_e_avaliar, modelo, X, y, X_val, y_val, epocas=EPOCAS, lr=LR,
                                 evidence="treino")


def test_define_as_funcoes(learner, execucao):
    """O arquivo define as funções avaliar e treinar_e_avaliar."""
    checks.require_attribute(learner, "avaliar")
    checks.require_attribute(learner, "treinar_e_avaliar")


def test_avaliar_em_modo_de_avaliacao(learner):
    """avaliar chama o modelo em modo de avaliação (eval) e sem gradientes (no_grad)."""
    avaliar = checks.require_attribute(learner, "avaliar")
    _, _, X_val, y_val = dados()
    checks.observe_evaluation(avaliar, modelo_treinado(), X_val, y_val, nn.MSELoss(), evidence="avaliar_modo",
                              runner=checks.expect_evaluation_mode)


def test_avaliar_devolve_a_perda(learner):
    """avaliar devolve, como float, a perda do modelo em modo de avaliação, com o criterio recebido (aqui, nn.L1Loss())."""
    avaliar = checks.require_attribute(learner, "avaliar")
    _, _, X_val, y_val = dados()
    checks.manual_seed(3)
    classe, conta = CRITERIO_AVALIAR
    execucao = checks.observe_evaluation(avaliar, modelo_treinado(), X_val, y_val, classe(),
                                         evidence="avaliar_valor", loss_fn=conta)
    checks.expect_evaluation_loss(execucao)


def test_modo_a_cada_forward(execucao):
    """A cada época, o treino roda em modo de treino e a validação em modo de avaliação, sem gradientes."""
    checks.expect_phase_modes(execucao)


def test_sgd_um_passo_por_epoca(execucao):
    """O treino usa torch.optim.SGD com o lr recebido: um passo por época, sobre o treino inteiro."""
    checks.expect_optimizer(execucao.monitor, "SGD", execucao.model, lr=LR)
    checks.expect_one_step_per_epoch(execucao)


def test_devolve_os_historicos(execucao):
    """treinar_e_avaliar devolve as perdas de treino e de validação de cada época, como float."""
    checks.expect_phase_histories(execucao)


def medir(aluno, semente: int) -> dict[str, float]:
    """As folgas numéricas de uma execução de ``aluno`` com a semente ``semente`` (ver
    CALIBRATION.md): a distância relativa de cada perda devolvida à do forward que a produziu,
    e de cada época ao que o juiz refaz a partir do estado do modelo (passo do SGD, estatísticas
    da BatchNorm, perdas de treino e de validação)."""
    from katacheck import judge
    from katacheck.checks.validation import TRAIN, VALIDATION

    juiz = judge.sibling(__file__, "judge")
    X, y, X_val, y_val = dados()
    checks.manual_seed(semente)
    modelo = RedeComDropout()
    checks.manual_seed(1000 + semente)
    execucao = checks.observe_phases(aluno.treinar_e_avaliar, modelo, X, y, X_val, y_val, epocas=EPOCAS, lr=LR)
    treino, validacao = execucao.returned
    chamadas = [c for c in execucao.monitor.calls if c.data == VALIDATION or (c.data == TRAIN and c.grad_enabled)]
    medidas = {"historico_treino": 0.0, "historico_validacao": 0.0, "juiz_passo": 0.0, "juiz_batchnorm": 0.0,
               "juiz_perda_treino": 0.0, "juiz_perda_validacao": 0.0}
    X64, y64, Xv64, yv64 = X.double(), y.double(), X_val.double(), y_val.double()
    for epoca in range(EPOCAS):
        forward_t, forward_v = chamadas[2 * epoca], chamadas[2 * epoca + 1]
        perda_t = float(nn.functional.mse_loss(forward_t.output.double(), y64))
        perda_v = float(nn.functional.mse_loss(forward_v.output.double(), yv64))
        medidas["historico_treino"] = max(medidas["historico_treino"], abs(treino[epoca] - perda_t) / max(1.0, perda_t))
        medidas["historico_validacao"] = max(medidas["historico_validacao"],
                                             abs(validacao[epoca] - perda_v) / max(1.0, perda_v))
        antes = {k: v.double() for k, v in forward_t.state.items() if k != "norma.num_batches_tracked"}
        depois = {k: v.double() for k, v in forward_v.state.items() if k != "norma.num_batches_tracked"}
        perda, parametros, media, variancia = juiz._passo(antes, X64, y64, forward_t.masks[0].double())
        passo = judge.step_gap([antes[n] for n in juiz.PARAMETROS], [depois[n] for n in juiz.PARAMETROS], parametros)
        estatisticas = max(judge.output_gap(depois["norma.running_mean"], media),
                           judge.output_gap(depois["norma.running_var"], variancia))
        refeita_v = juiz._perda_de_avaliacao(depois, Xv64, yv64)
        medidas["juiz_passo"] = max(medidas["juiz_passo"], passo)
        medidas["juiz_batchnorm"] = max(medidas["juiz_batchnorm"], estatisticas)
        medidas["juiz_perda_treino"] = max(medidas["juiz_perda_treino"], abs(treino[epoca] - perda) / max(1.0, perda))
        medidas["juiz_perda_validacao"] = max(medidas["juiz_perda_validacao"],
                                              abs(validacao[epoca] - refeita_v) / max(1.0, refeita_v))
    _, _, X_val, y_val = dados()
    classe, conta = CRITERIO_AVALIAR
    avaliacao = checks.observe_evaluation(aluno.avaliar, modelo, X_val, y_val, classe(), loss_fn=conta)
    medidas["avaliar"] = abs(avaliacao.returned - avaliacao.expected) / max(1.0, avaliacao.expected)
    return medidas
