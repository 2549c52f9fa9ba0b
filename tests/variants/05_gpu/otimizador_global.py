# expect: optimizer_from_earlier_call
"""O SGD guardado numa global na primeira chamada: as seguintes dão os passos no modelo da primeira."""
import copy
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

_otimizador = None


def treinar(modelo, X, y, dispositivo, epocas=100):
    global _otimizador
    modelo = modelo.to(dispositivo)
    X, y = X.to(dispositivo), y.to(dispositivo)
    if _otimizador is None:
        _otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    criterio = nn.MSELoss()
    perdas = []
    for epoca in range(epocas):
        _otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        _otimizador.step()
        perdas.append(perda.item())
    return perdas
