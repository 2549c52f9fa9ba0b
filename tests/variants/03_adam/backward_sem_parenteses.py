# expect: looks.not_called
"""Kata 03 — `perda.backward` sem parênteses: os gradientes nunca são calculados."""

import torch
from torch import nn


def treinar(modelo, X, y, epocas=100):
    criterio = nn.MSELoss()
    otimizador = torch.optim.Adam(modelo.parameters(), lr=0.01)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(saida, y)
        perda.backward
        otimizador.step()
        perdas.append(perda.item())
    return perdas
