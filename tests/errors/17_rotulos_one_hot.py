# expect: target_one_hot
# values: Long | [4, 3]
# catalogue: 17
"""Rótulos one-hot (Long) na CrossEntropyLoss."""
import torch
import torch.nn.functional as F
from torch import nn


def main():
    saida = nn.Linear(5, 3)(torch.randn(4, 5))
    rotulos = F.one_hot(torch.tensor([0, 2, 1, 0]), num_classes=3)
    return nn.CrossEntropyLoss()(saida, rotulos)  # <- erro
