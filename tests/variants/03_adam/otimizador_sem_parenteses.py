# expect: looks.class_not_instance
"""Kata 03 — `torch.optim.Adam` sem parênteses: a classe do otimizador, sem os parâmetros do modelo."""

import torch
from torch import nn


def treinar(modelo, X, y, epocas=100):
    criterio = nn.MSELoss()
    otimizador = torch.optim.Adam
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
