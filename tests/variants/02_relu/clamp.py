# expect: pass
"""Kata 02 — a ReLU escrita à mão: max(0, x) com clamp."""

import torch
from torch import nn


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        x = self.camada1(x)
        x = x.clamp(min=0)
        return self.camada2(x)
