# expect: pass
"""Kata 13 — o estilo antigo, com .data em vez de no_grad, e velocidades de torch.zeros(formato), que são float32."""

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
        velocidades += [torch.zeros(p.shape) for p in parametros]
    for p, v in zip(parametros, velocidades):
        v.mul_(momentum).add_(p.grad.data + weight_decay * p.data)
        p.data -= lr * v


def criar_otimizador(modelo):
    return torch.optim.SGD(modelo.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
