"""O juiz da kata 06_taxa_de_aprendizado: os treinos e as escolhas, refeitos aqui.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`):

- o treino de ``treinar`` com ``lr=LR``: refeito passo a passo com o SGD de referência;
- as perdas que ``treinar`` e ``comparar_taxas`` devolveram: o juiz faz ele mesmo o treino do
  curso (``torch.manual_seed``, um ``SimpleLinearModel`` novo, SGD na taxa, MSE) e compara época a
  época; a primeira perda de cada taxa é a dos pesos da semente 0, a mesma para todas;
- as escolhas de ``melhor_taxa``: a resposta certa, calculada aqui, nos históricos do juiz e
  nos históricos ocultos do teste.
"""

import math

import torch
from torch import nn

from katacheck import judge
from katacheck.checks.data import regression_data
from katacheck.checks.runs import best_rate
from katacheck.checks.seeds import derive

testes = judge.sibling(__file__, "test_kata")

#: A maior diferença relativa entre uma perda do aprendiz e a do juiz (float32 dos dois lados;
#: outra ordem de operações, como ((saida - y) ** 2).mean(), muda só a 7ª casa).
TOLERANCIA = 1e-3
#: Acima disto, uma perda já saiu (ou está saindo) do alcance do float32: o aprendiz e o juiz
#: podem chegar a inf uma época antes ou depois; basta que os dois estejam lá em cima.
ESTOURO = 1e29


def julgar(evidencias):
    yield from judge.replay_course_run(evidencias, testes, check="test_treinar_usa_a_taxa", optimizer="SGD",
                                       loss_check="test_treinar_usa_a_taxa", settings={"lr": testes.LR})
    yield from _historico(evidencias)
    yield from _comparacao(evidencias)
    yield from _ocultos(evidencias)


def treino_do_curso(seed: int, lr: float, epocas: int) -> list[float]:
    """As perdas do laço do curso, feito aqui: a referência de cada histórico."""
    X, y = regression_data()
    torch.manual_seed(seed)
    modelo = testes.SimpleLinearModel()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    criterio = nn.MSELoss()
    perdas = []
    for _ in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas


def primeira_diferenca(encontradas, esperadas) -> int | None:
    """A primeira época (contando de 0) em que ``encontradas`` não é ``esperadas``; None se todas batem."""
    if not isinstance(encontradas, list) or len(encontradas) != len(esperadas):
        return 0
    for epoca, (a, b) in enumerate(zip(encontradas, esperadas)):
        if not _bate(a, b):
            return epoca
    return None


def _bate(a, b: float) -> bool:
    if isinstance(a, bool) or not isinstance(a, (int, float)):
        return False
    alto_a = not math.isfinite(a) or abs(a) > ESTOURO
    alto_b = not math.isfinite(b) or abs(b) > ESTOURO
    if alto_a or alto_b:
        # Divergiu: os dois precisam estar fora do alcance, ou perto dele (uma época de folga).
        return (not math.isfinite(a) or abs(a) > ESTOURO / 10) and (not math.isfinite(b) or abs(b) > ESTOURO / 10)
    return abs(a - b) <= TOLERANCIA * (abs(b) + 1e-6)


#: The epochs of the test's history run (``treinar_observando(..., epocas=7)`` in test_kata).
EPOCAS_DO_HISTORICO = 7


def _historico(evidencias):
    check = "test_devolve_as_perdas"
    item = evidencias.get("historico")
    if item is None or not isinstance(item.get("perdas"), list):
        yield judge.finding(check, "no_evidence", check=check)
        return
    # The test seeded this run with checks.manual_seed(1): under the base seed, as here.
    # As many epochs as the test's run, never as many as the evidence says (a forged list of
    # millions would keep the judge training until its timeout).
    esperadas = treino_do_curso(derive(1), testes.LR, EPOCAS_DO_HISTORICO)
    epoca = primeira_diferenca(item["perdas"], esperadas)
    if epoca is not None:
        yield judge.finding(check, "lr_history", epoch=epoca + 1, lr=f"{testes.LR:g}")


def _comparacao(evidencias):
    checks = ("test_cada_taxa_no_seu_treino", "test_mesmos_pesos_iniciais", "test_taxa_10_diverge")
    item = evidencias.get("comparacao")
    pares = item.get("historicos") if item is not None else None
    if not isinstance(pares, list) or not all(isinstance(par, list) and len(par) == 2 for par in pares):
        for check in checks:
            yield judge.finding(check, "no_evidence", check=check)
        return
    recebidos = {float(taxa): perdas for taxa, perdas in pares if isinstance(taxa, (int, float))}
    referencia = {taxa: treino_do_curso(testes.SEMENTE, taxa, testes.EPOCAS) for taxa in testes.TAXAS}
    inicio = referencia[testes.TAXAS[0]][0]
    for taxa in testes.TAXAS:
        perdas = recebidos.get(taxa)
        if not isinstance(perdas, list) or not perdas or not _bate(perdas[0], inicio):
            yield judge.finding("test_mesmos_pesos_iniciais", "rates_start", rate=f"{taxa:g}", seed=testes.SEMENTE)
            break
    for taxa in testes.TAXAS:
        epoca = primeira_diferenca(recebidos.get(taxa), referencia[taxa])
        if epoca is not None:
            yield judge.finding("test_cada_taxa_no_seu_treino", "rates_history", rate=f"{taxa:g}", epoch=epoca + 1)
            break
    yield from _escolha(evidencias, recebidos, referencia)


def _escolha(evidencias, recebidos, referencia):
    check = "test_taxa_10_diverge"
    item = evidencias.get("escolha")
    if item is None or "taxa" not in item:
        yield judge.finding(check, "no_evidence", check=check)
        return
    if primeira_diferenca(recebidos.get(testes.DIVERGE), referencia[testes.DIVERGE]) is not None:
        yield judge.finding(check, "rates_history", rate=f"{testes.DIVERGE:g}", epoch=1)
        return
    esperada = best_rate(referencia)
    if not _mesma_taxa(item["taxa"], esperada):
        yield judge.finding(check, "best_rate", found=str(item["taxa"])[:40], expected=f"{esperada:g}")


def _ocultos(evidencias):
    check = "test_melhor_taxa"
    item = evidencias.get("ocultos")
    respostas = item.get("respostas") if item is not None else None
    if not isinstance(respostas, list) or len(respostas) != len(testes.HISTORICOS_OCULTOS):
        yield judge.finding(check, "no_evidence", check=check)
        return
    for resposta, (historicos, _) in zip(respostas, testes.HISTORICOS_OCULTOS):
        esperada = best_rate(historicos)
        if not _mesma_taxa(resposta, esperada):
            yield judge.finding(check, "best_rate", found=str(resposta)[:40], expected=f"{esperada:g}")
            return


def _mesma_taxa(resposta, esperada: float) -> bool:
    return isinstance(resposta, (int, float)) and not isinstance(resposta, bool) and float(resposta) == esperada
