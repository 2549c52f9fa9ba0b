# expect: pass
"""Kata 02 — Uma ReLU entre as camadas, com F.relu."""

import torch
from torch import nn
import torch.nn.functional as F


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        x = self.camada1(x)
        x = F.relu(x)
        return self.camada2(x)


if __name__ == "__main__":
    print(DuasCamadasReLU()(torch.randn(4, 10)))
