"""O juiz da kata 13_sgd_momentum: cada série de chamadas de passo_sgd andou como o torch.optim.SGD.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`). Para
cada série, parte do modelo e dos dados do teste (refeitos aqui, com o código do próprio teste)
e roda o torch.optim.SGD com os valores que o teste passou: os parâmetros que a série registrou
depois de cada chamada precisam estar a até 1e-6 dos dele, e as velocidades guardadas, no
buffer de momentum que ele guarda. O otimizador de criar_otimizador é refeito passo a passo com
os valores das notas fixados, e a perda, recalculada com os parâmetros finais.

O que o juiz não vê nos números fica com as verificações do filho: se uma velocidade carrega um
grafo do autograd (a série de test_sem_grafo só prova aqui que os passos foram os do SGD).
"""

import torch

from katacheck import judge
from katacheck.checks.sgd_step import NOTES, STEP_TOLERANCE, VELOCITY_TOLERANCE, reference_sgd, velocity_gap

testes = judge.sibling(__file__, "test_kata")

#: Qual verificação cada série confirma, e a das velocidades, quando a série as confere.
SERIES = (
    ("padrao", "test_mesmos_passos_do_sgd", "test_velocidades_persistem"),
    ("momentum_zero", "test_momentum_zero", None),
    ("weight_decay_zero", "test_weight_decay_zero", None),
    ("sem_grafo", "test_sem_grafo", None),
)
#: O SGD das notas, sem nenhum outro ajuste: o que o aluno relatar além disso não vale.
SGD_DAS_NOTAS = {"lr": NOTES.lr, "momentum": NOTES.momentum, "weight_decay": NOTES.weight_decay,
                 "dampening": 0.0, "nesterov": False, "maximize": False}


def julgar(evidencias):
    for rotulo, check, velocidades in SERIES:
        yield from _serie(evidencias, rotulo, check, velocidades)
    yield from judge.replay_course_run(evidencias, testes, check="test_criar_otimizador", optimizer="SGD",
                                       loss_check="test_otimizador_reduz_a_perda", settings=SGD_DAS_NOTAS)


def _serie(evidencias, rotulo, check, check_velocidades):
    execucao = testes.EXECUCOES[rotulo]
    checks = [c for c in (check, check_velocidades) if c]
    item = evidencias.get(rotulo)
    pontos = _tensores(item.get("params") if item else None)
    if pontos is None:
        for c in checks:
            yield judge.finding(c, "no_evidence", check=c)
        return
    X, y = testes.dados_ocultos()
    esperados, buffers = reference_sgd(testes.modelo_oculto(execucao.seed), X, y, execucao.valores, execucao.passos)
    if len(pontos) != len(esperados) or any(len(p) != len(e) or any(a.shape != b.shape for a, b in zip(p, e))
                                            for p, e in zip(pontos, esperados)):
        for c in checks:
            yield judge.finding(c, "no_evidence", check=c)
        return
    if not all(torch.equal(a, b) for a, b in zip(pontos[0], esperados[0])):
        for c in checks:
            yield judge.finding(c, "sgd_start")
        return
    passo = _primeiro_desvio(pontos, esperados)
    if passo is not None:
        yield judge.finding(check, "sgd_steps", step=passo, settings=execucao.valores.shown(),
                            tolerance=f"{STEP_TOLERANCE:g}")
    if check_velocidades:
        yield from _velocidades(item, buffers, check_velocidades)


def _primeiro_desvio(pontos, esperados):
    """O primeiro passo depois do qual algum parâmetro está a mais de 1e-6 do SGD, ou None."""
    for passo, (achados, certos) in enumerate(zip(pontos[1:], esperados[1:]), start=1):
        if not all(float((a - b).abs().max()) <= STEP_TOLERANCE for a, b in zip(achados, certos)):
            return passo
    return None


def _velocidades(item, buffers, check):
    guardadas = item.get("velocities")
    if not isinstance(guardadas, list) or len(guardadas) != len(buffers):
        yield judge.finding(check, "no_evidence", check=check)
        return
    for passo, (achadas, certas) in enumerate(zip(guardadas, buffers), start=1):
        achadas = _tensores([achadas]) if achadas is not None else None
        if achadas is None or not velocity_gap(achadas[0], certas) <= VELOCITY_TOLERANCE:
            yield judge.finding(check, "sgd_velocities", step=passo)
            return


def _tensores(valor):
    """Uma lista de listas de tensores (float64), ou None se a evidência não tem esse formato."""
    if not isinstance(valor, list) or not valor:
        return None
    try:
        return [[judge.tensor(p) for p in ponto] for ponto in valor]
    except (TypeError, ValueError):
        return None
