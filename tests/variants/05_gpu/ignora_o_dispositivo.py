# expect: model_not_on_device
"""Kata 05 — treinar ignora o dispositivo que recebe e chama escolher_dispositivo() por conta própria."""

import torch
from torch import nn


def escolher_dispositivo():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def treinar(modelo, X, y, dispositivo, epocas=100):
    dispositivo = escolher_dispositivo()
    modelo = modelo.to(dispositivo)
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
