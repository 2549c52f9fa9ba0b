# expect: pass
"""Kata 13 — como o próprio torch.optim.SGD faz: o buffer nasce do primeiro gradiente, e o decorador no_grad."""

import torch
from torch import nn, optim


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


@torch.no_grad()
def passo_sgd(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
    for i, p in enumerate(parametros):
        d_p = p.grad.add(p, alpha=weight_decay)
        if len(velocidades) <= i:
            velocidades.append(d_p.clone())
        else:
            velocidades[i].mul_(momentum).add_(d_p)
        p.add_(velocidades[i], alpha=-lr)


def criar_otimizador(modelo):
    return optim.SGD(params=modelo.parameters(), lr=1e-2, momentum=.9, weight_decay=0.0001)
