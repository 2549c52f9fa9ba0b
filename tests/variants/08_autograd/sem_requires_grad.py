# expect: no_grad_fn
"""Kata 08 — esquece o requires_grad=True: o backward() não tem o que derivar."""

import torch


def derivada(f, x):
    t = torch.tensor(float(x))
    f(t).backward()
    return t.grad.item()


def gradiente(f, valores):
    tensores = [torch.tensor(float(v)) for v in valores]
    f(*tensores).backward()
    return [t.grad.item() for t in tensores]
