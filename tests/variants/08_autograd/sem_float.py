# expect: grad_needs_float
"""Kata 08 — torch.tensor(x, requires_grad=True) com x inteiro: um tensor int64 não pode pedir gradiente."""

import torch


def derivada(f, x):
    t = torch.tensor(x, requires_grad=True)
    f(t).backward()
    return t.grad.item()


def gradiente(f, valores):
    tensores = [torch.tensor(v, requires_grad=True) for v in valores]
    f(*tensores).backward()
    return [t.grad.item() for t in tensores]
