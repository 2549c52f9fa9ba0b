# expect: clip_max_norm
"""Kata 18 — escreve o limite das notas, 1.0, em vez de usar o max_norma recebido."""

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
        torch.nn.utils.clip_grad_norm_(modelo.parameters(), 1.0)
        otimizador.step()
        perdas.append(perda.item())
    return perdas
