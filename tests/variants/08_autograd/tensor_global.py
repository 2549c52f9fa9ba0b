# expect: autograd_state_between_calls
"""Kata 08 — um tensor global reaproveitado em cada chamada de derivada: o .grad soma de uma chamada para a outra."""

import torch

t = torch.zeros((), requires_grad=True)


def derivada(f, x):
    with torch.no_grad():
        t.fill_(float(x))
    f(t).backward()
    return t.grad.item()


def gradiente(f, valores):
    ts = [torch.tensor(float(v), requires_grad=True) for v in valores]
    f(*ts).backward()
    return [a.grad.item() for a in ts]
