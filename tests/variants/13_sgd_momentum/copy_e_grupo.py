# expect: pass
"""Kata 13 — copy_ no lugar de -=, velocidades += [...] (o += de lista estende a mesma lista) e o SGD com um grupo de parâmetros e dampening=0, nesterov=False por extenso."""

import torch
from torch import nn

def passo_sgd(parametros, velocidades, lr, momentum=0.9, weight_decay=1e-4):
    if len(velocidades) == 0:
        velocidades += [torch.zeros_like(p) for p in parametros]
    with torch.no_grad():
        for i in range(len(parametros)):
            w = parametros[i]
            g = w.grad + weight_decay * w
            velocidades[i].copy_(momentum * velocidades[i] + g)
            w.copy_(w - lr * velocidades[i])

def criar_otimizador(modelo):
    return torch.optim.SGD([{"params": modelo.parameters()}], lr=0.01, momentum=0.9, weight_decay=1e-4,
                           dampening=0, nesterov=False)
