# expect: looks.not_called
"""Kata 10 — `modelo.eval` sem parênteses: a validação roda em modo de treino."""

import torch
from torch import nn


def avaliar(modelo, X, y, criterio):
    modelo.eval
    with torch.no_grad():
        return criterio(modelo(X), y).item()


def treinar_e_avaliar(modelo, X, y, X_val, y_val, epocas=20, lr=0.01):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas_treino, perdas_val = [], []
    for epoca in range(epocas):
        modelo.train()
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas_treino.append(perda.item())
        perdas_val.append(avaliar(modelo, X_val, y_val, criterio))
    return perdas_treino, perdas_val
