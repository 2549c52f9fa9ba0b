# expect: looks.layer_in_forward
"""Kata 02 — a segunda camada é criada (e guardada) dentro do forward."""

import torch
from torch import nn


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.n_oculta = n_oculta
        self.n_saida = n_saida

    def forward(self, x):
        x = torch.relu(self.camada1(x))
        self.camada2 = nn.Linear(self.n_oculta, self.n_saida)
        return self.camada2(x)


if __name__ == "__main__":
    print(DuasCamadasReLU()(torch.randn(4, 10)))
