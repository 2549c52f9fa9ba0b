# expect: pass
"""Treina em float64 (modelo.double(), X.double(), y.double()): o modelo volta em float64, e a perda do conjunto é medida nele."""
import torch
from torch import nn
import torch.nn.functional as F


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def treinar(modelo, X, y, epocas=100):
    modelo.double()
    X, y = X.double(), y.double()
    criterio = nn.MSELoss()
    otimizador = torch.optim.Adam(modelo.parameters(), lr=0.01)
    perdas = []
    for _ in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
