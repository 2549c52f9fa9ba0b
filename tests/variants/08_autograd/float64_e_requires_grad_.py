# expect: pass
"""Kata 08 — tensores float64, requires_grad_() depois de criar, e um laço explícito."""

import torch


def derivada(f, x):
    t = torch.tensor(x, dtype=torch.float64)
    t.requires_grad_()
    y = f(t)
    y.backward()
    return t.grad.item()


def gradiente(f, valores):
    tensores = []
    for v in valores:
        tensores.append(torch.tensor(v, dtype=torch.float64).requires_grad_())
    f(*tensores).backward()
    resultado = []
    for t in tensores:
        resultado.append(t.grad.item())
    return resultado
