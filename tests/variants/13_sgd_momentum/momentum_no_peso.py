# expect: sgd_momentum_on_weights
"""Kata 13 — trocou v por p no termo do momentum."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def passo_sgd(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
    with torch.no_grad():
        if not velocidades:
            velocidades.extend(torch.zeros_like(p) for p in parametros)
        for i, p in enumerate(parametros):
            velocidades[i] = momentum * p + p.grad + weight_decay * p
            p -= lr * velocidades[i]


def criar_otimizador(modelo):
    return torch.optim.SGD(modelo.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
