# expect: pass
"""Kata 08 — torch.func.grad (o autograd funcional) em vez de backward() e .grad."""

import torch
from torch.func import grad


def derivada(f, x):
    return grad(f)(torch.tensor(float(x))).item()


def gradiente(f, valores):
    ts = tuple(torch.tensor(float(v)) for v in valores)
    gs = grad(f, argnums=tuple(range(len(ts))))(*ts)
    return [g.item() for g in gs]
