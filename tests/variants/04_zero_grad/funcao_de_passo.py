# expect: pass
"""Kata 04 — um passo de treino numa função própria, chamada a cada época."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def passo(modelo, otimizador, criterio, X, y):
    otimizador.zero_grad()
    perda = criterio(modelo(X), y)
    perda.backward()
    otimizador.step()
    return perda.item()


def treinar(modelo, X, y, epocas=100, lr=0.01):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    return [passo(modelo, otimizador, criterio, X, y) for _ in range(epocas)]
