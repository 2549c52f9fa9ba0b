# expect: looks.class_applied
"""Kata 02 — `nn.ReLU(x)` no forward: a classe recebe o tensor e cria uma camada, em vez de aplicar a ReLU."""

import torch
from torch import nn


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        x = nn.ReLU(self.camada1(x))
        return self.camada2(x)


if __name__ == "__main__":
    print(DuasCamadasReLU()(torch.randn(4, 10)))
