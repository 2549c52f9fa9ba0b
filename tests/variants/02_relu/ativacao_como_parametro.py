# expect: pass
"""Kata 02 — a classe da ativação chega como parâmetro e a camada é criada no __init__."""

import torch
from torch import nn


class DuasCamadasReLU(nn.Module):
    def __init__(self, n_entrada=10, n_oculta=5, n_saida=1, ativacao=nn.ReLU):
        super().__init__()
        self.camada1 = nn.Linear(n_entrada, n_oculta)
        self.ativacao = ativacao()
        self.camada2 = nn.Linear(n_oculta, n_saida)

    def forward(self, x):
        return self.camada2(self.ativacao(self.camada1(x)))


if __name__ == "__main__":
    print(DuasCamadasReLU()(torch.randn(4, 10)))
