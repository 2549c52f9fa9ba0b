# expect: looks.discarded_result
"""Kata 02 — a ReLU é calculada, mas o resultado é jogado fora: `torch.relu(x)` sozinho na linha."""

import torch
from torch import nn


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        x = self.camada1(x)
        torch.relu(x)
        return self.camada2(x)
