# expect: optimizer_from_earlier_call
"""O SGD criado uma vez numa variável global: a segunda chamada dá os passos no modelo da primeira."""
import torch
from torch import nn
import torch.nn.functional as F


class SimpleLinearModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10, 1)

    def forward(self, x):
        return self.linear(x)


otimizador = None


def treinar(modelo, X, y, epocas=100, lr=0.01):
    global otimizador
    if otimizador is None:
        otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    criterio = nn.MSELoss()
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
