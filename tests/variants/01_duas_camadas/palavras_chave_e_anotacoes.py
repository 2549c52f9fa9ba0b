# expect: pass
"""Kata 01 — argumentos por nome, anotações de tipo e o super() antigo."""

import torch
import torch.nn as nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada: int = 10, n_oculta: int = 5, n_saida: int = 1) -> None:
        super(DuasCamadas, self).__init__()
        self.entrada = nn.Linear(in_features=n_entrada, out_features=n_oculta)
        self.saida = nn.Linear(in_features=n_oculta, out_features=n_saida, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        oculta = self.entrada(x)
        saida = self.saida(oculta)
        return saida
