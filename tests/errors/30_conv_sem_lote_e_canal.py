# expect: conv_input_dims
# values: conv2d | [28, 28] | 4
# catalogue: 30
"""Uma imagem [28, 28] direto na Conv2d, sem lote nem canal."""
import torch
from torch import nn


def main():
    conv = nn.Conv2d(1, 8, kernel_size=3)
    imagem = torch.randn(28, 28)
    return conv(imagem)  # <- erro
