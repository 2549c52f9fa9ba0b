"""Kata 08 — Derivadas pelo autograd.

O exemplo das notas (4.3, "Prática intensiva"), transformado em funções
(veja o enunciado com `katacheck next`, ou peça uma dica com `katacheck hint`).

    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 2
    y.backward()
    print(x.grad)  # tensor(4.)
"""

import torch


def derivada(f, x):
    # TODO: e se x for um inteiro, como em derivada(f, 2)?
    t = torch.tensor(x, requires_grad=True)
    f(t).backward()
    return t.grad.item()


def gradiente(f, valores):
    # TODO: um tensor com requires_grad=True para cada valor, f(*tensores).backward(),
    # e a lista dos .grad de cada tensor, como floats.
    return [0.0 for _ in valores]


if __name__ == "__main__":
    print(derivada(lambda x: x ** 2, 2.0))  # 4.0
    print(gradiente(lambda x, y: 2 * x ** 2 + 3 * y ** 3, [2.0, 4.0]))  # [8.0, 144.0]
