# expect: looks.class_not_instance
"""Kata 02 — num nn.Sequential, `nn.ReLU` sem parênteses entre as camadas."""

import torch
from torch import nn


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.rede = nn.Sequential(
            nn.Linear(n_entrada, n_oculta),
            nn.ReLU,
            nn.Linear(n_oculta, n_saida),
        )

    def forward(self, x):
        return self.rede(x)


if __name__ == "__main__":
    print(DuasCamadasReLU()(torch.randn(4, 10)))
