# expect: empty_parameters
# values: Rede | blocos
"""Camadas acrescentadas com `append` numa lista Python."""
import torch
from torch import nn


class Rede(nn.Module):
    def __init__(self, tamanhos=(10, 8, 1)):
        super().__init__()
        self.blocos = []  # <- erro
        for a, b in zip(tamanhos, tamanhos[1:]):
            self.blocos.append(nn.Linear(a, b))

    def forward(self, x):
        for bloco in self.blocos:
            x = bloco(x)
        return x


def main():
    return torch.optim.Adam(Rede().parameters())
