# expect: dtype_mismatch
# values: Long | Float
# catalogue: 7
"""Atributos inteiros (Long) entram direto no modelo."""
import torch
from torch import nn


def main():
    X = torch.tensor([[1, 2, 3], [4, 5, 6]])
    modelo = nn.Linear(3, 1)
    return modelo(X)  # <- erro
