# expect: looks.class_not_instance
"""Kata 02 — `nn.ReLU` sem parênteses: guarda a classe, não uma camada ReLU."""

import torch
from torch import nn


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.ativacao = nn.ReLU
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        x = self.ativacao(self.camada1(x))
        return self.camada2(x)


if __name__ == "__main__":
    print(DuasCamadasReLU()(torch.randn(4, 10)))
