# expect: linear_sizes
"""Kata 01 — o construtor ignora os argumentos e usa 10, 5 e 1 fixos."""

import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(10, 5)
        self.camada2 = nn.Linear(5, 1)

    def forward(self, x):
        x = self.camada1(x)
        return self.camada2(x)
