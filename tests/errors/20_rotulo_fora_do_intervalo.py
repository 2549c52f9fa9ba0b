# expect: target_out_of_bounds
# values: 3 | 0 a 2
# catalogue: 20
"""Rótulos de 1 a 3 para um modelo de 3 classes (deviam ir de 0 a 2)."""
import torch
from torch import nn


def main():
    saida = nn.Linear(5, 3)(torch.randn(4, 5))
    rotulos = torch.tensor([1, 2, 3, 1])
    return nn.CrossEntropyLoss()(saida, rotulos)  # <- erro
