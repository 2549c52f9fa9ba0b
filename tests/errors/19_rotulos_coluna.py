# expect: target_multi
# values: [4, 1]
# catalogue: 19
"""Rótulos com formato [N, 1] em vez de [N]."""
import torch
from torch import nn


def main():
    saida = nn.Linear(5, 3)(torch.randn(4, 5))
    rotulos = torch.tensor([[0], [2], [1], [0]])
    return nn.CrossEntropyLoss()(saida, rotulos)  # <- erro
