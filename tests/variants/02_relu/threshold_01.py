# expect: wrong_activation
"""F.threshold(h, 0.1, 0.0): zera também os valores entre 0 e 0.1."""
import torch
from torch import nn
import torch.nn.functional as F


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        return self.camada2(F.threshold(self.camada1(x), 0.1, 0.0))
