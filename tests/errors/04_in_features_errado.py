# expect: shapes_matmul
# values: 784 | 128
# fix: nn.Linear(784, 10)
# catalogue: 4
"""A Linear espera 128 entradas, mas cada imagem achatada tem 784."""
import torch
from torch import nn


def main():
    modelo = nn.Linear(128, 10)
    imagens = torch.randn(64, 784)
    return modelo(imagens)  # <- erro
