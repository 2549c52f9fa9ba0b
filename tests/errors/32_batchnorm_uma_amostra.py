# expect: batchnorm_single
# values: [1, 10]
# fix: eval()
# catalogue: 32
"""Prever uma amostra com BatchNorm ainda em modo de treino."""
import torch
from torch import nn


def main():
    modelo = nn.Sequential(nn.Linear(4, 10), nn.BatchNorm1d(10), nn.ReLU(), nn.Linear(10, 2))
    amostra = torch.randn(1, 4)
    return modelo(amostra)  # <- erro
