# expect: flatten_needed
# values: [64, 1, 28, 28] | 784
# catalogue: 5
"""Imagens [B, 1, 28, 28] entram direto na Linear, sem achatar."""
import torch
from torch import nn


def main():
    modelo = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    imagens = torch.randn(64, 1, 28, 28)
    return modelo(imagens)  # <- erro
