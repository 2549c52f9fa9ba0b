# expect: kernel_too_big
# values: 3 x 3 | 2 x 2
"""Kernel 3x3 numa imagem que já encolheu para 2x2."""
import torch
from torch import nn


def main():
    conv = nn.Conv2d(1, 1, kernel_size=3)
    return conv(torch.randn(1, 1, 2, 2))  # <- erro
