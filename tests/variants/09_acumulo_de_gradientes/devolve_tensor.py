# expect: accumulation_loss_type
"""Kata 09 — soma os tensores das perdas em vez dos números: devolve um tensor."""

import torch


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    perda_total = 0
    for X_parte, y_parte in zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes)):
        perda = criterio(modelo(X_parte), y_parte) * len(X_parte) / len(X)
        perda.backward()
        perda_total += perda.detach()
    otimizador.step()
    return perda_total
