# expect: autograd_backward_repeated
"""Kata 08 — backward() duas vezes no mesmo grafo (retain_graph=True) para imprimir no meio: a derivada vem em dobro."""

import torch


def derivada(f, x):
    t = torch.tensor(float(x), requires_grad=True)
    y = f(t)
    y.backward(retain_graph=True)
    print(t.grad)
    y.backward()
    return t.grad.item()


def gradiente(f, valores):
    ts = [torch.tensor(float(v), requires_grad=True) for v in valores]
    f(*ts).backward()
    return [a.grad.item() for a in ts]
