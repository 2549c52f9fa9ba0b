# expect: sgd_velocities_not_filled
"""Kata 13 — cria uma lista nova de velocidades a cada chamada: a lista recebida continua vazia."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def passo_sgd(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
    velocidades = [torch.zeros_like(p) for p in parametros]
    with torch.no_grad():
        for p, v in zip(parametros, velocidades):
            v.mul_(momentum).add_(p.grad).add_(p, alpha=weight_decay)
            p -= lr * v


def criar_otimizador(modelo):
    return torch.optim.SGD(modelo.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
