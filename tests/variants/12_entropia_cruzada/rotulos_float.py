# expect: cross_entropy_float_labels
"""Kata 12 — os rótulos convertidos para float antes da perda."""

import torch
from torch import nn


def treinar_classificador(modelo, X, rotulos, epocas=100, lr=0.1):
    criterio = nn.CrossEntropyLoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(saida, rotulos.float())
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas


def prever(modelo, X):
    modelo.eval()
    with torch.no_grad():
        saida = modelo(X)
    return saida.argmax(dim=1)
