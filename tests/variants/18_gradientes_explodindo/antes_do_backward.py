# expect: clip_before_backward
"""Kata 18 — recorta logo depois do zero_grad: os gradientes ainda são os zerados, e o backward traz os enormes."""

import torch
from torch import nn


def treinar_estavel(modelo, X, y, epocas=100, lr=0.1, max_norma=1.0):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for _ in range(epocas):
        otimizador.zero_grad()
        torch.nn.utils.clip_grad_norm_(modelo.parameters(), max_norma)
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
