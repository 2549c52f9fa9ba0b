# expect: accumulation_equal_weights
"""Kata 09 — divide cada perda pelo número de partes: certo só quando as partes são iguais."""

import torch


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    perda_total = 0.0
    for X_parte, y_parte in zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes)):
        perda = criterio(modelo(X_parte), y_parte) / partes
        perda.backward()
        perda_total += perda.item()
    otimizador.step()
    return perda_total
