"""O juiz da kata 18_gradientes_explodindo: cada passo refeito com o recorte de referência.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`). Para
cada treino dos testes, o juiz reconstrói o modelo inicial e os dados (com o código do próprio
teste, sob a mesma semente-base) e, a partir dos parâmetros que o treino registrou antes de cada
passo, refaz o passo do curso: MSE em float64, ``backward()``, ``clip_grad_norm_`` com o limite
pedido, SGD na taxa pedida. Um recorte antes do ``backward()``, depois do ``step()``, ausente,
com outro limite ou por valor dá outros parâmetros e é refutado; a perda final, recalculada aqui,
precisa cair abaixo do limiar; e as perdas devolvidas precisam ser as dos parâmetros de cada época.
"""

import math

import torch
from torch import nn

from katacheck import judge

testes = judge.sibling(__file__, "test_kata")

#: (check, max_norma, lr, limiar da perda ou None) de cada treino dos testes.
TREINOS = {
    "ordem": ("test_recorta_entre_backward_e_step", 1.0, 0.1, None),
    "norma": ("test_norma_a_cada_passo", testes.NORMA_OCULTA, testes.LR_OCULTO, None),
    "treino": ("test_perda_finita_e_cai", 1.0, 0.1, testes.LIMIAR_PERDA),
    "historico": ("test_devolve_as_perdas", 1.0, 0.1, None),
    "oculto": ("test_modelo_oculto", 1.0, 0.1, testes.LIMIAR_PERDA_OCULTO),
}


def julgar(evidencias):
    X, y = (t.to(torch.float64) for t in testes.dados())
    trajetorias = {}
    for rotulo, (check, max_norma, lr, limiar) in TREINOS.items():
        semente, construtor = testes.TREINOS[rotulo]
        modelo = testes.modelo_inicial(semente, construtor).to(torch.float64)
        trajetoria = _trajetoria(evidencias.get(rotulo), modelo)
        if trajetoria is None:
            yield judge.finding(check, "no_evidence", check=check)
            continue
        problema = _refazer(modelo, trajetoria, X, y, max_norma, lr)
        if problema is not None:
            yield judge.finding(check, "clip_step", step=problema, max_norm=f"{max_norma:g}", lr=f"{lr:g}")
            continue
        trajetorias[rotulo] = (modelo, trajetoria)
        if limiar is not None:
            razao = _perda(modelo, trajetoria[-1], X, y) / _perda(modelo, trajetoria[0], X, y)
            if not razao <= limiar:
                yield judge.finding(check, "clip_loss", ratio=f"{razao:.3g}", limit=f"{limiar:g}")
    yield from _perdas(evidencias, trajetorias.get("historico"), X, y)


def _trajetoria(item, modelo):
    """Os parâmetros antes de cada passo e os finais, como tensores do formato do modelo."""
    if item is None or not isinstance(item.get("steps"), list) or not item["steps"] or "final" not in item:
        return None
    formas = [p.shape for p in modelo.parameters()]
    try:
        pontos = [[judge.tensor(p) for p in passo["params"]] for passo in item["steps"]]
        pontos.append([judge.tensor(p) for p in item["final"]])
    except (TypeError, ValueError, KeyError):
        return None
    if any(len(ponto) != len(formas) or any(t.shape != f for t, f in zip(ponto, formas)) for ponto in pontos):
        return None
    inicio = [p.detach() for p in modelo.parameters()]
    if not all(torch.equal(a, b) for a, b in zip(pontos[0], inicio)):
        return None
    return pontos


def _refazer(modelo, trajetoria, X, y, max_norma: float, lr: float) -> int | None:
    """O primeiro passo (contando de 1) que não é o do curso com recorte; None se todos batem."""
    parametros = list(modelo.parameters())
    for indice, (antes, depois) in enumerate(zip(trajetoria, trajetoria[1:])):
        with torch.no_grad():
            for parametro, valor in zip(parametros, antes):
                parametro.copy_(valor)
        modelo.zero_grad()
        nn.functional.mse_loss(modelo(X), y).backward()
        torch.nn.utils.clip_grad_norm_(parametros, max_norma)
        esperado = [(p - lr * p.grad).detach() for p in parametros]
        if judge.step_gap(antes, depois, esperado) > judge.STEP_TOLERANCE:
            return indice + 1
    return None


def _perda(modelo, parametros, X, y) -> float:
    with torch.no_grad():
        for parametro, valor in zip(modelo.parameters(), parametros):
            parametro.copy_(valor)
        return float(nn.functional.mse_loss(modelo(X), y))


def _perdas(evidencias, historico, X, y):
    check = "test_devolve_as_perdas"
    item = evidencias.get("perdas")
    perdas = item.get("perdas") if item is not None else None
    if historico is None or not isinstance(perdas, list):
        if historico is not None:
            yield judge.finding(check, "no_evidence", check=check)
        return
    modelo, trajetoria = historico
    esperadas = [_perda(modelo, ponto, X, y) for ponto in trajetoria[:-1]]
    for epoca, (achada, esperada) in enumerate(zip(perdas, esperadas)):
        if isinstance(achada, bool) or not isinstance(achada, (int, float)) \
                or not math.isclose(achada, esperada, rel_tol=1e-3, abs_tol=1e-6):
            yield judge.finding(check, "clip_history", epoch=epoca + 1)
            return
    if len(perdas) != len(esperadas):
        yield judge.finding(check, "clip_history", epoch=min(len(perdas), len(esperadas)) + 1)
