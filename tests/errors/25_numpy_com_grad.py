# expect: numpy_requires_grad
# values: 
# fix: detach()
# catalogue: 25
"""`.numpy()` para plotar uma saída que ainda está no grafo."""
import torch
from torch import nn


def main():
    saida = nn.Linear(3, 1)(torch.randn(8, 3))
    return saida.numpy()  # <- erro
