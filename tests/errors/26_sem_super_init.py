# expect: super_init
# values: Rede | camada
# catalogue: 26
"""Esqueceu `super().__init__()`."""
from torch import nn


class Rede(nn.Module):
    def __init__(self):
        self.camada = nn.Linear(10, 1)  # <- erro

    def forward(self, x):
        return self.camada(x)


def main():
    return Rede()
