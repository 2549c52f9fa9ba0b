# expect: target_dtype
# values: Float
# fix: y.long()
# catalogue: 18
"""Índices de classe guardados como float."""
import torch
from torch import nn


def main():
    saida = nn.Linear(5, 3)(torch.randn(4, 5))
    rotulos = torch.tensor([0.0, 2.0, 1.0, 0.0])
    return nn.NLLLoss()(torch.log_softmax(saida, dim=1), rotulos)  # <- erro
