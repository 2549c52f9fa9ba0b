# expect: float_backward
# values: 
# catalogue: 10
"""`.item()` antes do `backward()`."""
import torch
from torch import nn


def main():
    modelo = nn.Linear(3, 1)
    X, y = torch.randn(8, 3), torch.randn(8, 1)
    perda = nn.MSELoss()(modelo(X), y).item()
    perda.backward()  # <- erro
