# expect: target_size
# values: [64, 1] | [64]
# catalogue: 22
# mode: warning
"""Saída [64, 1] e alvo [64] na MSELoss: broadcast silencioso."""
import torch
from torch import nn


def main():
    X, y = torch.randn(64, 10), torch.randn(64)
    saida = nn.Linear(10, 1)(X)
    return nn.MSELoss()(saida, y)  # <- erro
