# expect: parameter_assign
# values: weight | torch.FloatTensor
"""Um tensor comum atribuído ao peso de uma camada."""
import torch
from torch import nn


def main():
    camada = nn.Linear(2, 2)
    camada.weight = torch.zeros(2, 2)  # <- erro
    return camada
