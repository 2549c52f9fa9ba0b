"""Testes ocultos da kata 06_taxa_de_aprendizado."""

import math
import sys
import traceback

import pytest
import torch
from torch import nn

from katacheck import checks
from katacheck.checks.context import is_learner_file
from katacheck.checks.locations import definition_location
from katacheck.result import Location

#: Razão máxima perda final / inicial do conjunto inteiro após 100 épocas de treinar(lr=LR)
#: (ver CALIBRATION.md).
LIMIAR_PERDA = 0.60
#: A taxa dos testes de treinar: diferente das do curso, para ver que `lr` é usado.
LR = 0.05
#: As taxas que comparar_taxas recebe: 10 diverge (a perda vai a inf e depois a nan), e vem
#: primeiro, onde um min() que não pula o nan o escolheria.
TAXAS = (10.0, 0.1, 0.01, 0.001)
#: Épocas por taxa em comparar_taxas: diferente do padrão, para ver que `epocas` é repassado.
EPOCAS = 60
#: A taxa que diverge (contrato da kata).
DIVERGE = 10.0
#: A semente que comparar_taxas deve fixar antes de criar cada modelo (contrato da kata).
SEMENTE = 0
#: A semente global antes de comparar_taxas: outra, para que um torch.manual_seed(0) esquecido apareça.
SEMENTE_ANTES = 1234

NAN, INF = float("nan"), float("inf")
#: Históricos ocultos para melhor_taxa: (históricos, resposta). Cada um pega um engano comum.
HISTORICOS_OCULTOS = (
    ({0.5: [2.0, 1.0, 0.4], 0.05: [2.0, 1.5, 0.9], 0.005: [2.0, 1.9, 1.8]}, 0.5),
    # Um treino divergido na frente: min() com nan na primeira chave o devolveria.
    ({5.0: [2.0, 50.0, NAN], 0.2: [2.0, 0.6, 0.3], 0.02: [2.0, 1.2, 0.7]}, 0.2),
    ({2.0: [2.0, INF, INF], 0.7: [2.0, 0.5, 0.25], 0.07: [2.0, 0.9, 0.35]}, 0.7),
    # A melhor é a última chave: nem a primeira, nem a maior perda.
    ({0.004: [2.0, 1.8, 1.5], 0.04: [2.0, 1.1, 0.6], 0.4: [2.0, 0.2, 0.05]}, 0.4),
    # Conta a ÚLTIMA perda, não a menor do caminho: 0.3 desceu a 0.01 e voltou a subir.
    ({0.3: [2.0, 0.01, 0.5], 0.03: [2.0, 0.5, 0.2]}, 0.03),
    # Um valor não finito no meio também é divergência, mesmo terminando num número.
    ({0.9: [2.0, INF, 1e30, 0.001], 0.09: [2.0, 0.8, 0.1]}, 0.09),
)


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
    return checks.run_training(treinar, SimpleLinearModel(), X, y, lr=LR, epocas=epocas, evidence=evidencia)


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
    """Um treino de 100 épocas com lr=LR, observado por dentro.

    É a segunda chamada de treinar, depois da curta: um otimizador guardado de uma chamada para a
    outra (numa global, num argumento padrão) treinaria aqui o modelo da primeira, e é visto."""
    # A trajetória vai para o juiz, que a refaz com o SGD de referência na taxa LR.
    return treinar_observando(checks.require_attribute(learner, "treinar"), seed=0, evidencia="treino")


@pytest.fixture(scope="module")
def comparacao(learner):
    """comparar_taxas(X, y, TAXAS, EPOCAS), com cada treino de dentro registrado: (históricos, treinos)."""
    comparar = checks.require_attribute(learner, "comparar_taxas")
    X, y = checks.regression_data()
    torch.manual_seed(SEMENTE_ANTES)
    try:
        with checks.RunRecorder() as gravador:
            historicos = checks.call_learner(comparar, X, y, list(TAXAS), epocas=EPOCAS)
    except Exception:  # o erro do código de quem aprende (um TypeError) ou um KataFailure
        # Um erro (range de um float...) depois de um SGD criado com lr=EPOCAS: treinar recebeu
        # as épocas no lugar da taxa. O erro em si aponta para dentro de treinar, não para a chamada.
        criados = [registro.optimizer.param_groups[0].get("lr") for registro in gravador.optimizers
                   if registro.optimizer.param_groups]
        if EPOCAS in criados and EPOCAS not in TAXAS:
            checks.fail("rates_arguments_swapped", epochs=EPOCAS, location=chamada_mais_externa())
        raise
    if isinstance(historicos, dict):
        # Para o juiz: os históricos, que ele compara com os treinos do curso que ele mesmo faz.
        checks.evidence.submit("comparacao", historicos=[[taxa, perdas] for taxa, perdas in historicos.items()])
    return historicos, gravador.runs


def chamada_mais_externa() -> Location | None:
    """A linha mais externa do arquivo de quem aprende no erro em tratamento: a chamada de
    treinar dentro de comparar_taxas, e não a linha de treinar onde o valor trocado estourou."""
    linhas = [quadro for quadro in traceback.extract_tb(sys.exc_info()[2]) if is_learner_file(quadro.filename)]
    return Location.at(linhas[0].filename, linhas[0].lineno) if linhas else None


def test_treinar_usa_a_taxa(execucao):
    """treinar usa torch.optim.SGD com a taxa lr recebida, e os gradientes limpos a cada passo."""
    checks.expect_constant_lr(execucao.monitor)
    checks.expect_optimizer(execucao.monitor, "SGD", execucao.model, lr=LR)
    checks.expect_clean_gradients(execucao.monitor)
    checks.expect_loss_decreased(execucao.loss_before, execucao.loss_after, max_ratio=LIMIAR_PERDA,
                                 curve=execucao.monitor.losses)


def test_devolve_as_perdas(execucao_curta):
    """treinar devolve a lista das perdas de cada época, como float."""
    execucao = execucao_curta
    checks.expect_full_batch_steps(execucao.history, execucao.monitor, 7)
    perdas = checks.expect_loss_history(execucao.history, 7, first_loss=execucao.loss_before)
    checks.evidence.submit("historico", perdas=perdas)


def perdas_da_taxa(historicos: dict, treino: checks.Run, taxa: float) -> list[float]:
    """O histórico de ``taxa``: uma lista de EPOCAS floats, a primeira a perda dos pesos com que o treino começou."""
    modelo = SimpleLinearModel()
    with torch.no_grad():
        for parametro, valor in zip(modelo.parameters(), treino.start):
            parametro.copy_(valor)
    inicial = checks.dataset_loss(modelo, *checks.regression_data())
    historico = historicos[taxa]
    if not isinstance(historico, (list, tuple)):
        # treinar devolve a lista (test_devolve_as_perdas); o que mudou foi o que comparar_taxas guardou.
        checks.fail("rates_history_type", rate=f"{taxa:g}", found=type(historico).__name__)
    bem_formado = isinstance(historico, list) and len(historico) == EPOCAS and all(type(p) is float for p in historico)
    if isinstance(historico, list) and treino.steps == EPOCAS and len(historico) != EPOCAS:
        # O treino deu as épocas pedidas, mas comparar_taxas guardou outra coisa que a lista dele
        # (só a perda final, a lista cortada): não é o range de treinar que está errado.
        checks.fail("rates_history_steps", rate=f"{taxa:g}", steps=treino.steps, found=len(historico))
    if isinstance(historico, list) and 0 < len(historico) == treino.steps < EPOCAS:
        # O treino parou antes das épocas pedidas (um break quando a perda vira nan): não é o
        # range que está errado, é o laço que sai cedo.
        checks.fail("rates_stopped_early", rate=f"{taxa:g}", steps=treino.steps, epochs=EPOCAS,
                    location=treino.called_at)
    if not math.isfinite(inicial) and bem_formado:
        # Pesos que já são nan (um modelo divergido, treinado de novo) não têm perda inicial a
        # comparar: test_mesmos_pesos_iniciais diz por quê.
        return historico
    perdas = checks.expect_loss_history(historico, EPOCAS, first_loss=inicial)
    if len(perdas) != treino.steps:
        checks.fail("rates_history_steps", rate=f"{taxa:g}", steps=treino.steps, found=len(perdas))
    return perdas


def test_cada_taxa_no_seu_treino(comparacao):
    """comparar_taxas treina um modelo por taxa, cada um com a sua taxa, e guarda as perdas dele."""
    historicos, treinos = comparacao
    por_taxa = checks.expect_one_run_per_rate(historicos, treinos, TAXAS)
    for taxa in TAXAS:
        perdas_da_taxa(historicos, por_taxa[taxa], taxa)


def test_mesmos_pesos_iniciais(learner, comparacao):
    """Todos os treinos partem dos mesmos pesos: torch.manual_seed(0) e um SimpleLinearModel novo."""
    historicos, treinos = comparacao
    por_taxa = checks.expect_one_run_per_rate(historicos, treinos, TAXAS)
    classe = checks.require_module_class(learner, "SimpleLinearModel")
    inicio = checks.initial_weights(classe, SEMENTE)
    do_curso = checks.initial_weights(SimpleLinearModel, SEMENTE)
    if len(inicio) != len(do_curso) or not all(a.shape == b.shape and torch.equal(a, b) for a, b in zip(inicio, do_curso)):
        # A classe do arquivo foi mudada (outra inicialização, outra camada): a semente está certa,
        # os pesos é que não são os do curso, de que o juiz refaz os treinos.
        checks.fail("rates_model_changed", seed=SEMENTE, location=definition_location(classe))
    checks.expect_runs_start_at(por_taxa, inicio, seed=SEMENTE)


def test_taxa_10_diverge(learner, comparacao):
    """A taxa 10 diverge e nunca é escolhida: melhor_taxa acerta nos históricos de comparar_taxas."""
    historicos, treinos = comparacao
    por_taxa = checks.expect_one_run_per_rate(historicos, treinos, TAXAS)
    perdas = perdas_da_taxa(historicos, por_taxa[DIVERGE], DIVERGE)
    if all(math.isfinite(p) for p in perdas):
        checks.fail("rate_did_not_diverge", rate=f"{DIVERGE:g}", last=f"{perdas[-1]:.4g}")
    if not any(all(math.isfinite(p) for p in historicos[taxa]) for taxa in TAXAS):
        checks.fail("rates_all_diverged", rates=", ".join(f"{taxa:g}" for taxa in TAXAS), rate=f"{DIVERGE:g}")
    melhor = checks.require_attribute(learner, "melhor_taxa")
    escolha = checks.call_learner(melhor, dict(historicos))
    checks.evidence.submit("escolha", taxa=escolha)
    checks.expect_best_rate(historicos, escolha)


def test_melhor_taxa(learner):
    """melhor_taxa escolhe a menor última perda, pulando os treinos que divergiram, em históricos ocultos."""
    melhor = checks.require_attribute(learner, "melhor_taxa")
    respostas = []
    for historicos, _ in HISTORICOS_OCULTOS:
        escolha = checks.call_learner(melhor, {taxa: list(perdas) for taxa, perdas in historicos.items()})
        checks.expect_best_rate(historicos, escolha)
        respostas.append(escolha)
    checks.evidence.submit("ocultos", respostas=respostas)
