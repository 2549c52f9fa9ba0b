# expect: sgd_factory_positional
"""Kata 13 — torch.optim.SGD(params, 0.01, 0.9, 1e-4) por posição: o 1e-4 vira dampening, e o weight_decay fica 0."""

import torch
from torch import nn

def passo_sgd(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
    with torch.no_grad():
        if not velocidades:
            velocidades.extend(torch.zeros_like(p) for p in parametros)
        for p, v in zip(parametros, velocidades):
            v.mul_(momentum).add_(p.grad).add_(p, alpha=weight_decay)
            p -= lr * v

def criar_otimizador(modelo):
    return torch.optim.SGD(modelo.parameters(), 0.01, 0.9, 1e-4)
