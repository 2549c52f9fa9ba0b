# expect: pass
"""Kata 13 — a velocidade nova substitui a antiga na lista (sem operações in-place nela); o peso muda com sub_."""

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
        if len(velocidades) == 0:
            for p in parametros:
                velocidades.append(torch.zeros_like(p))
        for i in range(len(parametros)):
            p = parametros[i]
            velocidades[i] = momentum * velocidades[i] + p.grad + weight_decay * p
            p.sub_(lr * velocidades[i])


def criar_otimizador(modelo):
    parametros = list(modelo.parameters())
    return torch.optim.SGD(parametros, 0.01, momentum=0.9, weight_decay=1e-4)
