# expect: linear_sizes
"""Kata 01 — Duas camadas lineares.

Erro comum: a primeira camada vai direto para n_saida, e a segunda volta para n_oculta.
"""

import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_saida)
        self.camada2 = nn.Linear(n_saida, n_oculta)

    def forward(self, x):
        x = self.camada1(x)
        return self.camada2(x)


if __name__ == "__main__":
    print(DuasCamadas()(torch.randn(4, 10)).shape)
