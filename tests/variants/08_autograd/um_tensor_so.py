# expect: pass
"""Kata 08 — um tensor só com todos os valores, desempacotado para f; dtype em vez de float()."""

import torch


def derivada(f, x):
    t = torch.tensor(x, dtype=torch.float32, requires_grad=True)
    saida = f(t)
    saida.backward()
    return float(t.grad)


def gradiente(f, valores):
    t = torch.tensor(valores, dtype=torch.float32, requires_grad=True)
    f(*t).backward()
    return t.grad.tolist()
