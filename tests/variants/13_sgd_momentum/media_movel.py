# expect: sgd_dampened
"""Kata 13 — a velocidade como média móvel (o primeiro momento do Adam): v ← μ·v + (1 − μ)·(∇J + λ·w)."""

import torch
from torch import nn

def passo_sgd(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
    with torch.no_grad():
        if not velocidades:
            velocidades.extend(torch.zeros_like(p) for p in parametros)
        for p, v in zip(parametros, velocidades):
            v.mul_(momentum).add_((1 - momentum) * (p.grad + weight_decay * p))
            p -= lr * v

def criar_otimizador(modelo):
    return torch.optim.SGD(modelo.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
