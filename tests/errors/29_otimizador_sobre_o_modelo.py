# expect: optimizer_not_params
# values: Linear
# fix: modelo.parameters()
# catalogue: 29
"""O modelo, e não os parâmetros, passado ao otimizador."""
import torch
from torch import nn


def main():
    modelo = nn.Linear(10, 1)
    return torch.optim.SGD(modelo, lr=0.01)  # <- erro
