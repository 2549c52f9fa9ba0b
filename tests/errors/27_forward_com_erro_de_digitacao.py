# expect: missing_forward
# values: Rede | foward
# catalogue: 27
"""`foward` em vez de `forward`."""
import torch
from torch import nn


class Rede(nn.Module):
    def __init__(self):
        super().__init__()
        self.camada = nn.Linear(10, 1)

    def foward(self, x):  # <- erro
        return self.camada(x)


def main():
    return Rede()(torch.randn(2, 10))
