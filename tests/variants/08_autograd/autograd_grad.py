# expect: pass
"""Kata 08 — torch.autograd.grad em vez de backward() e .grad."""

import torch


def derivada(f, x):
    t = torch.tensor(float(x), requires_grad=True)
    (d,) = torch.autograd.grad(f(t), t)
    return d.item()


def gradiente(f, valores):
    tensores = [torch.tensor(float(v), requires_grad=True) for v in valores]
    return [g.item() for g in torch.autograd.grad(f(*tensores), tensores)]
