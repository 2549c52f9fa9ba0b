# expect: accumulation_criterion_ignored
"""Kata 09 — a MSE escrita à mão no lugar do criterio recebido: passava, porque os testes só davam nn.MSELoss()."""

import torch


def passo_acumulado(modelo, otimizador, criterio, X, y, partes):
    otimizador.zero_grad()
    total = 0.0
    for xp, yp in zip(torch.tensor_split(X, partes), torch.tensor_split(y, partes)):
        perda = ((modelo(xp) - yp) ** 2).mean() * len(xp) / len(X)
        perda.backward()
        total += perda.item()
    otimizador.step()
    return total
