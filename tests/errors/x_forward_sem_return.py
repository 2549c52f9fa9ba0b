# expect: tensor_expected
# values: None | cross_entropy_loss
"""O forward esqueceu o `return`."""
import torch
from torch import nn


class Rede(nn.Module):
    def __init__(self):
        super().__init__()
        self.camada = nn.Linear(4, 3)

    def forward(self, x):
        x = self.camada(x)


def main():
    saida = Rede()(torch.randn(2, 4))
    return nn.CrossEntropyLoss()(saida, torch.tensor([0, 2]))  # <- erro
