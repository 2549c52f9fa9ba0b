# expect: optimizer_on_copy
"""Treina um copy.deepcopy do modelo na GPU: o modelo recebido fica como estava."""
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
    modelo = copy.deepcopy(modelo).to(dispositivo)
    X, y = X.to(dispositivo), y.to(dispositivo)
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
