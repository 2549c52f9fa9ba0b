# expect: pass
"""Compara o dispositivo com a string "cuda" e usa .cuda(), com um print: correto."""
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
    if dispositivo == "cuda" or str(dispositivo).startswith("cuda"):
        modelo = modelo.cuda()
        X, y = X.cuda(), y.cuda()
    print("treinando em", dispositivo)
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
