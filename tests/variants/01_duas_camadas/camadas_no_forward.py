# expect: looks.layer_in_forward
"""Kata 01 — as camadas são criadas dentro do forward, a cada chamada."""

import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.n_entrada = n_entrada
        self.n_oculta = n_oculta
        self.n_saida = n_saida

    def forward(self, x):
        x = nn.Linear(self.n_entrada, self.n_oculta)(x)
        return nn.Linear(self.n_oculta, self.n_saida)(x)


if __name__ == "__main__":
    print(DuasCamadas()(torch.randn(4, 10)).shape)
