# expect: backward_twice
# values: 
# catalogue: 12
"""O forward foi feito uma vez só, fora do laço."""
import torch
from torch import nn


def main():
    modelo = nn.Linear(3, 1)
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.1)
    X, y = torch.randn(8, 3), torch.randn(8, 1)
    perda = nn.MSELoss()(modelo(X), y)
    for epoca in range(3):
        otimizador.zero_grad()
        perda.backward()  # <- erro
        otimizador.step()
