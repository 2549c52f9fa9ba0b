# expect: linear_count
"""Kata 01 — Duas camadas lineares.

Este é o SimpleLinearModel do curso, com uma camada só. Transforme-o num modelo com duas
camadas lineares (veja o enunciado com `katacheck next`, ou peça uma dica com `katacheck hint`).
"""

import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.linear = nn.Linear(n_entrada, n_saida)

    def forward(self, x):
        return self.linear(x)


if __name__ == "__main__":
    modelo = DuasCamadas()
    print(modelo)
    print(modelo(torch.randn(4, 10)).shape)
