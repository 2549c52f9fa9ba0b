# expect: accumulation_single_backward
"""Kata 09 — soma as perdas pesadas e chama backward() uma vez só, no fim."""

import torch


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    perda_total = 0
    for X_parte, y_parte in zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes)):
        perda_total = perda_total + criterio(modelo(X_parte), y_parte) * len(X_parte) / len(X)
    perda_total.backward()
    otimizador.step()
    return perda_total.item()
