# expect: phases_validation_value
"""Kata 10 — avaliar em lotes de 10 (10, 10, 4) e a média simples das perdas dos lotes, sem pesar pelas linhas."""

import torch
from torch import nn


def avaliar(modelo, X, y, criterio):
    modelo.eval()
    perdas = []
    with torch.no_grad():
        for xb, yb in zip(X.split(10), y.split(10)):
            perdas.append(criterio(modelo(xb), yb).item())
    return sum(perdas) / len(perdas)


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
