# expect: looks.not_called
"""Kata 04 — `perda.backward` sem parênteses: o zero_grad está certo, mas não há gradiente."""

import torch
from torch import nn


def treinar(modelo, X, y, epocas=100, lr=0.01):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward
        otimizador.step()
        perdas.append(perda.item())
    return perdas
