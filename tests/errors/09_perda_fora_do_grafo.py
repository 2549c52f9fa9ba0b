# expect: no_grad_fn
# values: 
# catalogue: 9
"""A perda foi recriada a partir de `.item()`: saiu do grafo."""
import torch
from torch import nn


def main():
    modelo = nn.Linear(3, 1)
    X, y = torch.randn(8, 3), torch.randn(8, 1)
    perda = torch.tensor(nn.MSELoss()(modelo(X), y).item())
    perda.backward()  # <- erro
