# expect: looks.class_not_instance
"""Kata 03 — `nn.MSELoss` sem parênteses: o critério é a classe, não uma função de perda."""

import torch
from torch import nn


def treinar(modelo, X, y, epocas=100):
    criterio = nn.MSELoss
    otimizador = torch.optim.Adam(modelo.parameters(), lr=0.01)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
