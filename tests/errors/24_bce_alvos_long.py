# expect: target_float
# values: Long | Float
# fix: y.float()
# catalogue: 24
"""BCEWithLogitsLoss com alvos inteiros."""
import torch
from torch import nn


def main():
    logits = torch.randn(4, 1)
    alvos = torch.tensor([[0], [1], [1], [0]])
    return nn.BCEWithLogitsLoss()(logits, alvos)  # <- erro
