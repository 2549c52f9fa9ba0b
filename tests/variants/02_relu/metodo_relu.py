# expect: pass
import torch
from torch import nn


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.entrada = nn.Linear(n_entrada, n_oculta)
        self.saida = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        oculta = self.entrada(x).relu()
        return self.saida(oculta)
