# expect: missing_forward
# values: Rede | __init__
"""O `forward` ficou indentado dentro do `__init__`."""
import torch
from torch import nn


class Rede(nn.Module):
    def __init__(self):
        super().__init__()
        self.camada = nn.Linear(10, 1)

        def forward(self, x):  # <- erro
            return self.camada(x)


def main():
    return Rede()(torch.randn(2, 10))
