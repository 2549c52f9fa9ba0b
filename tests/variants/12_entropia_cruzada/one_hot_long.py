# expect: cross_entropy_one_hot
"""Kata 12 — os rótulos viram one-hot, inteiros: o PyTorch recusa."""

import torch
import torch.nn.functional as F
from torch import nn


def treinar_classificador(modelo, X, rotulos, epocas=100, lr=0.1):
    criterio = nn.CrossEntropyLoss()
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas = []
    for epoca in range(epocas):
        otimizador.zero_grad()
        saida = modelo(X)
        perda = criterio(saida, F.one_hot(rotulos))
        perda.backward()
        otimizador.step()
        perdas.append(perda.item())
    return perdas


def prever(modelo, X):
    modelo.eval()
    with torch.no_grad():
        saida = modelo(X)
    return saida.argmax(dim=1)
