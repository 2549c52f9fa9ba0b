"""O juiz da kata 17_tensorboard: os escalares escritos são a perda de cada lote, nos passos globais
que o enunciado pede, e o treino é o SGD do curso sobre os lotes dos testes.

Roda num processo que nunca executou o código de quem aprende (:mod:`katacheck.judge`), com os
dados, o modelo e a ordem dos lotes dos próprios testes (o DataLoader não embaralha):

- refaz cada passo a partir dos parâmetros que o treino registrou antes dele: o
  `torch.optim.SGD` do curso (lr dos testes) sobre a `cross_entropy` dos logits do lote daquele
  passo, em float64;
- recalcula a perda de cada lote nesses parâmetros e confere que os escalares lidos dos
  arquivos de eventos (tag, passos, valores) são exatamente os que o treino pedia;
- confere que todo `SummaryWriter` criado foi fechado.
"""

import torch
from torch.func import functional_call

from katacheck import judge

testes = judge.sibling(__file__, "test_kata")

DEFINE = "test_define_a_funcao"
TAG = "test_escreve_loss_train"
PASSOS = "test_passos_crescem_entre_epocas"
VALORES = "test_valores_sao_as_perdas"
FECHA = "test_fecha_o_escritor"
LACO = "test_laco_do_curso"
TODAS = (DEFINE, TAG, PASSOS, VALORES, FECHA, LACO)
#: A maior diferença relativa entre um valor escrito (float32) e a perda refeita aqui (float64).
TOLERANCIA = 1e-4


def julgar(evidencias):
    treino, eventos = evidencias.get("treino"), evidencias.get("eventos")
    try:
        trajetoria = _trajetoria(treino)
        escalares = {str(tag): [(int(p), float(v)) for p, v in pontos] for tag, pontos in eventos["scalars"].items()}
        fechados = [bool(e["closed"]) for e in eventos["writers"]]
    except (TypeError, ValueError, KeyError, AttributeError):
        for verificacao in TODAS:
            yield judge.finding(verificacao, "no_evidence", check=verificacao)
        return
    perdas, problema = _refaz(trajetoria)
    if problema is not None:
        yield judge.finding(LACO, *problema[:1], **problema[1])
    yield from _escalares(escalares, perdas if problema is None else None)
    if not fechados or not all(fechados):
        yield judge.finding(FECHA, "tensorboard_not_closed")


def _trajetoria(treino):
    passos = [[judge.tensor(p) for p in passo["params"]] for passo in treino["steps"]]
    return passos + [[judge.tensor(p) for p in treino["final"]]]


def lotes():
    """Os lotes de uma época, na ordem do DataLoader dos testes, achatados como o curso faz."""
    return [(x.view(x.size(0), -1).double(), y) for x, y in testes.loader()]


def _refaz(trajetoria):
    """(a perda de cada passo refeita nos parâmetros de antes dele, problema ou None)."""
    modelo = testes.modelo_inicial().double()
    nomes = [nome for nome, _ in modelo.named_parameters()]
    inicio = [p.detach() for p in modelo.parameters()]
    esperados = len(lotes()) * testes.EPOCAS
    if len(trajetoria) - 1 != esperados:
        return None, ("tensorboard_step_count", {"found": len(trajetoria) - 1, "expected": esperados})
    if not all(a.shape == b.shape and torch.equal(a, b) for a, b in zip(trajetoria[0], inicio)) or \
            len(trajetoria[0]) != len(inicio):
        return None, ("other_start", {})
    perdas = []
    por_epoca = lotes()
    for indice, (antes, depois) in enumerate(zip(trajetoria, trajetoria[1:])):
        x, y = por_epoca[indice % len(por_epoca)]
        folhas = {nome: valor.clone().requires_grad_(True) for nome, valor in zip(nomes, antes)}
        perda = torch.nn.functional.cross_entropy(functional_call(modelo, folhas, (x,)), y)
        gradientes = torch.autograd.grad(perda, list(folhas.values()))
        esperado = [a - testes.LR * g for a, g in zip(antes, gradientes)]
        if judge.step_gap(antes, depois, esperado) > judge.STEP_TOLERANCE:
            return None, ("trajectory", {"optimizer": "SGD", "step": indice + 1})
        perdas.append(float(perda.detach()))
    return perdas, None


def _escalares(escalares, perdas):
    if testes.TAG not in escalares:
        for verificacao in (TAG, PASSOS, VALORES):
            yield judge.finding(verificacao, "tensorboard_tag", expected=testes.TAG)
        return
    pontos = escalares[testes.TAG]
    esperados = testes.passos_esperados()
    if [p for p, _ in pontos] != esperados:
        yield judge.finding(PASSOS, "tensorboard_steps", expected=testes._lista(esperados))
        return
    if perdas is None:  # sem um treino refeito, não há perdas com que comparar os valores
        yield judge.finding(VALORES, "tensorboard_values_unverified")
        return
    for passo, valor in pontos:
        if not abs(valor - perdas[passo]) <= TOLERANCIA * max(1.0, abs(perdas[passo])):  # nan too
            yield judge.finding(VALORES, "tensorboard_values", step=passo, found=f"{valor:.6g}",
                                expected=f"{perdas[passo]:.6g}")
            return
