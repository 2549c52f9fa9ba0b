# expect: looks.constructor_order
"""Kata 01 — o tamanho da camada oculta vem primeiro no construtor."""

import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_oculta=5, n_entrada=10, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        x = self.camada1(x)
        return self.camada2(x)


if __name__ == "__main__":
    print(DuasCamadas()(torch.randn(4, 10)).shape)
