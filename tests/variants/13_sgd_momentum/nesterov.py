# expect: sgd_nesterov
"""Kata 13 — o passo de Nesterov, w ← w − η·(g + μ·v), no lugar de w ← w − η·v."""

import torch
from torch import nn

def passo_sgd(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
    with torch.no_grad():
        if not velocidades:
            velocidades.extend(torch.zeros_like(p) for p in parametros)
        for p, v in zip(parametros, velocidades):
            g = p.grad + weight_decay * p
            v.mul_(momentum).add_(g)
            p -= lr * (g + momentum * v)

def criar_otimizador(modelo):
    return torch.optim.SGD(modelo.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
