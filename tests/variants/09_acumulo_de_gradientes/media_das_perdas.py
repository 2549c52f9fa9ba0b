# expect: accumulation_loss_value
"""Kata 09 — o passo certo, mas devolve a média simples das perdas das partes: com partes desiguais, não é a do lote."""

import torch


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    perdas = []
    for xp, yp in zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes)):
        perda = criterio(modelo(xp), yp)
        (perda * len(xp) / len(X)).backward()
        perdas.append(perda.item())
    otimizador.step()
    return sum(perdas) / len(perdas)
