# expect: autograd_accumulated
"""Kata 08 — um backward() por variável: os gradientes se somam no .grad a cada backward()."""

import torch


def derivada(f, x):
    t = torch.tensor(float(x), requires_grad=True)
    f(t).backward()
    return t.grad.item()


def gradiente(f, valores):
    tensores = [torch.tensor(float(v), requires_grad=True) for v in valores]
    resultado = []
    for t in tensores:
        f(*tensores).backward()
        resultado.append(t.grad.item())
    return resultado
