# expect: empty_parameters
# values: Rede | camadas | `list`
# catalogue: 28
"""As camadas numa lista Python: o otimizador recebe zero parâmetros."""
import torch
from torch import nn


class Rede(nn.Module):
    def __init__(self):
        super().__init__()
        self.camadas = [nn.Linear(10, 5), nn.Linear(5, 1)]  # <- erro

    def forward(self, x):
        for camada in self.camadas:
            x = camada(x)
        return x


def main():
    modelo = Rede()
    return torch.optim.SGD(modelo.parameters(), lr=0.1)
