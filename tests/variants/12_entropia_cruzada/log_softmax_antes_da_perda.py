# expect: log_softmax_before_cross_entropy
"""Kata 12 — log_softmax e depois CrossEntropyLoss: a log_softmax aplicada duas vezes."""

import torch
from torch import nn


def treinar_classificador(modelo, X, rotulos, epocas=100, lr=0.1):
    criterio = nn.CrossEntropyLoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(torch.log_softmax(saida, dim=1), rotulos)
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas


def prever(modelo, X):
    modelo.eval()
    with torch.no_grad():
        saida = modelo(X)
    return saida.argmax(dim=1)
