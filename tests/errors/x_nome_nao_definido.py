# expect: undefined_name
# values: otimizador
"""Um nome usado antes de ser definido."""
import torch
from torch import nn


def main():
    modelo = nn.Linear(3, 1)
    otimizador.zero_grad()  # <- erro
    return modelo
