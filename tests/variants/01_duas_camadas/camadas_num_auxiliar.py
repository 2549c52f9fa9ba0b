# expect: pass
"""Kata 01 — outros nomes, na ordem do contrato, e as camadas criadas por um método auxiliar do __init__."""

import torch
from torch import nn


class DuasCamadas(nn.Module):
    def __init__(self, entrada=10, oculta=5, saida=1):
        super().__init__()
        self.camada1 = self._camada(entrada, oculta)
        self.camada2 = self._camada(oculta, saida)

    @staticmethod
    def _camada(tamanho_in, tamanho_out):
        return nn.Linear(tamanho_in, tamanho_out)

    def forward(self, x):
        return self.camada2(self.camada1(x))


if __name__ == "__main__":
    print(DuasCamadas()(torch.randn(4, 10)).shape)
