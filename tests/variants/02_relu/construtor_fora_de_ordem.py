# expect: looks.constructor_order
"""Kata 02 — o construtor recebe os tamanhos em outra ordem: (entrada, saída, oculta)."""

import torch
from torch import nn


class DuasCamadasReLU(nn.Module):
    def __init__(self, entrada=10, saida=1, oculta=5):
        super().__init__()
        self.camada1 = nn.Linear(entrada, oculta)
        self.camada2 = nn.Linear(oculta, saida)

    def forward(self, x):
        return self.camada2(torch.relu(self.camada1(x)))


if __name__ == "__main__":
    print(DuasCamadasReLU()(torch.randn(4, 10)))
