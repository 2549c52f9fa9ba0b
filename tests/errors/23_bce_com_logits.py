# expect: bce_range
# values: -2.00 | 3.00
# fix: BCEWithLogitsLoss
# catalogue: 23
"""BCELoss direto na saída crua (logits) do modelo."""
import torch
from torch import nn


def main():
    logits = torch.tensor([[-2.0], [0.5], [3.0]])
    alvos = torch.tensor([[0.0], [1.0], [1.0]])
    return nn.BCELoss()(logits, alvos)  # <- erro
