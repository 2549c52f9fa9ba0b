# expect: call_arguments
# values: forward | 2 | 3
"""O modelo chamado com dois argumentos, mas o forward só aceita um."""
import torch
from torch import nn


class Rede(nn.Module):
    def __init__(self):
        super().__init__()
        self.camada = nn.Linear(4, 1)

    def forward(self, x):
        return self.camada(x)


def main():
    X, y = torch.randn(2, 4), torch.randn(2, 1)
    return Rede()(X, y)  # <- erro
