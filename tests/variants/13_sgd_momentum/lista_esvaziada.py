# expect: sgd_momentum_lost
"""Kata 13 — esvazia e preenche de novo a lista a cada chamada: a velocidade anterior se perde."""

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
        velocidades.clear()
        velocidades.extend(torch.zeros_like(p) for p in parametros)
        for p, v in zip(parametros, velocidades):
            v.mul_(momentum).add_(p.grad).add_(p, alpha=weight_decay)
            p -= lr * v


def criar_otimizador(modelo):
    return torch.optim.SGD(modelo.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
