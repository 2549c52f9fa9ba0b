# expect: pass
"""Kata 01 — as camadas numa nn.ModuleList, aplicadas num laço."""

import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        tamanhos = [n_entrada, n_oculta, n_saida]
        self.camadas = nn.ModuleList(
            [nn.Linear(tamanhos[i], tamanhos[i + 1]) for i in range(2)]
        )

    def forward(self, x):
        for camada in self.camadas:
            x = camada(x)
        return x


if __name__ == "__main__":
    print(DuasCamadas()(torch.randn(4, 10)).shape)
