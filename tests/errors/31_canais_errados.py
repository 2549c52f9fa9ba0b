# expect: conv_channels
# values: 3 | 1 | [4, 1, 28, 28]
# catalogue: 31
"""Conv2d para RGB (3 canais) recebendo imagens em tons de cinza (1 canal)."""
import torch
from torch import nn


def main():
    conv = nn.Conv2d(3, 8, kernel_size=3)
    imagens = torch.randn(4, 1, 28, 28)
    return conv(imagens)  # <- erro
