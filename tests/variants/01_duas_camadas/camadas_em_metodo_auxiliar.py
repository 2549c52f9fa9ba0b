# expect: pass
"""Kata 01 — as camadas criadas num método auxiliar chamado pelo __init__ (não no forward)."""

import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self._criar_camadas(n_entrada, n_oculta, n_saida)

    def _criar_camadas(self, n_entrada, n_oculta, n_saida):
        self.primeira = nn.Linear(n_entrada, n_oculta)
        self.segunda = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        return self.segunda(self.primeira(x))
