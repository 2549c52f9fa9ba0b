# expect: labels_not_on_device
"""Traz a saída do modelo para a CPU e calcula a perda lá, com y na CPU: nenhum erro, mas os rótulos nunca vão para a GPU."""
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
    modelo = modelo.to(dispositivo)
    X = X.to(dispositivo)
    criterio = nn.MSELoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=0.01)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        perda = criterio(modelo(X).cpu(), y)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas
