# expect: relu_missing
"""Kata 02 — Uma ReLU entre as camadas.

O modelo abaixo tem duas camadas lineares seguidas. Coloque uma ReLU entre elas
(veja o enunciado com `katacheck next`, ou peça uma dica com `katacheck hint`).
"""

import torch
from torch import nn


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        x = self.camada1(x)
        # TODO: aplique uma ReLU aqui, entre as duas camadas.
        return self.camada2(x)


if __name__ == "__main__":
    print(DuasCamadasReLU()(torch.randn(4, 10)))
