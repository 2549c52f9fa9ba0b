# expect: optimizer_not_params
# values: method
"""`modelo.parameters` sem os parênteses."""
import torch
from torch import nn


def main():
    modelo = nn.Linear(10, 1)
    return torch.optim.Adam(modelo.parameters, lr=0.01)  # <- erro
