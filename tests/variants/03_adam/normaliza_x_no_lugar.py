# expect: data_changed_in_place
"""Normaliza o X recebido no lugar (sub_ e div_): o diagnóstico mandava conferir a linha da perda."""
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
    X.sub_(X.mean(dim=0)).div_(X.std(dim=0))
    criterio = nn.MSELoss()
    otimizador = torch.optim.Adam(modelo.parameters(), lr=0.01)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
