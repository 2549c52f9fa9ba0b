# expect: accumulation_stale
"""Kata 09 — pesa as partes direitinho, mas nunca apaga o que já estava em .grad."""

import torch


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    perda_total = 0.0
    for X_parte, y_parte in zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes)):
        perda = criterio(modelo(X_parte), y_parte) * len(X_parte) / len(X)
        perda.backward()
        perda_total += perda.item()
    otimizador.step()
    return perda_total
