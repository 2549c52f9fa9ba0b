"""Kata 08 — Derivadas pelo autograd (solução de referência)."""

import torch


def derivada(f, x):
    t = torch.tensor(float(x), requires_grad=True)
    f(t).backward()
    return t.grad.item()


def gradiente(f, valores):
    tensores = [torch.tensor(float(v), requires_grad=True) for v in valores]
    f(*tensores).backward()
    return [t.grad.item() for t in tensores]


if __name__ == "__main__":
    print(derivada(lambda x: x ** 2, 2.0))  # 4.0
    print(gradiente(lambda x, y: 2 * x ** 2 + 3 * y ** 3, [2.0, 4.0]))  # [8.0, 144.0]
