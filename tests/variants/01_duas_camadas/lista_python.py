# expect: linear_count
"""Kata 01 — as camadas guardadas numa lista Python comum (não registradas no módulo)."""

import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camadas = [nn.Linear(n_entrada, n_oculta), nn.Linear(n_oculta, n_saida)]

    def forward(self, x):
        for camada in self.camadas:
            x = camada(x)
        return x
