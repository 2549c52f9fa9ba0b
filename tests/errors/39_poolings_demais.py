# expect: pool_too_small
# values: 1x1x1 | 1x0x0
# catalogue: 39
"""Poolings demais para uma imagem 8x8."""
import torch
from torch import nn


def main():
    modelo = nn.Sequential(nn.MaxPool2d(2), nn.MaxPool2d(2), nn.MaxPool2d(2), nn.MaxPool2d(2))
    return modelo(torch.randn(1, 1, 8, 8))  # <- erro
