# expect: judge.optimizer_recreated
"""Kata 03 — o Adam é criado dentro do laço: a cada época ele perde o estado (os momentos)."""

import torch
from torch import nn


def treinar(modelo, X, y, epocas=100):
    criterio = nn.MSELoss()
    perdas = []
    for epoca in range(epocas):
        otimizador = torch.optim.Adam(modelo.parameters(), lr=0.01)
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
