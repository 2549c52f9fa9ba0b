# expect: looks.not_called
"""Kata 05 — `torch.cuda.is_available` sem parênteses: a função em si é sempre "verdadeira"."""

import torch
from torch import nn


def escolher_dispositivo():
    if torch.cuda.is_available:
        return torch.device("cuda")
    return torch.device("cpu")


def treinar(modelo, X, y, dispositivo, epocas=100):
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
