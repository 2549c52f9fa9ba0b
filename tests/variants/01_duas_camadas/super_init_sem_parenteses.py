# expect: looks.not_called
"""Kata 01 — o super().__init__ nomeado, mas não chamado."""

import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        x = self.camada1(x)
        return self.camada2(x)
