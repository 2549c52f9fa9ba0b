# expect: pass
"""Cria o SGD antes de mover o modelo: o .to() de um módulo mantém os mesmos parâmetros."""
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

def treinar(modelo, X, y, dispositivo, epocas=100):
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    modelo.to(dispositivo)
    X, y = X.to(dispositivo), y.to(dispositivo)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.cpu().item())
    return perdas
