# expect: pass
"""Kata 10 — avaliar percorre X_val em lotes de 8, sob no_grad, e pondera a perda de cada lote pelas linhas."""

import torch
from torch import nn


def avaliar(modelo, X, y, criterio):
    modelo.eval()
    total = 0.0
    with torch.no_grad():
        for xb, yb in zip(X.split(8), y.split(8)):
            total += criterio(modelo(xb), yb).item() * len(xb)
    return total / len(X)


def treinar_e_avaliar(modelo, X, y, X_val, y_val, epocas=20, lr=0.01):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    treino, val = [], []
    for epoca in range(epocas):
        modelo.train()
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        treino.append(perda.item())
        val.append(avaliar(modelo, X_val, y_val, criterio))
    return treino, val
