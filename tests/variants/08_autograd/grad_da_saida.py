# expect: autograd_none
"""Kata 08 — lê o .grad do resultado de f, e não o da entrada: ele fica None."""

import torch


def derivada(f, x):
    t = torch.tensor(float(x), requires_grad=True)
    y = f(t)
    y.backward()
    return y.grad


def gradiente(f, valores):
    tensores = [torch.tensor(float(v), requires_grad=True) for v in valores]
    f(*tensores).backward()
    return [t.grad.item() for t in tensores]
