# expect: sgd_velocity_graph
"""Kata 13 — só o passo do peso em torch.no_grad(): a velocidade, calculada fora, guarda um grafo que cresce."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def passo_sgd(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
    if not velocidades:
        velocidades.extend(torch.zeros_like(p) for p in parametros)
    for i, p in enumerate(parametros):
        velocidades[i] = momentum * velocidades[i] + p.grad + weight_decay * p
        with torch.no_grad():
            p -= lr * velocidades[i]


def criar_otimizador(modelo):
    return torch.optim.SGD(modelo.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
