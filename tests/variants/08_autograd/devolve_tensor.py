# expect: autograd_tensor
"""Kata 08 — devolve t.grad, o tensor, em vez do número."""

import torch


def derivada(f, x):
    t = torch.tensor(float(x), requires_grad=True)
    f(t).backward()
    return t.grad


def gradiente(f, valores):
    tensores = [torch.tensor(float(v), requires_grad=True) for v in valores]
    f(*tensores).backward()
    return [t.grad for t in tensores]
