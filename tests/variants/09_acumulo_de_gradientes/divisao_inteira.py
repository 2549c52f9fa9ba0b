# expect: accumulation_zero_weight
"""Kata 09 — o peso com divisão inteira (len(xp) // len(X)): dá 0, e o step() não recebe gradiente nenhum."""

import torch


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    total = 0.0
    for xp, yp in zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes)):
        perda = criterio(modelo(xp), yp) * (len(xp) // len(X))
        perda.backward()
        total += perda.item()
    otimizador.step()
    return total
