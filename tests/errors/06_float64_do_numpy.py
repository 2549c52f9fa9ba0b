# expect: dtype_mismatch
# values: Double | Float
# catalogue: 6
"""Dados do NumPy (float64) entram num modelo float32."""
import numpy as np
import torch
from torch import nn


def main():
    dados = np.random.rand(8, 3)
    X = torch.from_numpy(dados)
    modelo = nn.Linear(3, 1)
    return modelo(X)  # <- erro
