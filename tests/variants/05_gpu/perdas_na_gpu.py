# expect: history_tensors
"""Kata 05 — a lista guarda os tensores da perda (na GPU), não os números."""

import torch
from torch import nn


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


def escolher_dispositivo():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def treinar(modelo, X, y, dispositivo, epocas=100):
    modelo = modelo.to(dispositivo)
    X, y = X.to(dispositivo), y.to(dispositivo)
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(saida, y)
        perda.backward()
        otimizador.step()
        perdas.append(perda)
    return perdas

