# expect: batch_mismatch
# values: 8 | 4
# catalogue: 21
"""`view(-1, 392)` mistura as amostras: 4 imagens viram 8 linhas."""
import torch
from torch import nn


def main():
    imagens = torch.randn(4, 1, 28, 28)
    rotulos = torch.tensor([0, 1, 2, 1])
    x = imagens.view(-1, 392)
    saida = nn.Linear(392, 3)(x)
    return nn.CrossEntropyLoss()(saida, rotulos)  # <- erro
