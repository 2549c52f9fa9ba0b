# expect: clip_value_instead
"""Kata 18 — usa clip_grad_value_ (corta cada componente) onde a kata pede a norma."""

import torch
from torch import nn


def treinar_estavel(modelo, X, y, epocas=100, lr=0.1, max_norma=1.0):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for _ in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        torch.nn.utils.clip_grad_value_(modelo.parameters(), max_norma)
        otimizador.step()
        perdas.append(perda.item())
    return perdas
