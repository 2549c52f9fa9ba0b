# expect: clip_after_step
"""Kata 18 — recorta depois do step: o passo já usou os gradientes sem recorte."""

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
        otimizador.step()
        torch.nn.utils.clip_grad_norm_(modelo.parameters(), max_norma)
        perdas.append(perda.item())
    return perdas
